package org.deqlab.core.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Named, ready-to-run experiments: small enough to train on a 2-core CPU in minutes, shaped like
 * the DEQ papers' experiments (copy memory, character-level language modelling, a small vision
 * task). Each is a JSON file among this package's resources ({@code presets/NAME.json}), read by
 * the same mapping as a user's config, so both are validated one way. {@link #DEFAULT} is what the
 * workbench opens with and {@code ./deq run} runs; {@link #NAMES} lists them in the order users see
 * them.
 */
public final class Presets {
  /** The first experiment a user runs: the DEQ phase, its solves and probes within seconds. */
  public static final String DEFAULT = "quick-char-lm-deq-transformer";

  /**
   * What a config file that names no preset is merged over. It stays the copy-memory preset, the
   * default before 2026-12-04, so that partial files written earlier keep their meaning.
   */
  public static final String MERGE_BASE = "copy-memory-deq-transformer";

  /** The presets, in the order of menus and help texts; a new one is a JSON file named here. */
  private static final List<String> NAMES =
      List.of(
          "quick-char-lm-deq-transformer",
          "copy-memory-deq-transformer",
          "copy-memory-400-deq-transformer",
          "copy-memory-deq-trellisnet",
          "char-lm-deq-transformer",
          "char-lm-deq-trellisnet",
          "shapes-deq-conv",
          "shapes-mdeq");

  private static final Map<String, ExperimentConfig> PRESETS = load();

  private Presets() {}

  private static Map<String, ExperimentConfig> load() {
    Map<String, ExperimentConfig> presets = new LinkedHashMap<>();
    for (String name : NAMES) {
      String resource = "presets/" + name + ".json";
      try (InputStream in = Presets.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("preset resource " + resource + " is missing");
        }
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        ExperimentConfig config =
            ExperimentConfigs.bind(ExperimentConfigs.JSON.readTree(text), "preset " + name);
        if (!config.name().equals(name)) {
          throw new IllegalStateException(
              "preset " + resource + " is named '" + config.name() + "'");
        }
        presets.put(name, config);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read preset " + resource + ": " + e, e);
      }
    }
    return presets;
  }

  /**
   * Fitting a user's TorchScript cell to targets: the equilibrium {@code z*(x)} of {@code module}
   * (checked on {@code input}) against {@code y} of {@code data} by mean squared error, Anderson
   * forward and implicit backward at the solver defaults, Adam at a constant 1e-2 with clipping at
   * 10, batch 32, 200 steps, the Jacobian probed every 10 steps. Not a preset file: it needs the
   * user's files. Paths are kept absolute, so the run can be resumed from anywhere.
   */
  public static ExperimentConfig torchScriptFit(
      java.nio.file.Path module, java.nio.file.Path input, java.nio.file.Path data) {
    ExperimentConfig base = get(MERGE_BASE);
    String stem = module.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    org.deqlab.core.solver.SolverOptions defaults = org.deqlab.core.solver.SolverOptions.defaults();
    return base.with(
        b ->
            b.name("torchscript-" + stem)
                .description(
                    "The equilibrium of the TorchScript cell "
                        + module.getFileName()
                        + " fitted to the targets y of "
                        + data.getFileName()
                        + " (mean squared error, implicit backward).")
                .task(
                    new ExperimentConfig.Task(
                        TaskKind.TARGETS,
                        1,
                        32,
                        "builtin",
                        data.toAbsolutePath().normalize().toString(),
                        1))
                .model(
                    base.model()
                        .with(
                            m ->
                                m.cell(CellKind.TORCHSCRIPT)
                                    .layer(LayerKind.DEQ)
                                    .dropout(0)
                                    .spectralNorm(0)
                                    .module(module.toAbsolutePath().normalize().toString())
                                    .moduleInput(input.toAbsolutePath().normalize().toString())))
                .forward(
                    new ExperimentConfig.Forward(
                        org.deqlab.core.solver.SolverKind.ANDERSON, defaults))
                .backward(
                    base.backward()
                        .with(
                            w ->
                                w.mode(BackwardKind.IMPLICIT)
                                    .solver(org.deqlab.core.solver.SolverKind.ANDERSON)
                                    .options(defaults)))
                .optimizer(new ExperimentConfig.Optimizer(1e-2, 0, 1e-2, 10, 0))
                .jacobian(new ExperimentConfig.Jacobian(0, 1, 1, 10, 20))
                .steps(200)
                .pretrainSteps(0)
                .evalEvery(50)
                .checkpointEvery(50)
                .seed(0));
  }

  /** The preset with this name; the error lists the valid names. */
  public static ExperimentConfig get(String name) {
    ExperimentConfig config = PRESETS.get(name);
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
