package org.deqlab.app.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.run.ExperimentRun;
import org.deqlab.core.solver.SolverOptions;
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
            + " fraction converged.")
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

  SweepLengthCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws IOException {
    OptionValues.nonEmpty(spec, "--lengths", lengths);
    OptionValues.within(spec, "--batches", batches, 1, 1000);
    OptionValues.within(spec, "--f-thres", threshold, 1, 100_000);
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
}
