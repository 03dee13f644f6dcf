package org.deqlab.app.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.run.ExperimentRun;
import org.deqlab.core.solver.SolverOptions;

/**
 * {@code ./deq sweep-length}: forward solver steps to reach the tolerance as the sequence grows —
 * the data behind the "solver steps versus sequence length" plot. Works on a fresh model or a
 * trained checkpoint.
 */
public final class SweepLengthCommand implements Command {

  @Override
  public String name() {
    return "sweep-length";
  }

  @Override
  public String summary() {
    return "forward solver steps versus sequence length";
  }

  @Override
  public String usage() {
    return """
        Usage: ./deq sweep-length --preset NAME | --config FILE | --checkpoint FILE
                                  [--lengths 25,50,100,200,400] [--batches N] [--f-thres N]
                                  [--json FILE] [--csv FILE]

          For each length T, solves the forward pass of the model on N held-out batches
          (default 2) with the config's solver and tolerance, and the threshold --f-thres
          (default 200), and reports mean/max steps, residual and the fraction converged.
        """;
  }

  @Override
  public int run(String[] argv, PrintStream out) throws Exception {
    Arguments args =
        Arguments.parse(
            name(),
            argv,
            Set.of(
                "--preset",
                "--config",
                "--checkpoint",
                "--lengths",
                "--batches",
                "--f-thres",
                "--json",
                "--csv"),
            Set.of());
    Path checkpoint = args.path("--checkpoint");
    List<Integer> lengths = args.integers("--lengths", List.of(25, 50, 100, 200, 400));
    int batches = args.integer("--batches", 2, 1, 1000);
    int threshold = args.integer("--f-thres", 200, 1, 100_000);
    ExperimentRun experiment;
    if (checkpoint != null) {
      if (args.has("--preset") || args.has("--config")) {
        throw new UsageException(
            "sweep-length: --checkpoint carries its own config; drop --preset/--config");
      }
      experiment = ExperimentRun.restore(checkpoint, ExperimentRun.Options.inMemory());
    } else {
      experiment =
          ExperimentRun.create(
              ConfigOptions.load(args, name(), true), ExperimentRun.Options.inMemory());
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
      List<RunEvent.SweepPoint> points;
      try {
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
        points = experiment.sweep(series, lengths, batches, threshold);
      } catch (IllegalArgumentException e) {
        throw new UsageException("sweep-length: " + e.getMessage());
      }
      Path json = args.path("--json");
      if (json != null) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("command", "sweep-length");
        report.put("provenance", Provenance.capture(experiment.device()));
        report.put("config", config);
        report.put("checkpoint", checkpoint == null ? null : checkpoint.toString());
        report.put("forwardOptions", options);
        report.put("points", points);
        Reports.writeJson(json, report);
        out.println("wrote " + json);
      }
      Path csv = args.path("--csv");
      if (csv != null) {
        StringBuilder text =
            new StringBuilder(
                "length,mean_steps,max_steps,mean_relative_residual,converged_fraction,ms_per_solve\n");
        for (RunEvent.SweepPoint p : points) {
          text.append(
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
        Path parent = csv.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(csv, text);
        out.println("wrote " + csv);
      }
    }
    return 0;
  }
}
