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
import java.util.concurrent.Callable;
import org.deqlab.core.data.Split;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.io.DeqProblem;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./deq probe}: how stable is an equilibrium? Solves for z* (of an MLP problem or of a
 * trained checkpoint on held-out data) and measures J_f(z*) from vector–Jacobian products: the
 * spectral radius by power iteration and by Arnoldi (with its Ritz values) and ‖J‖²_F/d by
 * Hutchinson with its standard error.
 */
@Command(
    resourceBundle = "org.deqlab.app.cli.Help",
    name = "probe",
    header = "spectral radius, Ritz values and Frobenius norm of J_f at z*",
    description =
        "Solves for z* (of an MLP problem or a TorchScript cell, or of a trained checkpoint on held-out data) with"
            + " Broyden and measures J_f(z*) from vector–Jacobian products: the spectral radius by"
            + " power iteration and by Arnoldi (with its Ritz values), and ‖J‖²_F/d by Hutchinson"
            + " with its standard error.")
final class ProbeCommand implements Callable<Integer> {
  private static final int RITZ_SHOWN = 8;

  private final PrintStream out;
  @Spec private CommandSpec spec;

  @Option(names = "--checkpoint", paramLabel = "FILE", descriptionKey = "probe.checkpoint")
  private Path checkpoint;

  @Option(names = "--split", paramLabel = "valid|test", descriptionKey = "probe.split")
  private Split split = Split.VALID;

  @Option(names = "--json", paramLabel = "FILE", descriptionKey = "probe.json")
  private Path json;

  @Option(names = "--power", paramLabel = "N")
  private int power = 50;

  @Option(names = "--arnoldi", paramLabel = "K")
  private int arnoldi = 20;

  @Option(names = "--probes", paramLabel = "P")
  private int probes = 16;

  @Option(names = "--distribution", paramLabel = "rademacher|gaussian", defaultValue = "rademacher")
  private ProbeDistribution distribution;

  @Mixin private ProblemOptions problemOptions;

  ProbeCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    JacobianProbe probe =
        new JacobianProbe(
            new JacobianProbe.Options(
                OptionValues.within(spec, "--power", power, 0, 100_000),
                OptionValues.within(spec, "--arnoldi", arnoldi, 0, 10_000),
                OptionValues.within(spec, "--probes", probes, 0, 100_000),
                distribution));
    if (checkpoint != null && problemOptions.fromFile()) {
      throw new ParameterException(
          spec.commandLine(), "give --problem (or --cell) or --checkpoint, not both");
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("command", "probe");
    report.put("options", probe.options());
    JacobianReport result =
        checkpoint != null ? probeCheckpoint(probe, report) : probeProblem(probe, report);
    print(result, out);
    report.put("powerRadius", result.powerRadius());
    report.put("arnoldiRadius", result.arnoldiRadius());
    report.put("frobeniusSquaredPerDimension", result.frobeniusSquaredPerDimension());
    report.put("frobeniusStandardError", result.frobeniusStandardError());
    report.put("power", result.power());
    report.put("arnoldi", result.arnoldi());
    report.put("hutchinson", result.frobenius());
    if (json != null) {
      Reports.writeJson(json, report);
      out.println("wrote " + json);
    }
    return 0;
  }

  private JacobianReport probeProblem(JacobianProbe probe, Map<String, Object> report) {
    SolverOptions options = problemOptions.solverOptions();
    var device = problemOptions.device();
    Autograd.setRecording(false);
    try (NDManager manager = DeqEngine.newManager(device);
        DeqProblem problem = problemOptions.load(manager)) {
      ParameterStore parameters = new ParameterStore(manager, false);
      DeqLayer layer =
          new DeqLayer(problem.cell(), SolverKind.BROYDEN, options, BackwardMode.oneStep());
      SolverResult solved = layer.solve(parameters, problem.x(), IterationListener.NONE);
      out.printf(
          Locale.ROOT,
          "problem: %s, x %s on %s%n",
          problem.source(),
          problem.x().getShape(),
          DeqEngine.label(device));
      out.printf(
          Locale.ROOT,
          "z*: broyden %d steps, relative residual %.3g (%s)%n",
          solved.stats().steps(),
          solved.relativeResidual(),
          solved.stats().stopReason());
      report.put("provenance", Provenance.capture(device));
      report.put("problem", problem.source());
      report.put("solve", solved.stats());
      GradientCheckReport.print(out, problem, report);
      NDArray injection =
          Autograd.noGrad(() -> problem.cell().inject(parameters, problem.x(), false));
      return probe.probe(problem.cell(), parameters, solved.equilibrium(), injection);
    }
  }

  private JacobianReport probeCheckpoint(JacobianProbe probe, Map<String, Object> report) {
    try (ExperimentRun experiment =
        ExperimentRun.restore(
            checkpoint, problemOptions.deviceOption()::applyTo, ExperimentRun.Options.inMemory())) {
      out.println(
          "checkpoint "
              + checkpoint
              + ": "
              + experiment.describe()
              + ", first "
              + split
              + " batch");
      report.put("provenance", Provenance.capture(experiment.device()));
      report.put("checkpoint", checkpoint.toString());
      report.put("config", experiment.config().name());
      report.put("step", experiment.trainer().completedSteps());
      try {
        return experiment.trainer().probeJacobian(probe, split);
      } catch (IllegalStateException e) {
        // e.g. the checkpoint's model has no equilibrium to probe: the user's choice to change
        throw new IllegalArgumentException("probe: " + e.getMessage(), e);
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
}
