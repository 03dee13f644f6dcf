package org.deqlab.app.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.deqlab.app.experiment.Experiment;
import org.deqlab.app.experiment.ExperimentFile;
import org.deqlab.app.experiment.LengthSweep;
import org.deqlab.app.experiment.RunLog;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.train.Checkpoint;
import org.deqlab.core.train.LiveSettings;
import org.deqlab.core.train.RunControl;
import org.deqlab.core.train.Trainer;
import org.deqlab.core.train.TrainingConfig;
import org.deqlab.core.train.TrainingEvent;

/**
 * The window's state and actions, independent of its layout: the config being edited, the run's
 * state, progress and status line, and the live settings. Engine work goes to the {@link
 * EngineWorker}; what the engine reports is queued and handed to the {@link ChartSink} on the
 * JavaFX thread at most ten times a second, so the UI never blocks and never floods.
 */
final class ExperimentViewModel implements AutoCloseable {
  private static final long DRAIN_INTERVAL_NANOS = 100_000_000L;

  private final EngineWorker engine = new EngineWorker();
  private final Queue<TrainingEvent> queue = new ConcurrentLinkedQueue<>();
  private final ObjectProperty<TrainingConfig> config = new SimpleObjectProperty<>();
  private final ObjectProperty<RunState> state = new SimpleObjectProperty<>(RunState.IDLE);
  private final StringProperty status = new SimpleStringProperty("Ready: press Run to train the default experiment");
  private final DoubleProperty progress = new SimpleDoubleProperty(0);
  private final IntegerProperty step = new SimpleIntegerProperty(0);
  private final ObjectProperty<Path> runDirectory = new SimpleObjectProperty<>();
  private final Path runsRoot;
  private ChartSink sink;
  private volatile RunControl control;
  private volatile LiveSettings liveSettings;
  private volatile Experiment experiment;
  private volatile Path checkpoint;
  private double smoothedMillis = Double.NaN;
  private String device = "cpu";
  private final AnimationTimer drain;

  ExperimentViewModel(TrainingConfig initial, Path runsRoot) {
    this.runsRoot = runsRoot;
    config.set(initial);
    drain = new AnimationTimer() {
      private long last;

      @Override
      public void handle(long now) {
        if (now - last >= DRAIN_INTERVAL_NANOS) {
          last = now;
          drainQueue();
        }
      }
    };
    drain.start();
  }

  void attach(ChartSink chartSink) {
    this.sink = chartSink;
  }

  ObjectProperty<TrainingConfig> config() {
    return config;
  }

  ReadOnlyObjectProperty<RunState> state() {
    return state;
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

  ObjectProperty<Path> runDirectory() {
    return runDirectory;
  }

  /** Starts training the current config in a new run folder. */
  CompletableFuture<Void> start() {
    TrainingConfig runConfig = config.get();
    Path directory = runsRoot.resolve(runConfig.name() + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    runDirectory.set(directory);
    RunControl runControl = new RunControl();
    control = runControl;
    state.set(RunState.STARTING);
    status.set("Starting " + runConfig.name() + "…");
    progress.set(-1);
    smoothedMillis = Double.NaN;
    if (sink != null) {
      sink.clear();
    }
    queue.clear();
    return engine.run(() -> {
      closeExperiment();
      Experiment created = Experiment.create(runConfig);
      experiment = created;
      liveSettings = created.settings();
      try (RunLog log = RunLog.create(directory.resolve("run.jsonl"), runConfig,
          Provenance.capture(created.device()), created.data().describe())) {
        created.stream().subscribe(queue::add);
        created.stream().subscribe(log::append);
        Platform.runLater(() -> {
          device = created.device().toString();
          state.set(runControl.paused() ? RunState.PAUSED : RunState.RUNNING);
        });
        created.trainer().run(runControl, completed -> saveCheckpoint(created, directory));
        saveCheckpoint(created, directory);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).whenComplete((ignored, error) -> Platform.runLater(() -> {
      if (error != null) {
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        state.set(RunState.FAILED);
        status.set("Run failed: " + cause.getMessage() + " (the run log keeps what was logged)");
      }
    }));
  }

  private void saveCheckpoint(Experiment running, Path directory) {
    try {
      Path file = directory.resolve("last.ckpt");
      Checkpoint.save(file, running.trainer());
      checkpoint = file;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  void pause() {
    if (control != null && state.get() == RunState.RUNNING) {
      control.pause();
      state.set(RunState.PAUSED);
      status.set("Paused at step " + step.get());
    }
  }

  void resume() {
    if (control != null && state.get() == RunState.PAUSED) {
      control.resume();
      state.set(RunState.RUNNING);
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
      return;
    }
    TrainingConfig c = config.get();
    LiveSettings.Values values = change.apply(Trainer.initialValues(c));
    config.set(new TrainingConfig(c.name(), c.task(), c.model(),
        new TrainingConfig.Forward(c.forward().solver(), values.forward()),
        new TrainingConfig.Backward(c.backward().mode(), c.backward().solver(), values.backward(),
            c.backward().phantomSteps(), c.backward().phantomDamping()),
        new TrainingConfig.Optimizer(values.learningRate(), c.optimizer().warmupSteps(),
            Math.min(c.optimizer().minLearningRate(), values.learningRate()), c.optimizer().clipNorm(),
            c.optimizer().weightDecay()),
        new TrainingConfig.Jacobian(values.jacobianWeight(), c.jacobian().probes(), c.jacobian().every(),
            c.jacobian().probeEvery(), c.jacobian().probeProducts()),
        c.steps(), c.pretrainSteps(), c.evalEvery(), c.checkpointEvery(), c.seed(), c.device(), c.dtype()));
  }

  /** The live values in force (the running experiment's, or the config's). */
  LiveSettings.Values liveValues() {
    LiveSettings live = liveSettings;
    return live != null && state.get().active() ? live.peek() : Trainer.initialValues(config.get());
  }

  /** Measures solver steps versus sequence length on the current model (trained so far, or fresh). */
  CompletableFuture<Void> sweepLengths(List<Integer> lengths, int threshold) {
    TrainingConfig sweepConfig = config.get();
    status.set("Measuring solver steps versus sequence length…");
    String series = experiment != null ? "step " + step.get() : "fresh model";
    return engine.run(() -> {
      Experiment target = experiment;
      boolean fresh = target == null || !target.config().equals(sweepConfig);
      if (fresh) {
        target = Experiment.create(sweepConfig);
      }
      try {
        LengthSweep.run(target, lengths, 1, threshold,
            point -> Platform.runLater(() -> sink.showSweepPoint(series, point)));
      } finally {
        if (fresh) {
          target.close();
        }
      }
    }).whenComplete((ignored, error) -> Platform.runLater(() -> status.set(error == null
        ? "Sweep done: solver steps versus sequence length"
        : "Sweep failed: " + (error.getCause() != null ? error.getCause().getMessage() : error.getMessage()))));
  }

  /** Saves the experiment (config, run log, checkpoint) to a {@code .deq.json} file. */
  void save(Path file) throws IOException {
    Path directory = runDirectory.get();
    Path log = directory == null ? null : directory.resolve("run.jsonl");
    new ExperimentFile(config.get(), log != null && log.toFile().exists() ? log : null, checkpoint).write(file);
    status.set("Saved " + file);
  }

  /**
   * Opens a saved experiment: the config goes into the editor and the run log, if any, is
   * replayed into the plots. Reading happens before anything changes, so a malformed file
   * changes nothing.
   */
  void open(Path file) {
    ExperimentFile saved = ExperimentFile.read(file);
    List<TrainingEvent> replay = saved.runLog() == null ? List.of() : RunLogReplay.events(RunLog.read(saved.runLog()));
    config.set(saved.config());
    checkpoint = saved.checkpoint();
    runDirectory.set(saved.runLog() == null ? null : saved.runLog().getParent());
    if (sink != null) {
      sink.clear();
      sink.show(replay);
    }
    int last = replay.stream().filter(e -> e instanceof TrainingEvent.Step)
        .mapToInt(e -> ((TrainingEvent.Step) e).step()).max().orElse(0);
    step.set(last);
    progress.set(saved.config().steps() == 0 ? 0 : (double) last / saved.config().steps());
    state.set(RunState.FINISHED);
    status.set("Opened " + file.getFileName() + (replay.isEmpty() ? "" : ": " + last + " steps from its run log"));
  }

  private void drainQueue() {
    if (queue.isEmpty()) {
      return;
    }
    List<TrainingEvent> batch = new ArrayList<>();
    TrainingEvent event;
    while ((event = queue.poll()) != null) {
      batch.add(event);
    }
    for (TrainingEvent e : batch) {
      if (e instanceof TrainingEvent.Step s) {
        step.set(s.step());
        smoothedMillis = Double.isNaN(smoothedMillis) ? s.millis() : 0.9 * smoothedMillis + 0.1 * s.millis();
      } else if (e instanceof TrainingEvent.Finished f) {
        state.set("failed".equals(f.reason()) ? RunState.FAILED : RunState.FINISHED);
      }
    }
    TrainingConfig c = config.get();
    progress.set((double) step.get() / c.steps());
    if (state.get() == RunState.RUNNING) {
      double eta = smoothedMillis * (c.steps() - step.get()) / 1000;
      status.set(String.format(Locale.ROOT, "Step %d/%d · %.0f ms/step · ETA %s · %s", step.get(), c.steps(),
          smoothedMillis, formatSeconds(eta), device));
    } else if (state.get() == RunState.FINISHED || state.get() == RunState.FAILED) {
      batch.stream().filter(e -> e instanceof TrainingEvent.Finished).map(e -> (TrainingEvent.Finished) e)
          .findFirst().ifPresent(f -> status.set("Run " + f.reason() + ": " + f.message()));
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
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  private void closeExperiment() {
    Experiment previous = experiment;
    experiment = null;
    if (previous != null) {
      previous.close();
    }
  }

  @Override
  public void close() {
    drain.stop();
    RunControl runControl = control;
    if (runControl != null) {
      runControl.requestStop();
    }
    engine.run(this::closeExperiment);
    engine.close();
  }
}
