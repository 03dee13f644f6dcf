package org.deqlab.app.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.io.NpzProblem;
import org.deqlab.core.jacobian.JacobianProbe;
import org.deqlab.core.jacobian.JacobianReport;
import org.deqlab.core.jacobian.ProbeDistribution;
import org.deqlab.core.jacobian.RitzValue;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.run.ExperimentRun;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.SolverResult;

/**
 * {@code ./deq probe}: how stable is an equilibrium? Solves for z* (of an MLP problem or of a
 * trained checkpoint on held-out data) and measures J_f(z*) from vector–Jacobian products: the
 * spectral radius by power iteration and by Arnoldi (with its Ritz values) and ‖J‖²_F/d by
 * Hutchinson with its standard error.
 */
public final class ProbeCommand implements Command {
  private static final int RITZ_SHOWN = 8;

  @Override
  public String name() {
    return "probe";
  }

  @Override
  public String summary() {
    return "spectral radius, Ritz values and Frobenius norm of J_f at z*";
  }

  @Override
  public String usage() {
    return "Usage: ./deq probe [--problem FILE.npz | random-problem options | --checkpoint FILE]\n"
        + "                   [--json FILE] [probe options]\n\n"
        + "  --checkpoint FILE         probe a trained model at the equilibrium of its first\n"
        + "                            held-out batch (--split valid|test, default valid)\n"
        + "  --json FILE               write every estimate, per sample, with all Ritz values\n"
        + "  --power N                 power-iteration products (default 50)\n"
        + "  --arnoldi K               Arnoldi steps, the Krylov dimension (default 20)\n"
        + "  --probes P                Hutchinson probes (default 16)\n"
        + "  --distribution rademacher|gaussian   Hutchinson probes' law (default rademacher)\n\n"
        + ProblemOptions.USAGE;
  }

  @Override
  public int run(String[] argv, PrintStream out) throws Exception {
    Set<String> valued = new TreeSet<>(ProblemOptions.VALUED);
    valued.addAll(
        Set.of(
            "--checkpoint",
            "--split",
            "--json",
            "--power",
            "--arnoldi",
            "--probes",
            "--distribution"));
    Arguments args = Arguments.parse(name(), argv, valued, ProblemOptions.FLAGS);
    JacobianProbe probe =
        new JacobianProbe(
            new JacobianProbe.Options(
                args.integer("--power", 50, 0, 100_000),
                args.integer("--arnoldi", 20, 0, 10_000),
                args.integer("--probes", 16, 0, 100_000),
                args.parsed(
                    "--distribution", ProbeDistribution.RADEMACHER, ProbeCommand::distribution)));
    Path checkpoint = args.path("--checkpoint");
    if (checkpoint != null && args.has("--problem")) {
      throw new UsageException("probe: give --problem or --checkpoint, not both");
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("command", "probe");
    report.put("options", probe.options());
    JacobianReport result =
        checkpoint != null
            ? probeCheckpoint(checkpoint, args.string("--split", "valid"), probe, out, report)
            : probeProblem(args, probe, out, report);
    print(result, out);
    report.put("powerRadius", result.powerRadius());
    report.put("arnoldiRadius", result.arnoldiRadius());
    report.put("frobeniusSquaredPerDimension", result.frobeniusSquaredPerDimension());
    report.put("frobeniusStandardError", result.frobeniusStandardError());
    report.put("power", result.power());
    report.put("arnoldi", result.arnoldi());
    report.put("hutchinson", result.frobenius());
    Path json = args.path("--json");
    if (json != null) {
      Reports.writeJson(json, report);
      out.println("wrote " + json);
    }
    return 0;
  }

  private static JacobianReport probeProblem(
      Arguments args, JacobianProbe probe, PrintStream out, Map<String, Object> report) {
    SolverOptions options = ProblemOptions.solverOptions(args);
    var device = ProblemOptions.device(args);
    Autograd.setRecording(false);
    try (NDManager manager = DeqEngine.newManager(device)) {
      NpzProblem problem = ProblemOptions.load(args, manager);
      ParameterStore parameters = new ParameterStore(manager, false);
      DeqLayer layer =
          new DeqLayer(problem.cell(), SolverKind.BROYDEN, options, BackwardMode.oneStep());
      SolverResult solved = layer.solve(parameters, problem.x(), IterationListener.NONE);
      out.printf(
          Locale.ROOT,
          "problem: %s, x %s on %s%n",
          problem.source(),
          problem.x().getShape(),
          device);
      out.printf(
          Locale.ROOT,
          "z*: broyden %d steps, relative residual %.3g (%s)%n",
          solved.stats().steps(),
          solved.relativeResidual(),
          solved.stats().stopReason());
      report.put("provenance", Provenance.capture(device));
      report.put("problem", problem.source());
      report.put("solve", solved.stats());
      NDArray injection =
          Autograd.noGrad(() -> problem.cell().inject(parameters, problem.x(), false));
      return probe.probe(problem.cell(), parameters, solved.equilibrium(), injection);
    }
  }

  private static JacobianReport probeCheckpoint(
      Path checkpoint,
      String split,
      JacobianProbe probe,
      PrintStream out,
      Map<String, Object> report) {
    if (!split.equals("valid") && !split.equals("test")) {
      throw new UsageException("probe: option --split must be valid or test, got '" + split + "'");
    }
    try (ExperimentRun experiment =
        ExperimentRun.restore(checkpoint, ExperimentRun.Options.inMemory())) {
      out.println(
          "checkpoint "
              + checkpoint
              + ": "
              + experiment.config().name()
              + " after "
              + experiment.trainer().completedSteps()
              + " steps, first "
              + split
              + " batch");
      report.put("provenance", Provenance.capture(experiment.device()));
      report.put("checkpoint", checkpoint.toString());
      report.put("config", experiment.config().name());
      report.put("step", experiment.trainer().completedSteps());
      try {
        return experiment.trainer().probeJacobian(probe, split);
      } catch (IllegalStateException e) {
        throw new UsageException("probe: " + e.getMessage());
      }
    }
  }

  private static void print(JacobianReport report, PrintStream out) {
    if (report.power().computed()) {
      out.printf(
          Locale.ROOT,
          "spectral radius (power, %d products):  %.5f (max over %d samples)%n",
          report.power().products(),
          report.powerRadius(),
          report.power().samples());
    }
    if (report.arnoldi().computed()) {
      out.printf(
          Locale.ROOT,
          "spectral radius (Arnoldi, %d steps):    %.5f (sample %d)%n",
          report.arnoldi().products(),
          report.arnoldiRadius(),
          report.arnoldi().worstSample());
      List<RitzValue> ritz = report.ritzValues();
      StringBuilder line = new StringBuilder("  leading Ritz values:");
      for (int i = 0; i < Math.min(RITZ_SHOWN, ritz.size()); i++) {
        line.append(i == 0 ? " " : ", ").append(ritz.get(i));
      }
      if (ritz.size() > RITZ_SHOWN) {
        line.append(", … (").append(ritz.size()).append(" in all)");
      }
      out.println(line);
    }
    if (report.frobenius().computed()) {
      out.printf(
          Locale.ROOT,
          "‖J‖²_F / d (Hutchinson, %d probes):     %.5f ± %.5f (std. error)%n",
          report.frobenius().probes(),
          report.frobeniusSquaredPerDimension(),
          report.frobeniusStandardError());
    }
    double radius = report.arnoldi().computed() ? report.arnoldiRadius() : report.powerRadius();
    if (Double.isFinite(radius)) {
      out.println(
          radius < 1
              ? "ρ < 1: plain fixed-point iteration converges here (locally), forward and backward"
              : "ρ ≥ 1: plain fixed-point iteration does not converge here; Anderson/Broyden may");
    }
  }

  private static ProbeDistribution distribution(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "rademacher" -> ProbeDistribution.RADEMACHER;
      case "gaussian" -> ProbeDistribution.GAUSSIAN;
      default -> throw new IllegalArgumentException("must be rademacher or gaussian");
    };
  }
}
