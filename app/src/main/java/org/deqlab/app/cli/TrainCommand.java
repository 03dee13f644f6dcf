package org.deqlab.app.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunOutcome;
import org.deqlab.core.experiment.CellKind;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.Presets;
import org.deqlab.core.run.ExperimentRun;
import org.deqlab.core.run.RunDirectories;
import org.deqlab.core.run.RunFolderLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./deq train}: trains a preset or a JSON config with a progress bar, writing the run log
 * {@code DIR/run.jsonl} and checkpoints {@code DIR/checkpoint-STEP.ckpt} and {@code DIR/last.ckpt}.
 * Ctrl-C or SIGTERM stops after the current step, still writes the final checkpoint and exits with
 * the signal's code (130, 143); {@code --resume DIR} continues such a run. The folder is locked
 * while the run writes it, and a folder that holds a run is reused only with {@code --overwrite} or
 * {@code --resume}. With {@code --cell}, the run trains a user's TorchScript cell: fitted to
 * targets, or inside a preset's task; the trained module is written back as TorchScript next to
 * every checkpoint.
 */
@Command(
    resourceBundle = "org.deqlab.app.cli.Help",
    name = "train",
    header = "train a preset or config (run log + checkpoints), or a TorchScript cell",
    description =
        "Trains the experiment of --preset NAME or --config FILE (one is required) with a"
            + " progress bar, writing the run log DIR/run.jsonl and checkpoints"
            + " DIR/checkpoint-STEP.ckpt and DIR/last.ckpt. Ctrl-C stops after the current step,"
            + " still writes the final checkpoint and exits with code 130 (143 on SIGTERM);"
            + " --resume DIR continues the run from there, with the same results as a run that"
            + " was never stopped. With --cell FILE.pt --input FILE.npz, the run trains that"
            + " TorchScript cell: its equilibrium z*(x) fitted to targets y (arrays x and y of"
            + " --data, by default of --input) with the implicit backward, or, with --preset or"
            + " --config, inside that task when the shapes fit; the trained module is written"
            + " as TorchScript next to every checkpoint (DIR/NAME-trained.pt).")
final class TrainCommand implements Callable<Integer> {
  /** How long a signal waits for the run to write its last checkpoint and log record. */
  static final long SHUTDOWN_GRACE_MILLIS = 120_000;

  private final PrintStream out;
  @Spec private CommandSpec spec;

  @Mixin private ConfigOptions configOptions;

  @Option(names = "--steps", paramLabel = "N", descriptionKey = "train.steps")
  private Integer steps;

  @Option(names = "--out", paramLabel = "DIR", descriptionKey = "train.out")
  private Path outDir;

  @Option(names = "--seed", paramLabel = "K", descriptionKey = "train.seed")
  private Long seed;

  @Mixin private TorchScriptOptions torchScript;

  @Option(names = "--data", paramLabel = "FILE.npz", descriptionKey = "train.data")
  private Path data;

  @Option(names = "--batch", paramLabel = "B", descriptionKey = "train.batch")
  private int batch = 32;

  @Option(names = "--lr", paramLabel = "RATE", descriptionKey = "train.lr")
  private double learningRate = 1e-2;

  @Option(names = "--jacobian-weight", paramLabel = "GAMMA", descriptionKey = "train.jacobian")
  private double jacobianWeight = 0;

  @Option(names = "--overwrite")
  private boolean overwrite;

  @Option(names = "--resume", paramLabel = "DIR")
  private Path resume;

  TrainCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws IOException {
    boolean cell = torchScript.given();
    if (!cell) {
      for (String option : List.of("--data", "--batch", "--lr", "--jacobian-weight")) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
          throw new ParameterException(spec.commandLine(), option + " goes with --cell");
        }
      }
    }
    if (resume != null) {
      if (cell) {
        torchScript.refuse("--resume");
      }
      return resume();
    }
    ExperimentConfig config = cell ? cellConfig() : configOptions.load(true);
    if (steps != null) {
      config = config.shortened(OptionValues.within(spec, "--steps", steps, 1, 10_000_000));
    }
    if (seed != null) {
      config = config.withSeed(seed);
    }
    Path into =
        outDir != null ? outDir : RunDirectories.newRun(RunDirectories.userRoot(), config.name());
    ExperimentRun.Options options =
        ExperimentRun.Options.into(into)
            .withStepCheckpoints(true)
            .withReuse(overwrite ? RunFolderLock.Reuse.OVERWRITE : RunFolderLock.Reuse.NEW);
    ExperimentConfig chosen = config;
    return train(() -> ExperimentRun.create(chosen, options), out);
  }

  /**
   * {@code --cell}: the user's TorchScript cell in an experiment. With {@code --preset} or {@code
   * --config}, that experiment's task with this cell (its shapes must fit); otherwise the cell's
   * equilibrium fitted to the targets y of {@code --data} (by default the {@code --input} file).
   */
  private ExperimentConfig cellConfig() {
    Path module = torchScript.cell().toAbsolutePath().normalize();
    Path input = torchScript.input().toAbsolutePath().normalize();
    ExperimentConfig config;
    if (configOptions.given()) {
      if (data != null) {
        throw new ParameterException(
            spec.commandLine(),
            "--data goes with a fit to targets: with --preset or --config the task gives the data");
      }
      ExperimentConfig base = configOptions.load(true);
      config =
          base.withModel(
              base.model()
                  .with(
                      m ->
                          m.cell(CellKind.TORCHSCRIPT)
                              .spectralNorm(0)
                              .module(module.toString())
                              .moduleInput(input.toString())));
    } else {
      config = Presets.torchScriptFit(module, input, data != null ? data : input);
    }
    var matched = spec.commandLine().getParseResult();
    if (matched.hasMatchedOption("--batch")) {
      int value = OptionValues.within(spec, "--batch", batch, 1, 1 << 20);
      config = config.withTask(config.task().withBatchSize(value));
    }
    if (matched.hasMatchedOption("--lr")) {
      double value = OptionValues.within(spec, "--lr", learningRate, 1e-12, 1);
      config = config.withOptimizer(config.optimizer().withLearningRate(value));
    }
    if (matched.hasMatchedOption("--jacobian-weight")) {
      double value = OptionValues.within(spec, "--jacobian-weight", jacobianWeight, 0, 1e6);
      config = config.withJacobian(config.jacobian().withWeight(value));
    }
    return configOptions.device().applyTo(config);
  }

  /** {@code --resume DIR}: the run in DIR, from its last checkpoint, with its own config. */
  private int resume() {
    if (configOptions.given() || seed != null || outDir != null || overwrite) {
      throw new ParameterException(
          spec.commandLine(),
          "--resume continues the run in its folder with the config of its checkpoint: give no"
              + " --preset, --config, --seed, --out or --overwrite with it");
    }
    Path checkpoint = resume.resolve(ExperimentRun.LAST_CHECKPOINT);
    if (!Files.isRegularFile(checkpoint)) {
      throw new IllegalArgumentException(
          "cannot resume: "
              + resume
              + (Files.isDirectory(resume)
                  ? " has no " + ExperimentRun.LAST_CHECKPOINT
                  : " is not a folder"));
    }
    Integer total =
        steps == null ? null : OptionValues.within(spec, "--steps", steps, 1, 10_000_000);
    UnaryOperator<ExperimentConfig> adjust =
        config -> {
          ExperimentConfig moved = configOptions.device().applyTo(config);
          return total == null ? moved : moved.withSteps(total);
        };
    ExperimentRun.Options options =
        ExperimentRun.Options.into(resume)
            .withStepCheckpoints(true)
            .withReuse(RunFolderLock.Reuse.RESUME);
    ExperimentRun.Resumable from = ExperimentRun.resumable(resume);
    if (from.note() != null) {
      out.println("note: " + from.note());
    }
    return train(() -> ExperimentRun.restore(from.checkpoint(), adjust, options), out);
  }

  static int train(Supplier<ExperimentRun> create, PrintStream out) {
    try (StopOnShutdown stop = new StopOnShutdown(SHUTDOWN_GRACE_MILLIS);
        ExperimentRun run = create.get()) {
      stop.watch(run.control());
      run.folderNote().ifPresent(note -> out.println("note: " + note));
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
      if (finished.reason() == RunOutcome.STOPPED) {
        out.println(
            "stopped at step "
                + finished.step()
                + "; checkpoint "
                + run.lastCheckpoint()
                + " (continue with: ./deq train --resume "
                + run.lastCheckpoint().getParent()
                + ")");
        return 130;
      }
      out.printf(
          Locale.ROOT,
          "done in %.1f s; checkpoint %s%n",
          progress.elapsedSeconds(),
          run.lastCheckpoint());
      run.trainedModule()
          .ifPresent(
              module ->
                  out.println(
                      "trained module (TorchScript): "
                          + module
                          + "; load it in PyTorch with: cell = torch.jit.load(\""
                          + module
                          + "\")"));
      return 0;
    }
  }
}
