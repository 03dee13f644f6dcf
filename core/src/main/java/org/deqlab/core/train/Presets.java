package org.deqlab.core.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.StopCriterion;

/**
 * Named, ready-to-run experiments: small enough to train on a 2-core CPU in minutes, shaped like
 * the DEQ papers' experiments (copy memory, character-level language modelling, a small vision
 * task). {@link #DEFAULT} is what the workbench opens with.
 */
public final class Presets {
  public static final String DEFAULT = "copy-memory-deq-transformer";

  private static final Map<String, TrainingConfig> PRESETS = new LinkedHashMap<>();

  static {
    SolverOptions forward =
        SolverOptions.defaults()
            .withMaxIterations(30)
            .withTolerance(1e-3)
            .withStopCriterion(StopCriterion.RELATIVE);
    SolverOptions backward = forward.withMaxIterations(30).withTolerance(1e-3);
    TrainingConfig.Optimizer adam = new TrainingConfig.Optimizer(2e-3, 100, 1e-4, 1.0, 0.0);
    TrainingConfig.Jacobian noRegularization = new TrainingConfig.Jacobian(0.0, 1, 1, 25, 20);

    add(
        new TrainingConfig(
            "copy-memory-deq-transformer",
            new TrainingConfig.Task("copy-memory", 100, 32, "builtin", 4),
            new TrainingConfig.Model(
                "transformer", "deq", 8, 2, 16, 32, 2, 64, 3, 1, 0.0, false, 1.0),
            new TrainingConfig.Forward(SolverKind.ANDERSON, forward),
            new TrainingConfig.Backward("implicit", SolverKind.ANDERSON, backward, 1, 1.0),
            // The DEQ papers' tip, which this task needs: the cheap 2-layer unrolled stack crosses
            // copy memory's long plateau at the trivial baseline (~1,000 steps); the DEQ then
            // takes over the same weights and converges in a few hundred more.
            adam,
            noRegularization,
            1600,
            1000,
            200,
            800,
            0,
            "cpu",
            "float32"));

    add(
        new TrainingConfig(
            "copy-memory-deq-trellisnet",
            new TrainingConfig.Task("copy-memory", 100, 32, "builtin", 4),
            new TrainingConfig.Model(
                "trellisnet", "deq", 8, 2, 16, 48, 1, 48, 3, 1, 0.0, true, 1.0),
            new TrainingConfig.Forward(SolverKind.BROYDEN, forward.withMaxIterations(40)),
            new TrainingConfig.Backward(
                "implicit", SolverKind.BROYDEN, backward.withMaxIterations(40), 1, 1.0),
            adam,
            noRegularization,
            2000,
            200,
            250,
            1000,
            0,
            "cpu",
            "float32"));

    add(
        new TrainingConfig(
            "char-lm-deq-transformer",
            new TrainingConfig.Task("char-lm", 64, 16, "builtin", 8),
            new TrainingConfig.Model(
                "transformer", "deq", 8, 2, 32, 64, 4, 128, 3, 1, 0.0, false, 1.0),
            new TrainingConfig.Forward(SolverKind.ANDERSON, forward),
            new TrainingConfig.Backward("implicit", SolverKind.ANDERSON, backward, 1, 1.0),
            new TrainingConfig.Optimizer(2e-3, 100, 1e-4, 1.0, 0.0),
            noRegularization,
            600,
            100,
            100,
            300,
            0,
            "cpu",
            "float32"));

    add(
        new TrainingConfig(
            "shapes-deq-conv",
            new TrainingConfig.Task("shapes", 16, 32, "builtin", 4),
            new TrainingConfig.Model("conv", "deq", 8, 2, 1, 16, 1, 16, 3, 1, 0.0, false, 1.0),
            new TrainingConfig.Forward(SolverKind.ANDERSON, forward.withMaxIterations(25)),
            new TrainingConfig.Backward(
                "implicit", SolverKind.ANDERSON, backward.withMaxIterations(25), 1, 1.0),
            adam,
            noRegularization,
            600,
            50,
            100,
            600,
            0,
            "cpu",
            "float32"));
  }

  private Presets() {}

  private static void add(TrainingConfig config) {
    PRESETS.put(config.name(), config);
  }

  /** The preset with this name; the error lists the valid names. */
  public static TrainingConfig get(String name) {
    TrainingConfig config = PRESETS.get(name);
    if (config == null) {
      throw new IllegalArgumentException(
          "unknown preset '" + name + "' (presets: " + String.join(", ", PRESETS.keySet()) + ")");
    }
    return config;
  }

  public static Set<String> names() {
    return PRESETS.keySet();
  }
}
