package org.deqlab.app.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.deqlab.app.experiment.Experiment;
import org.deqlab.app.experiment.ExperimentFile;
import org.deqlab.app.experiment.LengthSweep;
import org.deqlab.app.experiment.RunLog;
import org.deqlab.app.ui.EngineThreads;
import org.deqlab.app.ui.HeadlessCharts;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.train.Checkpoint;
import org.deqlab.core.train.RunControl;
import org.deqlab.core.train.TrainingEvent;
import org.deqlab.core.train.TrainingFailedException;

/**
 * {@code ./deq run}: the workbench's experiment without a window. Trains (the default experiment
 * unless a config is given), then measures solver steps versus sequence length on the trained
 * model, and writes what the window would show: one PNG per plot with its data as CSV, the run log,
 * the last checkpoint and an experiment file the window can open.
 */
public final class RunCommand implements Command {
  private static final List<Integer> DEFAULT_SWEEP = List.of(25, 50, 100, 200);

  /** Forward iterations allowed per sweep solve (the window's sweep uses the same). */
  private static final int SWEEP_THRESHOLD = 100;

  @Override
  public String name() {
    return "run";
  }

  @Override
  public String summary() {
    return "run an experiment headless; write the window's plots as PNG";
  }

  @Override
  public String usage() {
    return """
        Usage: ./deq run [--preset NAME | --config FILE] [--steps N] [--sweep LENGTHS|none]
                         --out DIR

          Runs an experiment without a window (default: the workbench's default experiment,
          copy-memory-deq-transformer) and writes into DIR what the window shows:
            residual-traces.png, training-curves.png, jacobian-at-the-equilibrium.png,
            ritz-values-of-j-f-z.png, solver-steps-vs-sequence-length.png (each with a .csv),
            run.jsonl (the run log), last.ckpt and experiment.deq.json (open it in the window).
          No display is needed: the charts are drawn with JavaFX's headless platform.

          --preset NAME   a preset (see ./deq help train)
          --config FILE   a JSON config (a preset name plus the fields it changes)
          --steps N       override the number of steps; pretraining is clipped to a tenth of
                          them and the Jacobian is probed often enough to show up (≥ 3 probes)
          --sweep L,..    sequence lengths for the steps-vs-length plot, measured on the trained
                          model (default 25,50,100,200; 'none' skips the sweep)
          --out DIR       where everything goes (required)
        """;
  }

  @Override
  public int run(String[] argv, PrintStream out) throws Exception {
    Arguments args =
        Arguments.parse(
            name(), argv, Set.of("--preset", "--config", "--steps", "--sweep", "--out"), Set.of());
    ExperimentConfig config = ConfigOptions.load(args, name(), false);
    if (args.has("--steps")) {
      config =
          ConfigOptions.withSteps(config, args.integer("--steps", config.steps(), 1, 10_000_000));
      config = withFrequentProbes(config, out);
    }
    List<Integer> sweep =
        "none".equals(args.string("--sweep", null))
            ? List.of()
            : args.integers("--sweep", DEFAULT_SWEEP);
    Path outDir = args.path("--out");
    if (outDir == null) {
      throw new UsageException(name() + ": give --out DIR (where the plots and the run log go)");
    }
    return run(config, sweep, outDir, out);
  }

  /**
   * Shortens the probe interval of a short run so its spectral and Ritz plots are not empty: at
   * least three probes after pretraining.
   */
  static ExperimentConfig withFrequentProbes(ExperimentConfig c, PrintStream out) {
    int every = c.jacobian().probeEvery();
    int deqSteps = c.model().deq() ? c.steps() - c.pretrainSteps() : 0;
    if (every == 0 || deqSteps < 1 || deqSteps / every >= 3) {
      return c;
    }
    int shorter = Math.max(1, deqSteps / 4);
    out.printf(
        Locale.ROOT,
        "probing the Jacobian every %d steps (the config's %d leaves a %d-step run"
            + " with fewer than 3 probes)%n",
        shorter,
        every,
        c.steps());
    return c.withJacobian(c.jacobian().withProbeEvery(shorter));
  }

  static int run(ExperimentConfig config, List<Integer> sweep, Path outDir, PrintStream out)
      throws IOException {
    EngineThreads.configure();
    HeadlessCharts charts = HeadlessCharts.start(config);
    RunControl control = new RunControl();
    Thread main = Thread.currentThread();
    Thread hook =
        new Thread(
            () -> {
              control.requestStop();
              try {
                main.join(60_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Runtime.getRuntime().addShutdownHook(hook);
    Path log = outDir.resolve("run.jsonl");
    Path checkpoint = outDir.resolve("last.ckpt");
    try (Experiment experiment = Experiment.create(config);
        RunLog runLog =
            RunLog.create(
                log,
                experiment.config(),
                Provenance.capture(experiment.device()),
                experiment.data().describe())) {
      out.printf(
          Locale.ROOT,
          "running %s headless on %s (%s) — %s%n",
          config.name(),
          experiment.device(),
          DeqEngine.versions(),
          experiment.data().describe());
      out.println(experiment.precisionNote());
      experiment.stream().subscribe(runLog::append);
      experiment.stream().subscribe(charts);
      ProgressPrinter progress = new ProgressPrinter(out, config.steps());
      experiment.stream().subscribe(progress);
      TrainingEvent.Finished finished;
      try {
        finished = experiment.trainer().run(control, step -> save(checkpoint, experiment));
      } catch (TrainingFailedException e) {
        out.println("the run failed; writing the plots of what it logged (" + log + ")");
        writePlots(charts, outDir, out);
        throw e;
      }
      if (!"completed".equals(finished.reason())) {
        save(checkpoint, experiment);
      }
      if (!sweep.isEmpty() && !control.stopRequested()) {
        String series = "after step " + finished.step();
        out.println("sweep: forward solver steps at lengths " + sweep + " (" + series + ")");
        LengthSweep.run(
            experiment,
            sweep,
            1,
            SWEEP_THRESHOLD,
            point -> {
              out.printf(
                  Locale.ROOT,
                  "  length %4d: %.1f steps (max %d), %.0f%% converged%n",
                  point.length(),
                  point.meanSteps(),
                  point.maxSteps(),
                  100 * point.convergedFraction());
              charts.acceptSweepPoint(series, point);
            });
      }
      new ExperimentFile(experiment.config(), log, checkpoint)
          .write(outDir.resolve("experiment.deq.json"));
      writePlots(charts, outDir, out);
      out.printf(
          Locale.ROOT,
          "done in %.1f s: %s (open %s in the window: ./deq, then Open…)%n",
          progress.elapsedSeconds(),
          outDir,
          outDir.resolve("experiment.deq.json"));
      return 0;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is already running
      }
    }
  }

  private static void writePlots(HeadlessCharts charts, Path outDir, PrintStream out)
      throws IOException {
    for (Path png : charts.write(outDir)) {
      out.println("wrote " + png);
    }
  }

  private static void save(Path checkpoint, Experiment experiment) {
    try {
      Checkpoint.save(checkpoint, experiment.trainer());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
