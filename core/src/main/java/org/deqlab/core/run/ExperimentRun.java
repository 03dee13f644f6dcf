package org.deqlab.core.run;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.data.TrainingData;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.EngineThreads;
import org.deqlab.core.engine.GpuSupport;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunEvents;
import org.deqlab.core.events.RunOutcome;
import org.deqlab.core.experiment.CellKind;
import org.deqlab.core.experiment.DeviceChoice;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.Footprint;
import org.deqlab.core.experiment.Precision;
import org.deqlab.core.experiment.TaskKind;
import org.deqlab.core.model.TaskModel;
import org.deqlab.core.numerics.PrecisionGate;
import org.deqlab.core.solver.SolverWorkspace;
import org.deqlab.core.torchscript.TorchScriptProblem;
import org.deqlab.core.train.Checkpoint;
import org.deqlab.core.train.LiveSettings;
import org.deqlab.core.train.RunControl;
import org.deqlab.core.train.Trainer;
import org.deqlab.core.train.TrainingFailedException;

/**
 * One run of an experiment, from config to finished: device and manager, the precision gate, data,
 * model and trainer; then the run itself — pretraining and DEQ phases, probes, evaluations,
 * checkpoints, the live settings, cancellation, an optional length sweep — and its run log. All of
 * it is reported on one {@link RunEvents} stream, which the command line, headless plots and the
 * window read: they are front-ends that subscribe, call {@link #run()} and turn the knobs.
 *
 * <p>A run with a folder claims it before any work ({@link RunFolderLock}: writable, not in use by
 * another run, not holding a run unless {@link Options#reuse} allows it) and refuses sizes that
 * cannot fit ({@link Footprint}); it releases the folder when it closes.
 *
 * <p>The run owns the {@link SolverWorkspace} of its solves (training, evaluation, sweeps) and
 * frees it when it closes. Must be created and used on one engine thread (PyTorch's gradient mode
 * is per thread, and DJL allows one gradient collector per process); {@link #settings()} and {@link
 * #control()} may be used from any thread.
 */
public final class ExperimentRun implements AutoCloseable {
  /** Forward iterations allowed per solve of a length sweep. */
  public static final int SWEEP_THRESHOLD = 100;

  /** Checkpoint files in a run's folder. */
  public static final String LAST_CHECKPOINT = "last.ckpt";

  /** The run log in a run's folder. */
  public static final String LOG = "run.jsonl";

  private final ExperimentConfig requested;
  private final ExperimentConfig config;
  private final String precisionNote;
  private final Options options;
  private final Device device;
  private final NDManager manager;
  private final TrainingData data;
  private final TaskModel model;
  private final RunEvents events = new RunEvents();
  private final LiveSettings settings;
  private final RunControl control = new RunControl();
  private final SolverWorkspace solverWorkspace;
  private final Trainer trainer;
  private RunLog log;
  private final EngineThreads.Choice threads;
  private final RunFolderLock folderLock;

  /** The user's module when the cell is a TorchScript one (closed with the run), else null. */
  private final TorchScriptProblem module;

  /**
   * What a run writes and does besides training.
   *
   * @param directory where the run log and checkpoints go; null for a run that writes nothing
   *     (evaluations, probes, tests)
   * @param stepCheckpoints keep {@code checkpoint-STEP.ckpt} of every checkpoint besides {@code
   *     last.ckpt}
   * @param sweepLengths after training, measure forward solver steps at these sequence lengths
   *     (empty: no sweep)
   * @param maxThreads the most intra-op threads the run may measure and take on the CPU (the window
   *     leaves a core to its drawing thread)
   * @param reuse what the run may do with a folder that holds a run already
   */
  public record Options(
      Path directory,
      boolean stepCheckpoints,
      List<Integer> sweepLengths,
      int maxThreads,
      RunFolderLock.Reuse reuse) {
    public Options {
      sweepLengths = sweepLengths == null ? List.of() : List.copyOf(sweepLengths);
      maxThreads = Math.max(1, maxThreads);
      reuse = reuse == null ? RunFolderLock.Reuse.NEW : reuse;
    }

    /** A run that writes no files. */
    public static Options inMemory() {
      return into(null);
    }

    /** A run that logs and checkpoints into {@code directory}, which must not hold a run. */
    public static Options into(Path directory) {
      return new Options(
          directory,
          false,
          List.of(),
          Runtime.getRuntime().availableProcessors(),
          RunFolderLock.Reuse.NEW);
    }

    public Options withStepCheckpoints(boolean value) {
      return new Options(directory, value, sweepLengths, maxThreads, reuse);
    }

    public Options withSweep(List<Integer> lengths) {
      return new Options(directory, stepCheckpoints, lengths, maxThreads, reuse);
    }

    public Options withMaxThreads(int value) {
      return new Options(directory, stepCheckpoints, sweepLengths, value, reuse);
    }

    public Options withReuse(RunFolderLock.Reuse value) {
      return new Options(directory, stepCheckpoints, sweepLengths, maxThreads, value);
    }
  }

  private ExperimentRun(
      ExperimentConfig requested, Options options, PrecisionGate gate, int restoredThreads) {
    this.requested = requested;
    this.options = options;
    // Before any work: a folder that cannot be written, or that another run holds, is refused now.
    this.folderLock =
        options.directory() == null
            ? null
            : RunFolderLock.claim(options.directory(), options.reuse());
    try {
      Footprint.of(requested).check(requested, requested.device().kind() == DeviceChoice.Kind.CUDA);
      this.device = requested.device().resolve();
    } catch (RuntimeException e) {
      abandonFolder();
      throw e;
    }
    this.manager = DeqEngine.newManager(device);
    Autograd.setRecording(false);
    TorchScriptProblem loaded = null;
    try {
      if (requested.model().cell() == CellKind.TORCHSCRIPT) {
        // A user's module: its own gradient check on load stands in for the float32 gate, and the
        // run computes in the module's dtype.
        loaded = TorchScriptProblem.load(requested.model(), manager);
        loaded.requireTrainable();
        Precision own = Precision.of(loaded.cell().dataTypeOf());
        this.config = requested.withDtype(own);
        this.precisionNote =
            loaded.gradientNote()
                + (own == requested.dtype()
                    ? ""
                    : "; the module computes in " + own + ", so the run does (dtype " + own + ")");
      } else {
        PrecisionGate.Decision precision = gate.verify(requested, manager);
        this.config = precision.config();
        this.precisionNote = precision.message();
      }
      manager.getEngine().setRandomSeed((int) config.seed());
      this.data = config.newData();
      Cell cell = loaded == null ? config.newCell() : loaded.cell();
      if (loaded != null) {
        loaded.requireFits(config, data);
      }
      this.model = config.task().kind().model(cell, data.vocabularySize(), config.model());
      config.initialize(model, manager);
      this.threads =
          device.isGpu()
              ? new EngineThreads.Choice(EngineThreads.current(), "operators run on the GPU")
              : restoredThreads > 0
                  ? EngineThreads.keep(restoredThreads, "as the run being resumed")
                  : EngineThreads.chooseFor(this::oneCellApplication, options.maxThreads());
    } catch (RuntimeException e) {
      if (loaded != null) {
        loaded.close();
      }
      manager.close();
      abandonFolder();
      throw e;
    }
    this.module = loaded;
    this.settings = new LiveSettings(LiveSettings.Values.of(config));
    this.solverWorkspace = new SolverWorkspace(manager);
    this.trainer = new Trainer(config, model, data, manager, events, settings, solverWorkspace);
  }

  /**
   * A fresh run: parameters initialized from the config's seed. A float32 config passes the {@link
   * PrecisionGate} first, which may move convolutional cells to a verified convolution path ({@link
   * #config()}, {@link #precisionNote()}) or refuse with a {@link
   * org.deqlab.core.numerics.PrecisionCheckFailedException}.
   */
  public static ExperimentRun create(ExperimentConfig config, Options options) {
    return new ExperimentRun(config, options, PrecisionGate.standard(), 0);
  }

  /**
   * A run that continues from a checkpoint: its own config, parameters, optimizer and step (for
   * evaluation and probes, or to train on).
   */
  public static ExperimentRun restore(Path checkpoint, Options options) {
    return restore(checkpoint, UnaryOperator.identity(), options);
  }

  /**
   * A run restored from a checkpoint, its config first adjusted (e.g. moved to another device:
   * parameters load onto the run's device whatever device wrote them).
   */
  public static ExperimentRun restore(
      Path checkpoint, UnaryOperator<ExperimentConfig> adjust, Options options) {
    Checkpoint.Header header = Checkpoint.readHeader(checkpoint);
    boolean resuming = options.reuse() == RunFolderLock.Reuse.RESUME;
    ExperimentRun run =
        new ExperimentRun(
            adjust.apply(header.config()),
            options,
            PrecisionGate.standard(),
            resuming ? header.threads() : 0);
    try {
      Checkpoint.restore(checkpoint, run.trainer, run.manager);
    } catch (RuntimeException e) {
      run.close();
      throw e;
    }
    return run;
  }

  /**
   * The checkpoint a run in {@code folder} resumes from: {@code last.ckpt}, or, when that one fails
   * its checksum or cannot be read, the newest {@code checkpoint-STEP.ckpt} that passes (the note
   * says so). The log is cut back to that checkpoint's step when the run resumes.
   *
   * @throws IllegalArgumentException when no checkpoint there can be read, naming why
   */
  public static Resumable resumable(Path folder) {
    Path last = folder.resolve(LAST_CHECKPOINT);
    IllegalArgumentException lastProblem;
    try {
      Checkpoint.readHeader(last);
      return new Resumable(last, null);
    } catch (IllegalArgumentException e) {
      lastProblem = e;
    }
    List<Path> earlier;
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(folder)) {
      earlier =
          files
              .filter(path -> path.getFileName().toString().matches("checkpoint-\\d+\\.ckpt"))
              .sorted(
                  java.util.Comparator.comparingLong(
                          (Path path) ->
                              Long.parseLong(path.getFileName().toString().replaceAll("\\D", "")))
                      .reversed())
              .toList();
    } catch (IOException e) {
      throw lastProblem;
    }
    for (Path candidate : earlier) {
      try {
        Checkpoint.readHeader(candidate);
        return new Resumable(
            candidate,
            lastProblem.getMessage() + "; resuming from " + candidate.getFileName() + " instead");
      } catch (IllegalArgumentException e) {
        // damaged too: try the one before
      }
    }
    throw lastProblem;
  }

  /**
   * Where a run resumes from.
   *
   * @param checkpoint the checkpoint file
   * @param note why it is not {@code last.ckpt}, or null
   */
  public record Resumable(Path checkpoint, String note) {}

  /** The config this run runs: the requested one, or the same on a verified path. */
  public ExperimentConfig config() {
    return config;
  }

  /** The config this run was created from, before the precision check. */
  public ExperimentConfig requestedConfig() {
    return requested;
  }

  /** One line on the float32 precision check: what was verified, and what was switched. */
  public String precisionNote() {
    return precisionNote;
  }

  public Device device() {
    return device;
  }

  /** The device as users write it: {@code cpu} or {@code cuda:N}. */
  public String deviceName() {
    return DeqEngine.label(device);
  }

  /**
   * One application of the cell to a training batch's input, without gradients: what a solver
   * iteration costs, and so what the thread count is measured on.
   */
  private void oneCellApplication() {
    Autograd.noGrad(
        () -> {
          try (NDManager scratch = manager.newSubManager()) {
            Cell cell = model.cell();
            NDArray x;
            if (config.task().kind() == TaskKind.TARGETS) {
              x = data.trainBatch(scratch, 1).inputs(); // the cell's own input, as the user gave it
            } else {
              Shape input =
                  config
                      .task()
                      .kind()
                      .cellInputShape(
                          config.task().batchSize(),
                          config.task().sequenceLength(),
                          config.model());
              x = scratch.randomNormal(input).toType(cell.dataTypeOf(), false);
            }
            ParameterStore parameters = new ParameterStore(scratch, false);
            NDArray injection = cell.inject(parameters, x, false);
            cell.apply(parameters, cell.initialState(x), injection, false);
          }
          return null;
        });
  }

  /** The intra-op thread count the run computes with, and how it was chosen. */
  public EngineThreads.Choice threads() {
    return threads;
  }

  /** E.g. {@code char-lm-deq-transformer after 600 steps}. */
  public String describe() {
    return config.name() + " after " + trainer.completedSteps() + " steps";
  }

  /** How the device was chosen: as configured, or what {@code auto} found. */
  public String deviceNote() {
    if (requested.device().kind() != DeviceChoice.Kind.AUTO) {
      return "as configured (" + requested.device() + ")";
    }
    GpuSupport support = GpuSupport.probe();
    return device.isGpu()
        ? "auto chose " + support.gpus().get(device.getDeviceId())
        : "auto chose the CPU: " + support.problem().orElse("no GPU");
  }

  public NDManager manager() {
    return manager;
  }

  public TrainingData data() {
    return data;
  }

  public TaskModel model() {
    return model;
  }

  public Trainer trainer() {
    return trainer;
  }

  /** Everything this run reports; subscribe before {@link #run()}. */
  public RunEvents events() {
    return events;
  }

  /** The live settings (thresholds, tolerances, Jacobian weight, learning rate); any thread. */
  public LiveSettings settings() {
    return settings;
  }

  /** Pause, resume and stop (between steps); any thread. */
  public RunControl control() {
    return control;
  }

  /** The run log being written, or null for a run without a folder. */
  public Path logFile() {
    return options.directory() == null ? null : options.directory().resolve(LOG);
  }

  /** The last checkpoint's file, or null for a run without a folder. */
  public Path lastCheckpoint() {
    return options.directory() == null ? null : options.directory().resolve(LAST_CHECKPOINT);
  }

  /**
   * Runs to the end, a stop request or a failure: opens the run log (when the run has a folder),
   * publishes {@link RunEvent.Started}, trains with checkpoints, sweeps the lengths of the options
   * on the trained model, and publishes {@link RunEvent.Finished}, which it returns. A failed step
   * ends the run as {@link RunOutcome#FAILED} with its message; the log keeps what happened and a
   * checkpoint holds the parameters before the failed step.
   *
   * @throws UncheckedIOException when the run log or a checkpoint cannot be written
   */
  public RunEvent.Finished run() {
    openLog();
    events.publish(
        new RunEvent.Started(
            config,
            config.seed(),
            Provenance.capture(device),
            data.describe(),
            deviceName(),
            deviceNote(),
            threads.toString(),
            precisionNote,
            data.baselineLoss()));
    if (resuming()) {
      events.publish(
          new RunEvent.SettingChanged(
              trainer.completedSteps(),
              "resumed from " + LAST_CHECKPOINT + " at step " + trainer.completedSteps()));
    }
    RunEvent.Finished finished;
    try {
      finished = trainer.run(control, this::checkpoint);
      if (finished.reason() != RunOutcome.COMPLETED) {
        checkpoint(trainer.completedSteps());
      }
      if (!options.sweepLengths().isEmpty() && finished.reason() == RunOutcome.COMPLETED) {
        sweep("after step " + finished.step(), options.sweepLengths(), 1, SWEEP_THRESHOLD);
      }
    } catch (TrainingFailedException e) {
      if (e.getCause() instanceof UncheckedIOException storage) {
        // the log or a checkpoint cannot be written (a full disk): say that, not what followed
        try {
          checkpoint(trainer.completedSteps());
        } catch (UncheckedIOException again) {
          storage.addSuppressed(again);
        }
        throw storage;
      }
      finished = e.finished();
      checkpoint(trainer.completedSteps());
    }
    events.publish(finished);
    return finished;
  }

  /**
   * Measures forward solver steps at each sequence length on the model as it is (trained so far, or
   * fresh), on {@code batches} held-out batches and at most {@code threshold} iterations per solve,
   * publishing a {@link RunEvent.SweepPoint} per length.
   *
   * @throws IllegalArgumentException for an image task (it has no sequence length)
   */
  public List<RunEvent.SweepPoint> sweep(
      String series, List<Integer> lengths, int batches, int threshold) {
    Autograd.setRecording(false);
    return LengthSweep.run(
        config,
        model,
        manager,
        solverWorkspace,
        series,
        lengths,
        batches,
        threshold,
        events::publish);
  }

  /**
   * The user's module as trained so far, written as TorchScript next to every checkpoint ({@code
   * NAME-trained.pt} in the run's folder), when the cell is a TorchScript one and the run has a
   * folder.
   */
  public java.util.Optional<Path> trainedModule() {
    if (module == null || options.directory() == null) {
      return java.util.Optional.empty();
    }
    String name = module.cell().file().getFileName().toString().replaceFirst("\\.[^.]*$", "");
    return java.util.Optional.of(options.directory().resolve(name + "-trained.pt"));
  }

  /**
   * Writes {@code last.ckpt} (and a per-step file when asked) into the run's folder, if any, and a
   * user's module as TorchScript ({@link #trainedModule()}).
   */
  private void checkpoint(int step) {
    if (options.directory() == null) {
      return;
    }
    try {
      if (options.stepCheckpoints()) {
        Checkpoint.save(options.directory().resolve("checkpoint-" + step + ".ckpt"), trainer);
      }
      Checkpoint.save(lastCheckpoint(), trainer);
      if (module != null) {
        module.cell().export(trainedModule().orElseThrow());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write checkpoint into " + options.directory() + ": " + RunFolderLock.reason(e),
          e);
    }
    events.publish(new RunEvent.CheckpointSaved(step, lastCheckpoint().toString()));
  }

  private void openLog() {
    if (options.directory() == null || log != null) {
      return;
    }
    try {
      log =
          resuming()
              ? RunLog.resume(logFile(), trainer.completedSteps())
              : RunLog.create(logFile());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write run log " + logFile() + ": " + RunFolderLock.reason(e), e);
    }
    events.subscribe(log);
  }

  private boolean resuming() {
    return options.reuse() == RunFolderLock.Reuse.RESUME;
  }

  /** A note when this run took over a dead run's lock on its folder. */
  public java.util.Optional<String> folderNote() {
    return folderLock == null ? java.util.Optional.empty() : folderLock.staleNote();
  }

  /** Releases the folder of a run refused before it started (removed if it was created empty). */
  private void abandonFolder() {
    if (folderLock != null) {
      folderLock.abandon();
    }
  }

  private void releaseFolder() {
    if (folderLock != null) {
      folderLock.close();
    }
  }

  @Override
  public void close() {
    try {
      if (log != null) {
        log.close();
      }
    } catch (IOException e) {
      // the log was flushed line by line: nothing is lost
    } finally {
      solverWorkspace.close();
      if (module != null) {
        module.close();
      }
      manager.close();
      releaseFolder();
    }
  }
}
