package org.deqlab.app.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.deqlab.app.experiment.Experiment;
import org.deqlab.app.experiment.ExperimentFile;
import org.deqlab.app.experiment.LengthSweep;
import org.deqlab.app.experiment.RunLog;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.memory.MemoryPoint;
import org.deqlab.core.train.Checkpoint;
import org.deqlab.core.train.LiveSettings;
import org.deqlab.core.train.RunControl;
import org.deqlab.core.train.Trainer;
import org.deqlab.core.train.TrainingEvent;

/**
 * The window's state and actions, independent of its layout: the config being edited, the run's
 * state, progress and status line, and the live settings. Engine work goes to the {@link
 * EngineWorker}; what the engine reports is queued and handed to the {@link ChartSink} on the
 * JavaFX thread at most ten times a second, so the UI never blocks and never floods.
 */
final class ExperimentViewModel implements AutoCloseable {
  private static final long DRAIN_INTERVAL_MILLIS = 100;

  private final EngineWorker engine = new EngineWorker();
  private final Queue<TrainingEvent> queue = new ConcurrentLinkedQueue<>();
  private final LiveSolve liveSolve = new LiveSolve();
  private final ScheduledExecutorService drainTicker =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "deq-ui-drain");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final ObjectProperty<ExperimentConfig> config = new SimpleObjectProperty<>();
  private final ObjectProperty<RunState> state = new SimpleObjectProperty<>(RunState.IDLE);
  private final BooleanProperty engineBusy = new SimpleBooleanProperty(false);
  private final StringProperty status =
      new SimpleStringProperty("Ready: press Run to train the experiment on the left");
  private final DoubleProperty progress = new SimpleDoubleProperty(0);
  private final IntegerProperty step = new SimpleIntegerProperty(0);
  private final IntegerProperty gpuCount = new SimpleIntegerProperty(-1);
  private final ObjectProperty<Path> runDirectory = new SimpleObjectProperty<>();
  private final Path runsRoot;
  private ChartSink sink;
  private Supplier<ExperimentConfig> draft = config::get;
  private volatile RunControl control;
  private volatile LiveSettings liveSettings;
  private volatile Experiment experiment;
  private volatile Path checkpoint;
  private double smoothedMillis = Double.NaN;
  private String phase = "";
  private String device = "cpu";

  ExperimentViewModel(ExperimentConfig initial, Path runsRoot) {
    this.runsRoot = runsRoot;
    config.set(initial);
    drainTicker.scheduleWithFixedDelay(
        this::scheduleDrain, DRAIN_INTERVAL_MILLIS, DRAIN_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    // Starting PyTorch takes a moment: do it on the engine thread, never on the JavaFX thread.
    engine
        .submit(DeqEngine::gpuCount)
        .thenAccept(count -> Platform.runLater(() -> gpuCount.set(count)))
        .exceptionally(
            error -> {
              Platform.runLater(
                  () -> {
                    gpuCount.set(0);
                    status.set("The engine did not start: " + rootMessage(error));
                  });
              return null;
            });
  }

  void attach(ChartSink chartSink) {
    this.sink = chartSink;
  }

  /**
   * Where the config of the next run comes from (the experiment panel's edits); default: {@link
   * #config()}.
   */
  void setDraft(Supplier<ExperimentConfig> source) {
    this.draft = source;
  }

  ObjectProperty<ExperimentConfig> config() {
    return config;
  }

  ReadOnlyObjectProperty<RunState> state() {
    return state;
  }

  /** True while a length sweep or a memory measurement occupies the engine thread. */
  BooleanProperty engineBusy() {
    return engineBusy;
  }

  StringProperty status() {
    return status;
  }

  DoubleProperty progress() {
    return progress;
  }

  IntegerProperty step() {
    return step;
  }

  /** CUDA devices the engine sees; -1 until the engine has started. */
  IntegerProperty gpuCount() {
    return gpuCount;
  }

  ObjectProperty<Path> runDirectory() {
    return runDirectory;
  }

  /** The run log of the current or last run, or null before the first run. */
  Path runLog() {
    Path directory = runDirectory.get();
    return directory == null ? null : directory.resolve("run.jsonl");
  }

  /** Starts training the current config in a new run folder. */
  CompletableFuture<Void> start() {
    ExperimentConfig runConfig = config.get();
    Path directory =
        runsRoot.resolve(
            runConfig.name()
                + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
    runDirectory.set(directory);
    RunControl runControl = new RunControl();
    control = runControl;
    liveSettings = null;
    checkpoint = null;
    state.set(RunState.STARTING);
    status.set("Starting " + runConfig.name() + "…");
    progress.set(-1);
    step.set(0);
    smoothedMillis = Double.NaN;
    phase = "";
    queue.clear();
    if (sink != null) {
      sink.clear(runConfig);
    }
    return engine
        .run(
            () -> {
              closeExperiment();
              Experiment created = Experiment.create(runConfig);
              experiment = created;
              liveSettings = created.settings();
              created.trainer().setSolverListeners(liveSolve, liveSolve);
              try (RunLog log =
                  RunLog.create(
                      directory.resolve("run.jsonl"),
                      created.config(),
                      Provenance.capture(created.device()),
                      created.data().describe())) {
                created.stream().subscribe(log::append);
                created.stream().subscribe(queue::add);
                String deviceName =
                    created.device().isGpu() ? "gpu:" + created.device().getDeviceId() : "cpu";
                String precision = created.precisionNote();
                Platform.runLater(
                    () -> {
                      device = deviceName;
                      if (state.get() == RunState.STARTING) {
                        state.set(RunState.RUNNING);
                        status.set(
                            "Running "
                                + runConfig.name()
                                + " on "
                                + deviceName
                                + " ("
                                + precision
                                + "): waiting for the first step…");
                      }
                    });
                TrainingEvent.Finished finished =
                    created
                        .trainer()
                        .run(runControl, completed -> saveCheckpoint(created, directory));
                if (!"completed".equals(finished.reason())) {
                  saveCheckpoint(created, directory);
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .whenComplete(
            (ignored, error) ->
                Platform.runLater(
                    () -> {
                      if (error != null) {
                        drainQueue();
                        state.set(RunState.FAILED);
                        status.set(
                            rootCause(error) instanceof IllegalArgumentException
                                ? "Run refused: " + rootMessage(error)
                                : "Run failed: "
                                    + rootMessage(error)
                                    + " (the run log keeps what was logged)");
                      }
                    }));
  }

  private void saveCheckpoint(Experiment running, Path directory) {
    try {
      Path file = directory.resolve("last.ckpt");
      Checkpoint.save(file, running.trainer());
      checkpoint = file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void pause() {
    if (control != null && state.get() == RunState.RUNNING) {
      control.pause();
      state.set(RunState.PAUSED);
      status.set("Paused after step " + step.get() + " (press Resume to go on)");
    }
  }

  void resume() {
    if (control != null && state.get() == RunState.PAUSED) {
      control.resume();
      state.set(RunState.RUNNING);
      status.set("Resumed at step " + step.get());
    }
  }

  void stop() {
    if (control != null && state.get().active()) {
      control.requestStop();
      state.set(RunState.STOPPING);
      status.set("Stopping after the current step…");
    }
  }

  /**
   * Changes live settings: while a run is active they reach the engine at its next step (and are
   * marked on the plots); otherwise they edit the config of the next run.
   */
  void applyLive(UnaryOperator<LiveSettings.Values> change) {
    LiveSettings live = liveSettings;
    if (live != null && state.get().active()) {
      live.update(change);
      status.set("Live change queued: it takes effect at the next step");
      return;
    }
    ExperimentConfig c = draft.get();
    LiveSettings.Values values = change.apply(Trainer.initialValues(c));
    if (values.equals(Trainer.initialValues(c)) && c.equals(config.get())) {
      return;
    }
    config.set(values.appliedTo(c));
  }

  /** The live values in force (the running experiment's, or the config's). */
  LiveSettings.Values liveValues() {
    LiveSettings live = liveSettings;
    return live != null && state.get().active() ? live.peek() : Trainer.initialValues(config.get());
  }

  /**
   * Measures solver steps versus sequence length on the current model (trained so far, or fresh).
   */
  CompletableFuture<Void> sweepLengths(List<Integer> lengths, int threshold) {
    ExperimentConfig sweepConfig = config.get();
    Experiment trained = experiment;
    boolean fresh = trained == null || !trained.requestedConfig().equals(sweepConfig);
    String series = fresh ? "untrained model" : "after step " + step.get();
    status.set("Measuring forward solver steps at lengths " + lengths + " (" + series + ")…");
    beginEngineJob();
    return engine
        .run(
            () -> {
              Experiment target = fresh ? Experiment.create(sweepConfig) : trained;
              try {
                int[] measured = {0};
                LengthSweep.run(
                    target,
                    lengths,
                    1,
                    threshold,
                    point ->
                        Platform.runLater(
                            () -> {
                              if (sink != null) {
                                sink.showSweepPoint(series, point);
                              }
                              progress.set((double) ++measured[0] / lengths.size());
                              status.set(
                                  String.format(
                                      Locale.ROOT,
                                      "Sweep: length %d needs %.1f forward steps",
                                      point.length(),
                                      point.meanSteps()));
                            }));
              } finally {
                if (fresh) {
                  target.close();
                }
              }
            })
        .whenComplete(
            (ignored, error) ->
                Platform.runLater(
                    () -> {
                      endEngineJob();
                      status.set(
                          error == null
                              ? "Sweep done: forward solver steps versus sequence length ("
                                  + series
                                  + ")"
                              : "Sweep failed: " + rootMessage(error));
                    }));
  }

  /**
   * Measures the training-step memory of the current config's cell as a DEQ and as unrolled stacks
   * of the given depths, reporting each point on the JavaFX thread as it is measured.
   */
  CompletableFuture<List<MemoryPoint>> measureMemory(
      List<Integer> depths, int length, int batch, Consumer<MemoryPoint> onPoint) {
    ExperimentConfig memoryConfig = draft.get();
    beginEngineJob();
    status.set("Measuring training-step memory: DEQ, then unrolled depths " + depths + "…");
    int[] measured = {0};
    return engine
        .submit(
            () ->
                MemoryMeasurement.run(
                    memoryConfig,
                    depths,
                    length,
                    batch,
                    point ->
                        Platform.runLater(
                            () -> {
                              onPoint.accept(point);
                              progress.set((double) ++measured[0] / (depths.size() + 1));
                              status.set(
                                  point.depth() == 0
                                      ? String.format(
                                          Locale.ROOT,
                                          "Memory: DEQ keeps %.1f MiB",
                                          point.keptMegabytes())
                                      : String.format(
                                          Locale.ROOT,
                                          "Memory: unrolled L = %d keeps %.1f MiB",
                                          point.depth(),
                                          point.keptMegabytes()));
                            })))
        .whenComplete(
            (points, error) ->
                Platform.runLater(
                    () -> {
                      endEngineJob();
                      status.set(
                          error == null
                              ? "Memory measured: DEQ and " + depths.size() + " unrolled depths"
                              : "Memory measurement failed: " + rootMessage(error));
                    }));
  }

  private double progressBeforeJob;

  /**
   * A sweep or memory measurement starts: the progress bar counts its points meanwhile (not the
   * indeterminate animation, whose redraws would allocate while memory is being measured).
   */
  private void beginEngineJob() {
    engineBusy.set(true);
    progressBeforeJob = progress.get() < 0 ? 0 : progress.get();
    progress.set(0);
  }

  private void endEngineJob() {
    engineBusy.set(false);
    progress.set(progressBeforeJob);
  }

  /** Saves the experiment (config, run log, checkpoint) to a {@code .deq.json} file. */
  void save(Path file) throws IOException {
    Path log = runLog();
    new ExperimentFile(draft.get(), log != null && log.toFile().exists() ? log : null, checkpoint)
        .write(file);
    status.set("Saved " + file);
  }

  /**
   * Opens a saved experiment: the config goes into the editor and the run log, if any, is replayed
   * into the plots. Everything is read before anything changes, so a malformed file changes nothing
   * (the exception names the problem).
   */
  void open(Path file) {
    ExperimentFile saved = ExperimentFile.read(file);
    List<TrainingEvent> replay =
        saved.runLog() == null ? List.of() : RunLogReplay.events(RunLog.read(saved.runLog()));
    closeRunState();
    config.set(saved.config());
    checkpoint = saved.checkpoint();
    runDirectory.set(saved.runLog() == null ? null : saved.runLog().getParent());
    if (sink != null) {
      sink.clear(saved.config());
      sink.show(replay);
    }
    int last =
        replay.stream()
            .filter(e -> e instanceof TrainingEvent.Step)
            .mapToInt(e -> ((TrainingEvent.Step) e).step())
            .max()
            .orElse(0);
    step.set(last);
    progress.set((double) last / saved.config().steps());
    state.set(replay.isEmpty() ? RunState.IDLE : RunState.FINISHED);
    status.set(
        "Opened "
            + file.getFileName()
            + (replay.isEmpty()
                ? " (not run yet: press Run)"
                : ": " + last + " steps replayed from its run log"));
  }

  private void closeRunState() {
    control = null;
    liveSettings = null;
    queue.clear();
  }

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      Platform.runLater(
          () -> {
            drainScheduled.set(false);
            drainQueue();
            showLiveSolve(); // after the finished steps: the solve in progress is the newer one
          });
    }
  }

  /** The solve in progress, if it advanced since the last refresh (JavaFX thread). */
  private void showLiveSolve() {
    LiveSolve.Trace trace = liveSolve.take();
    if (trace != null && sink != null) {
      sink.showLiveSolve(trace.absolute(), trace.relative());
    }
  }

  /** Hands everything queued to the charts and updates progress and status (JavaFX thread). */
  private void drainQueue() {
    if (queue.isEmpty()) {
      return;
    }
    List<TrainingEvent> batch = new ArrayList<>();
    TrainingEvent event;
    while ((event = queue.poll()) != null) {
      batch.add(event);
    }
    TrainingEvent.Finished finished = null;
    for (TrainingEvent e : batch) {
      if (e instanceof TrainingEvent.Step s) {
        step.set(s.step());
        phase = s.phase();
        smoothedMillis =
            Double.isNaN(smoothedMillis) ? s.millis() : 0.9 * smoothedMillis + 0.1 * s.millis();
      } else if (e instanceof TrainingEvent.Finished f) {
        finished = f;
      }
    }
    ExperimentConfig c = config.get();
    progress.set((double) step.get() / c.steps());
    if (finished != null) {
      state.set("failed".equals(finished.reason()) ? RunState.FAILED : RunState.FINISHED);
      status.set(
          "Run "
              + finished.reason()
              + ": "
              + finished.message()
              + (runLog() == null ? "" : " · run log " + runLog()));
    } else if (state.get() == RunState.RUNNING) {
      double eta = smoothedMillis * (c.steps() - step.get()) / 1000;
      status.set(
          String.format(
              Locale.ROOT,
              "Step %d/%d · %s · %.0f ms/step · ETA %s · %s",
              step.get(),
              c.steps(),
              "pretrain".equals(phase) ? "pretraining (unrolled)" : phase,
              smoothedMillis,
              formatSeconds(eta),
              device));
    }
    if (sink != null) {
      sink.show(batch);
    }
  }

  private static String formatSeconds(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "?";
    }
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  static String rootMessage(Throwable error) {
    Throwable cause = rootCause(error);
    return cause.getMessage() != null ? cause.getMessage() : cause.toString();
  }

  private static Throwable rootCause(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  private void closeExperiment() {
    Experiment previous = experiment;
    experiment = null;
    if (previous != null) {
      previous.close();
    }
  }

  /**
   * Asks a running experiment to stop and releases the engine thread once it has; returns without
   * waiting (see {@link #awaitClosed}).
   */
  @Override
  public void close() {
    drainTicker.shutdownNow();
    RunControl runControl = control;
    if (runControl != null) {
      runControl.requestStop();
    }
    engine.run(this::closeExperiment);
    engine.close();
  }

  /** Waits until the engine thread has finished its work after {@link #close}. */
  boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
    return engine.awaitTermination(timeout, unit);
  }
}
