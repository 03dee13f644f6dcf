package org.deqlab.app.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunOutcome;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.run.ExperimentRun;

/**
 * {@code ./deq train}: trains a preset or a JSON config with a progress bar, writing the run log
 * {@code DIR/run.jsonl} and checkpoints {@code DIR/checkpoint-STEP.ckpt} and {@code DIR/last.ckpt}.
 * Ctrl-C stops after the current step and still writes the final checkpoint.
 */
public final class TrainCommand implements Command {

  @Override
  public String name() {
    return "train";
  }

  @Override
  public String summary() {
    return "train a preset or config (run log + checkpoints)";
  }

  @Override
  public String usage() {
    return """
        Usage: ./deq train --preset NAME | --config FILE [--steps N] [--out DIR]
                           [--device cpu|gpu] [--seed K]

          --preset NAME    copy-memory-deq-transformer, copy-memory-deq-trellisnet,
                           char-lm-deq-transformer, shapes-deq-conv
          --config FILE    a JSON config; it may name a "preset" and override only some fields,
                           e.g. {"preset": "copy-memory-deq-transformer", "steps": 500,
                                 "jacobian": {"weight": 2.0}}
          --steps N        override the number of steps
          --out DIR        where run.jsonl and checkpoints go (default runs/NAME-TIMESTAMP)
          --device D       cpu (default) or gpu[:N]
          --seed K         override the seed
        """;
  }

  @Override
  public int run(String[] argv, PrintStream out) throws Exception {
    Arguments args =
        Arguments.parse(
            name(),
            argv,
            Set.of("--preset", "--config", "--steps", "--out", "--device", "--seed"),
            Set.of());
    ExperimentConfig config = ConfigOptions.load(args, name(), true);
    if (args.has("--steps")) {
      config =
          ConfigOptions.withSteps(config, args.integer("--steps", config.steps(), 1, 10_000_000));
    }
    if (args.has("--device") || args.has("--seed")) {
      config =
          ConfigOptions.withDeviceAndSeed(
              config,
              args.string("--device", config.device().label()),
              args.longValue("--seed", config.seed()));
    }
    Path outDir = args.path("--out");
    if (outDir == null) {
      outDir =
          Path.of(
              "runs",
              config.name()
                  + "-"
                  + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
    return train(config, outDir, out);
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
