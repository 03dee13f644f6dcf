package org.deqlab.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.run.ExperimentRun;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.torchscript.TorchScriptProblem;
import org.deqlab.core.torchscript.TorchScriptSweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./deq sweep-length}: forward solver steps to reach the tolerance as the sequence grows —
 * the data behind the "solver steps versus sequence length" plot. Works on a fresh model or a
 * trained checkpoint.
 */
@Command(
    resourceBundle = "org.deqlab.app.cli.Help",
    name = "sweep-length",
    header = "forward solver steps versus sequence length",
    description =
        "For each length T, solves the forward pass of the model (of --preset, --config or"
            + " --checkpoint: give one) on N held-out batches with the config's solver and"
            + " tolerance, and the threshold --f-thres, and reports mean/max steps, residual and the"
            + " fraction converged. With --cell FILE.pt --input FILE.npz (a sequence cell: x and z0"
            + " of rank ≥ 3 sharing axis 1), solves the TorchScript cell at each length on the"
            + " input's x cut or repeated along axis 1.")
final class SweepLengthCommand implements Callable<Integer> {
  private final PrintStream out;
  @Spec private CommandSpec spec;

  @Mixin private ConfigOptions configOptions;

  @Option(names = "--checkpoint", paramLabel = "FILE", descriptionKey = "sweep-length.checkpoint")
  private Path checkpoint;

  @Option(
      names = "--lengths",
      paramLabel = "T",
      split = ",",
      converter = OptionValues.PositiveInteger.class,
      defaultValue = "25,50,100,200,400",
      descriptionKey = "sweep-length.lengths")
  private List<Integer> lengths;

  @Option(names = "--batches", paramLabel = "N")
  private int batches = 2;

  @Option(names = "--f-thres", paramLabel = "N", descriptionKey = "sweep-length.f-thres")
  private int threshold = 200;

  @Mixin private TableFiles files;

  @Mixin private TorchScriptOptions torchScript;

  SweepLengthCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws IOException {
    OptionValues.nonEmpty(spec, "--lengths", lengths);
    OptionValues.within(spec, "--batches", batches, 1, 1000);
    OptionValues.within(spec, "--f-thres", threshold, 1, 100_000);
    if (torchScript.given()) {
      return sweepCell();
    }
    ExperimentRun experiment;
    if (checkpoint != null) {
      if (configOptions.given()) {
        throw new ParameterException(
            spec.commandLine(), "--checkpoint carries its own config; drop --preset/--config");
      }
      experiment =
          ExperimentRun.restore(
              checkpoint, configOptions.device()::applyTo, ExperimentRun.Options.inMemory());
    } else {
      experiment = ExperimentRun.create(configOptions.load(true), ExperimentRun.Options.inMemory());
    }
    try (experiment) {
      ExperimentConfig config = experiment.config();
      SolverOptions options = config.forward().options().withMaxIterations(threshold);
      out.printf(
          Locale.ROOT,
          "%s: %s solver, tolerance %.1e (%s), f_thres %d%s%n",
          config.name(),
          config.forward().solver(),
          options.tolerance(),
          options.stopCriterion(),
          threshold,
          checkpoint == null ? " (fresh model)" : " (" + checkpoint + ")");
      out.printf(
          "%8s %11s %9s %14s %10s %12s%n",
          "length", "mean steps", "max steps", "rel residual", "converged", "ms/solve");
      experiment
          .events()
          .subscribe(
              event -> {
                if (event instanceof RunEvent.SweepPoint point) {
                  out.printf(
                      Locale.ROOT,
                      "%8d %11.1f %9d %14.3e %9.0f%% %12.1f%n",
                      point.length(),
                      point.meanSteps(),
                      point.maxSteps(),
                      point.meanRelativeResidual(),
                      100 * point.convergedFraction(),
                      point.millisPerSolve());
                }
              });
      String series =
          checkpoint == null
              ? "untrained model"
              : "after step " + experiment.trainer().completedSteps();
      List<RunEvent.SweepPoint> points = experiment.sweep(series, lengths, batches, threshold);
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("command", "sweep-length");
      report.put("provenance", Provenance.capture(experiment.device()));
      report.put("config", config);
      report.put("checkpoint", checkpoint == null ? null : checkpoint.toString());
      report.put("forwardOptions", options);
      report.put("points", points);
      StringBuilder rows =
          new StringBuilder(
              "length,mean_steps,max_steps,mean_relative_residual,converged_fraction,ms_per_solve\n");
      for (RunEvent.SweepPoint p : points) {
        rows.append(
            String.format(
                Locale.ROOT,
                "%d,%.3f,%d,%.6e,%.3f,%.3f%n",
                p.length(),
                p.meanSteps(),
                p.maxSteps(),
                p.meanRelativeResidual(),
                p.convergedFraction(),
                p.millisPerSolve()));
      }
      files.write(report, rows.toString(), out);
    }
    return 0;
  }

  /**
   * {@code --cell}: the TorchScript sequence cell at each length, on the user's x cut or repeated
   * along the length axis ({@link TorchScriptSweep}), solved by Anderson from zeros.
   */
  private int sweepCell() throws IOException {
    torchScript.refuse("--preset", "--config", "--checkpoint", "--batches");
    Device device = configOptions.device().resolve();
    SolverOptions options = SolverOptions.defaults().withMaxIterations(threshold);
    Map<String, Object> report = new LinkedHashMap<>();
    StringBuilder rows = new StringBuilder("length,steps,relative_residual,converged,ms,refused\n");
    Autograd.setRecording(false);
    try (NDManager manager = DeqEngine.newManager(device);
        TorchScriptProblem problem = torchScript.load(manager)) {
      TorchScriptSweep.requireSequence(problem);
      out.printf(
          Locale.ROOT,
          "%s: anderson solver, tolerance %.1e (%s), f_thres %d; x %s cut or repeated along axis"
              + " 1%n",
          problem.cell(),
          options.tolerance(),
          options.stopCriterion(),
          threshold,
          problem.x().getShape());
      out.printf(
          "%8s %9s %14s %10s %12s%n", "length", "steps", "rel residual", "converged", "ms/solve");
      List<TorchScriptSweep.Point> points =
          TorchScriptSweep.run(
              problem,
              lengths,
              SolverKind.ANDERSON,
              options,
              point -> {
                if (!point.refused().isEmpty()) {
                  out.printf("%8d not accepted: %s%n", point.length(), point.refused());
                } else {
                  out.printf(
                      Locale.ROOT,
                      "%8d %9d %14.3e %10s %12.1f%n",
                      point.length(),
                      point.steps(),
                      point.relativeResidual(),
                      point.converged() ? "yes" : "no",
                      point.millis());
                }
              });
      for (TorchScriptSweep.Point p : points) {
        rows.append(
            String.format(
                Locale.ROOT,
                "%d,%d,%.6e,%b,%.3f,\"%s\"%n",
                p.length(),
                p.steps(),
                p.relativeResidual(),
                p.converged(),
                p.millis(),
                p.refused().replace("\"", "'")));
      }
      report.put("command", "sweep-length");
      report.put("provenance", Provenance.capture(device));
      report.put("cell", problem.source());
      report.put("forwardOptions", options);
      report.put("points", points);
    }
    files.write(report, rows.toString(), out);
    return 0;
  }
}
