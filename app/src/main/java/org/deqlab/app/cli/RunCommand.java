package org.deqlab.app.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.deqlab.app.charts.HeadlessCharts;
import org.deqlab.core.engine.EngineThreads;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunOutcome;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.run.ExperimentFile;
import org.deqlab.core.run.ExperimentRun;

/**
 * {@code ./deq run}: the workbench's experiment without a window. Trains (the default experiment
 * unless a config is given), then measures solver steps versus sequence length on the trained
 * model, and writes what the window would show: one PNG per plot with its data as CSV, the run log,
 * the last checkpoint and an experiment file the window can open.
 */
public final class RunCommand implements Command {
  private static final List<Integer> DEFAULT_SWEEP = List.of(25, 50, 100, 200);

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
    ExperimentRun.Options options = ExperimentRun.Options.into(outDir).withSweep(sweep);
    try (ExperimentRun run = ExperimentRun.create(config, options);
        StopOnShutdown stop = new StopOnShutdown(run.control(), 60_000)) {
      run.events().subscribe(charts);
      ProgressPrinter progress = new ProgressPrinter(out, "running headless:");
      run.events().subscribe(progress);
      RunEvent.Finished finished = run.run();
      new ExperimentFile(run.config(), run.logFile(), run.lastCheckpoint())
          .write(outDir.resolve("experiment.deq.json"));
      if (finished.reason() == RunOutcome.FAILED) {
        out.println("the run failed; writing the plots of what it logged (" + run.logFile() + ")");
      }
      writePlots(charts, outDir, out);
      if (finished.reason() == RunOutcome.FAILED) {
        return 1;
      }
      out.printf(
          Locale.ROOT,
          "done in %.1f s: %s (open %s in the window: ./deq, then Open…)%n",
          progress.elapsedSeconds(),
          outDir,
          outDir.resolve("experiment.deq.json"));
      return 0;
    }
  }

  private static void writePlots(HeadlessCharts charts, Path outDir, PrintStream out)
      throws IOException {
    for (Path png : charts.write(outDir)) {
      out.println("wrote " + png);
    }
  }
}
