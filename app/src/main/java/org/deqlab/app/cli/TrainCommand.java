package org.deqlab.app.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;
import org.deqlab.app.experiment.Experiment;
import org.deqlab.app.experiment.RunLog;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.train.Checkpoint;
import org.deqlab.core.train.RunControl;
import org.deqlab.core.train.TrainingEvent;
import org.deqlab.core.train.TrainingFailedException;

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

  static int train(ExperimentConfig config, Path outDir, PrintStream out) throws IOException {
    RunControl control = new RunControl();
    Thread main = Thread.currentThread();
    Thread hook =
        new Thread(
            () -> {
              control.requestStop();
              try {
                main.join(120_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Runtime.getRuntime().addShutdownHook(hook);
    try (Experiment experiment = Experiment.create(config);
        RunLog log =
            RunLog.create(
                outDir.resolve("run.jsonl"),
                experiment.config(),
                Provenance.capture(experiment.device()),
                experiment.data().describe())) {
      out.printf(
          Locale.ROOT,
          "training %s on %s (%s) — %s%n",
          config.name(),
          experiment.device(),
          DeqEngine.versions(),
          experiment.data().describe());
      out.println(experiment.precisionNote());
      if (Double.isFinite(experiment.data().baselineLoss())) {
        out.printf(Locale.ROOT, "trivial baseline loss: %.4f%n", experiment.data().baselineLoss());
      }
      out.println("run log: " + log.file());
      experiment.stream().subscribe(log::append);
      ProgressPrinter progress = new ProgressPrinter(out, config.steps());
      experiment.stream().subscribe(progress);
      TrainingEvent.Finished finished;
      try {
        finished =
            experiment
                .trainer()
                .run(
                    control,
                    step -> {
                      try {
                        Path checkpoint = outDir.resolve("checkpoint-" + step + ".ckpt");
                        Checkpoint.save(checkpoint, experiment.trainer());
                        Checkpoint.save(outDir.resolve("last.ckpt"), experiment.trainer());
                      } catch (IOException e) {
                        throw new UncheckedIOException(e);
                      }
                    });
      } catch (TrainingFailedException e) {
        out.println(
            "the run failed; "
                + log.file()
                + " keeps everything logged up to step "
                + e.finished().step());
        throw e;
      }
      if (!"completed".equals(finished.reason())) {
        Checkpoint.save(outDir.resolve("last.ckpt"), experiment.trainer());
      }
      out.printf(
          Locale.ROOT,
          "done in %.1f s; checkpoint %s%n",
          progress.elapsedSeconds(),
          outDir.resolve("last.ckpt"));
      return 0;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is already running
      }
    }
  }
}
