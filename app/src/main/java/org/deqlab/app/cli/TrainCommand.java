package org.deqlab.app.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunOutcome;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.run.ExperimentRun;
import org.deqlab.core.run.RunDirectories;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./deq train}: trains a preset or a JSON config with a progress bar, writing the run log
 * {@code DIR/run.jsonl} and checkpoints {@code DIR/checkpoint-STEP.ckpt} and {@code DIR/last.ckpt}.
 * Ctrl-C stops after the current step and still writes the final checkpoint.
 */
@Command(
    resourceBundle = "org.deqlab.app.cli.Help",
    name = "train",
    header = "train a preset or config (run log + checkpoints)",
    description =
        "Trains the experiment of --preset NAME or --config FILE (one is required) with a"
            + " progress bar, writing the run log DIR/run.jsonl and checkpoints"
            + " DIR/checkpoint-STEP.ckpt and DIR/last.ckpt. Ctrl-C stops after the current step"
            + " and still writes the final checkpoint.")
final class TrainCommand implements Callable<Integer> {
  private final PrintStream out;
  @Spec private CommandSpec spec;

  @Mixin private ConfigOptions configOptions;

  @Option(names = "--steps", paramLabel = "N", descriptionKey = "train.steps")
  private Integer steps;

  @Option(names = "--out", paramLabel = "DIR", descriptionKey = "train.out")
  private Path outDir;

  @Option(names = "--seed", paramLabel = "K", descriptionKey = "train.seed")
  private Long seed;

  TrainCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    ExperimentConfig config = configOptions.load(true);
    if (steps != null) {
      config = config.shortened(OptionValues.within(spec, "--steps", steps, 1, 10_000_000));
    }
    if (seed != null) {
      config = config.withSeed(seed);
    }
    Path into =
        outDir != null ? outDir : RunDirectories.newRun(RunDirectories.userRoot(), config.name());
    return train(config, into, out);
  }

  static int train(ExperimentConfig config, Path outDir, PrintStream out) {
    ExperimentRun.Options options = ExperimentRun.Options.into(outDir).withStepCheckpoints(true);
    try (ExperimentRun run = ExperimentRun.create(config, options);
        StopOnShutdown stop = new StopOnShutdown(run.control(), 120_000)) {
      ProgressPrinter progress = new ProgressPrinter(out, "training");
      run.events().subscribe(progress);
      out.println("run log: " + run.logFile());
      RunEvent.Finished finished = run.run();
      if (finished.reason() == RunOutcome.FAILED) {
        out.println(
            "the run failed; "
                + run.logFile()
                + " keeps everything logged up to step "
                + finished.step()
                + " and "
                + run.lastCheckpoint()
                + " the parameters before the failed step");
        return 1;
      }
      out.printf(
          Locale.ROOT,
          "done in %.1f s; checkpoint %s%n",
          progress.elapsedSeconds(),
          run.lastCheckpoint());
      return 0;
    }
  }
}
