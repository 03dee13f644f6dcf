package org.deqlab.app.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deqlab.app.charts.HeadlessCharts;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunOutcome;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.Presets;
import org.deqlab.core.run.ExperimentFile;
import org.deqlab.core.run.ExperimentRun;
import org.deqlab.core.run.RunDirectories;
import org.deqlab.core.run.RunFolderLock;
import org.deqlab.core.text.PositiveIntegers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./deq run}: the workbench's experiment without a window. Trains (the default experiment
 * unless a config is given), then measures solver steps versus sequence length on the trained
 * model, and writes what the window would show: one PNG per plot with its data as CSV, the run log,
 * the last checkpoint and an experiment file the window can open.
 */
@Command(
    resourceBundle = "org.deqlab.app.cli.Help",
    name = "run",
    header = "run an experiment headless; write the window's plots as PNG",
    description = {
      "Runs an experiment without a window (default: the workbench's default experiment,"
          + " "
          + Presets.DEFAULT
          + ") and writes into DIR what the window shows:",
      "  residual-traces.png, training-curves.png, jacobian-at-the-equilibrium.png,",
      "  ritz-values-of-j-f-z.png, solver-steps-vs-sequence-length.png (each with a .csv),",
      "  run.jsonl (the run log), last.ckpt and experiment.deq.json (open it in the window).",
      "No display is needed: the charts are drawn with JavaFX's headless platform."
    })
final class RunCommand implements Callable<Integer> {
  private final PrintStream out;
  @Spec private CommandSpec spec;

  @Mixin private ConfigOptions configOptions;

  @Option(names = "--steps", paramLabel = "N")
  private Integer steps;

  @Option(names = "--sweep", paramLabel = "L,..")
  private String sweep = "25,50,100,200";

  @Option(names = "--out", paramLabel = "DIR")
  private Path outDir;

  @Option(names = "--overwrite")
  private boolean overwrite;

  RunCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws IOException {
    ExperimentConfig config = configOptions.load(false);
    if (steps != null) {
      config = config.shortened(OptionValues.within(spec, "--steps", steps, 1, 10_000_000));
      config = withFrequentProbes(config, out);
    }
    List<Integer> lengths =
        sweep.equals("none")
            ? List.of()
            : OptionValues.parse(spec, "--sweep", sweep, PositiveIntegers::parseList);
    Path into =
        outDir != null ? outDir : RunDirectories.newRun(RunDirectories.userRoot(), config.name());
    return run(config, lengths, into, overwrite, out);
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

  static int run(
      ExperimentConfig config, List<Integer> sweep, Path outDir, boolean overwrite, PrintStream out)
      throws IOException {
    HeadlessCharts charts = HeadlessCharts.start(config);
    ExperimentRun.Options options =
        ExperimentRun.Options.into(outDir)
            .withSweep(sweep)
            .withReuse(overwrite ? RunFolderLock.Reuse.OVERWRITE : RunFolderLock.Reuse.NEW);
    try (StopOnShutdown stop = new StopOnShutdown(60_000);
        ExperimentRun run = ExperimentRun.create(config, options)) {
      stop.watch(run.control());
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
