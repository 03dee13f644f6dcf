package org.deqlab.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunOutcome;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.run.ExperimentRun;
import org.deqlab.core.run.RunDirectories;
import org.deqlab.core.run.RunFolderLock;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.torchscript.TorchScriptFit;
import org.deqlab.core.torchscript.TorchScriptProblem;
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
 * {@code --resume}. With {@code --cell}, fits a user's TorchScript cell instead (see {@link
 * TorchScriptFit}) and writes it back as TorchScript.
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
            + " was never stopped. With --cell FILE.pt --input FILE.npz, fits the TorchScript"
            + " cell's equilibrium z*(x) to targets y (arrays x and y of --data, by default of"
            + " --input) with the implicit backward and writes the trained module as TorchScript"
            + " into --out.")
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
    if (torchScript.given()) {
      return trainCell();
    }
    for (String option : List.of("--data", "--batch", "--lr", "--jacobian-weight")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
        throw new ParameterException(spec.commandLine(), option + " goes with --cell");
      }
    }
    if (resume != null) {
      return resume();
    }
    ExperimentConfig config = configOptions.load(true);
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
   * {@code --cell}: fits the TorchScript cell's equilibrium to the targets y of {@code --data} (by
   * default the {@code --input} file) and writes the trained module as TorchScript.
   */
  private int trainCell() throws IOException {
    torchScript.refuse("--preset", "--config", "--resume", "--overwrite");
    int stepCount =
        steps == null ? 200 : OptionValues.within(spec, "--steps", steps, 1, 10_000_000);
    TorchScriptFit.Settings settings =
        new TorchScriptFit.Settings(
            stepCount,
            OptionValues.within(spec, "--batch", batch, 1, 1 << 20),
            OptionValues.within(spec, "--lr", learningRate, 1e-12, 1),
            OptionValues.within(spec, "--jacobian-weight", jacobianWeight, 0, 1e6),
            SolverKind.ANDERSON,
            SolverOptions.defaults(),
            SolverOptions.defaults(),
            10);
    Device device = configOptions.device().resolve();
    String name = torchScript.cell().getFileName().toString().replaceFirst("\\.[^.]*$", "");
    Autograd.setRecording(false);
    try (NDManager manager = DeqEngine.newManager(device);
        TorchScriptProblem problem = torchScript.load(manager)) {
      manager.getEngine().setRandomSeed((int) (seed == null ? 0 : seed));
      out.println("cell: " + problem.source() + " on " + DeqEngine.label(device));
      GradientCheckReport.print(out, problem, new LinkedHashMap<>());
      problem.requireTrainable();
      Path examples = data != null ? data : torchScript.input();
      TorchScriptFit.Data training = TorchScriptFit.Data.load(examples, problem.cell(), manager);
      TorchScriptFit fit = new TorchScriptFit(problem.cell(), training, settings, manager);
      out.printf(
          Locale.ROOT,
          "fitting z*(x) to y of %s (%d examples, batch %d, Adam lr %.2g, γ %.2g), %d steps%n",
          examples,
          training.size(),
          settings.batch(),
          settings.learningRate(),
          settings.jacobianWeight(),
          stepCount);
      double before = fit.evaluate();
      out.printf(Locale.ROOT, "mean squared error of z* before: %.6g%n", before);
      out.printf(
          "%6s %12s %12s %9s %9s %10s %9s%n",
          "step", "loss", "jacobian", "f steps", "b steps", "grad norm", "ms");
      int every = Math.max(1, stepCount / 20);
      for (int k = 1; k <= stepCount; k++) {
        TorchScriptFit.Step step = fit.step();
        if (k % every == 0 || k == 1 || k == stepCount) {
          out.printf(
              Locale.ROOT,
              "%6d %12.5g %12.4g %9d %9s %10.4g %9.1f%n",
              step.step(),
              step.loss(),
              step.regularization(),
              step.forward().steps(),
              step.backward() == null ? "-" : String.valueOf(step.backward().steps()),
              step.gradientNorm(),
              step.millis());
        }
      }
      double after = fit.evaluate();
      out.printf(Locale.ROOT, "mean squared error of z* after: %.6g%n", after);
      Path into = outDir != null ? outDir : RunDirectories.newRun(RunDirectories.userRoot(), name);
      Path trained = into.resolve(name + "-trained.pt");
      problem.cell().export(trained);
      out.println("wrote " + trained + " (TorchScript with the trained parameters)");
      out.println("load it in PyTorch with: cell = torch.jit.load(\"" + trained + "\")");
    }
    return 0;
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
      return 0;
    }
  }
}
