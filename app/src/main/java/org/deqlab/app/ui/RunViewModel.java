package org.deqlab.app.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.deqlab.app.charts.ChartSink;
import org.deqlab.core.engine.GpuSupport;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunOutcome;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.run.ExperimentFile;
import org.deqlab.core.run.ExperimentRun;
import org.deqlab.core.run.RunDirectories;
import org.deqlab.core.run.RunLog;
import org.deqlab.core.train.LiveSettings;

/**
 * The window's run: starts an {@link ExperimentRun} on the engine thread, turns its knobs (pause,
 * resume, stop, live settings), sweeps lengths on its model, replays saved runs, and shows what the
 * run reports. The run's events are queued on the engine thread and handed, in order, to the {@link
 * ChartSink} and to this model's read-only properties when {@link #drain()} runs on the UI thread
 * (the window calls it ten times a second), so the UI never blocks and never floods.
 *
 * <p>Engine and UI work go to the executors it is given: the engine thread and {@code
 * Platform::runLater} in the window; in tests the calling thread, so a run is driven and checked
 * step by step without sleeps.
 */
final class RunViewModel implements AutoCloseable {
  /** The most intra-op threads a run may take: one core stays with the window's drawing. */
  private static final int DRAWING_CORE_SPARED =
      Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

  /** Creates the run of a config (the real one, or a test's). */
  interface RunFactory {
    ExperimentRun create(ExperimentConfig config, ExperimentRun.Options options);
  }

  private final Executor engine;
  private final Executor ui;
  private final RunFactory factory;
  private final ReadOnlyObjectWrapper<Path> runsRoot;
  private final StatusModel status;
  private final Queue<RunEvent> queue = new ConcurrentLinkedQueue<>();
  private final LiveSolve liveSolve = new LiveSolve();
  private final ReadOnlyObjectWrapper<RunState> state = new ReadOnlyObjectWrapper<>(RunState.IDLE);
  private final ReadOnlyIntegerWrapper step = new ReadOnlyIntegerWrapper(0);
  private final ReadOnlyIntegerWrapper gpuCount = new ReadOnlyIntegerWrapper(-1);
  private final ReadOnlyStringWrapper gpuProblem = new ReadOnlyStringWrapper("");
  private final ReadOnlyObjectWrapper<Path> runDirectory = new ReadOnlyObjectWrapper<>();
  private ChartSink sink = ChartSink.NONE;

  /** The run in progress or the last one (its model serves sweeps); engine thread only. */
  private ExperimentRun run;

  /** Read from the UI thread while the engine thread runs. */
  private volatile ExperimentRun active;

  /** The run started last, kept after it ends for the live values it ended with. */
  private volatile ExperimentRun last;

  private volatile Path checkpoint;
  private int totalSteps = 1;
  private double smoothedMillis = Double.NaN;
  private String phase = "";
  private String device = "cpu";

  RunViewModel(
      Executor engine, Executor ui, RunFactory factory, Path runsRoot, StatusModel status) {
    this.engine = engine;
    this.ui = ui;
    this.factory = factory;
    this.runsRoot = new ReadOnlyObjectWrapper<>(runsRoot);
    this.status = status;
    // Starting PyTorch takes a moment: on the engine thread, never on the UI thread.
    CompletableFuture.supplyAsync(GpuSupport::probe, engine)
        .whenComplete(
            (support, error) ->
                ui.execute(
                    () -> {
                      gpuProblem.set(
                          error != null
                              ? "the engine did not start"
                              : support.problem().orElse(""));
                      gpuCount.set(error == null ? support.usable() : 0);
                      if (error != null) {
                        status.say("The engine did not start: " + rootMessage(error));
                      }
                    }));
  }

  /** Where the charts go (the window's Training tab); set once, before the first run. */
  void attach(ChartSink chartSink) {
    this.sink = chartSink;
  }

  ReadOnlyObjectProperty<RunState> state() {
    return state.getReadOnlyProperty();
  }

  ReadOnlyIntegerProperty step() {
    return step.getReadOnlyProperty();
  }

  /** CUDA devices the engine sees; −1 until the engine has started. */
  ReadOnlyIntegerProperty gpuCount() {
    return gpuCount.getReadOnlyProperty();
  }

  /** Why no GPU can be used (empty when one can, or while the engine starts). */
  ReadOnlyStringProperty gpuProblem() {
    return gpuProblem.getReadOnlyProperty();
  }

  /** The folder under which each run gets a folder of its own. */
  ReadOnlyObjectProperty<Path> runsRoot() {
    return runsRoot.getReadOnlyProperty();
  }

  /** Changes where the next runs are written (UI thread). */
  void setRunsRoot(Path folder) {
    runsRoot.set(folder);
    status.say("Runs are written under " + folder);
  }

  ReadOnlyObjectProperty<Path> runDirectory() {
    return runDirectory.getReadOnlyProperty();
  }

  /** The run log of the current or last run, or null before the first run. */
  Path runLog() {
    Path directory = runDirectory.get();
    return directory == null ? null : directory.resolve(ExperimentRun.LOG);
  }

  /** The last checkpoint of the current or last run (or of the opened experiment), or null. */
  Path checkpoint() {
    return checkpoint;
  }

  /** Starts a run of {@code config} in a new folder under the runs folder. */
  CompletableFuture<Void> start(ExperimentConfig config) {
    Path directory = RunDirectories.newRun(runsRoot.get(), config.name());
    runDirectory.set(directory);
    checkpoint = null;
    totalSteps = config.steps();
    smoothedMillis = Double.NaN;
    phase = "";
    queue.clear();
    step.set(0);
    state.set(RunState.STARTING);
    status.say("Starting " + config.name() + "…");
    status.progress(-1);
    sink.clear(config);
    return CompletableFuture.runAsync(
            () -> {
              closeRun();
              run =
                  factory.create(
                      config,
                      ExperimentRun.Options.into(directory).withMaxThreads(DRAWING_CORE_SPARED));
              active = run;
              last = run;
              run.events().subscribe(this::fromEngine);
              run.run();
            },
            engine)
        .whenComplete(
            (ignored, error) ->
                ui.execute(
                    () -> {
                      active = null;
                      if (error != null) {
                        drain();
                        fail(error);
                      }
                    }));
  }

  /** Called on the engine thread for every event of the run: queued, or kept as the live trace. */
  private void fromEngine(RunEvent event) {
    if (event instanceof RunEvent.SolverProgress progress) {
      liveSolve.accept(progress);
    } else {
      queue.add(event);
    }
  }

  private void fail(Throwable error) {
    boolean refused = rootCause(error) instanceof IllegalArgumentException;
    state.set(RunState.FAILED);
    status.say(
        refused
            ? "Run refused: " + rootMessage(error)
            : "Run failed: " + rootMessage(error) + " (the run log keeps what was logged)");
  }

  void pause() {
    ExperimentRun running = active;
    if (running != null && state.get() == RunState.RUNNING) {
      running.control().pause();
      state.set(RunState.PAUSED);
      status.say("Paused after step " + step.get() + " (press Resume to go on)");
    }
  }

  void resume() {
    ExperimentRun running = active;
    if (running != null && state.get() == RunState.PAUSED) {
      running.control().resume();
      state.set(RunState.RUNNING);
      status.say("Resumed at step " + step.get());
    }
  }

  void stop() {
    ExperimentRun running = active;
    if (running != null && state.get().active()) {
      running.control().requestStop();
      state.set(RunState.STOPPING);
      status.say("Stopping after the current step…");
    }
  }

  /**
   * Sends a live-settings change to the running experiment, where it takes effect at the next step
   * (and is marked on the plots). Returns false when no run is active: the caller edits the next
   * run's config instead.
   */
  boolean applyLive(UnaryOperator<LiveSettings.Values> change) {
    ExperimentRun running = active;
    if (running == null || !state.get().active()) {
      return false;
    }
    running.settings().update(change);
    status.say("Live change queued: it takes effect at the next step");
    return true;
  }

  /** The live values of the active run, or null when none is active. */
  LiveSettings.Values activeValues() {
    ExperimentRun running = active;
    return running != null && state.get().active() ? running.settings().peek() : null;
  }

  /**
   * The live values the last run ended with (including every live edit), or null before the first
   * run; the window keeps them for the next run instead of snapping back to the config's.
   */
  LiveSettings.Values lastRunValues() {
    ExperimentRun ended = last;
    return ended == null ? null : ended.settings().peek();
  }

  /**
   * Measures forward solver steps versus sequence length on the last run's model when it was a run
   * of {@code config}, else on a fresh one.
   */
  CompletableFuture<Void> sweep(ExperimentConfig config, List<Integer> lengths, int threshold) {
    boolean trained = run != null && run.requestedConfig().equals(config);
    String series = trained ? "after step " + step.get() : "untrained model";
    status.beginJob("Measuring forward solver steps at lengths " + lengths + " (" + series + ")…");
    int[] measured = {0};
    return CompletableFuture.runAsync(
            () -> {
              ExperimentRun target =
                  trained
                      ? run
                      : factory.create(
                          config,
                          ExperimentRun.Options.inMemory().withMaxThreads(DRAWING_CORE_SPARED));
              if (!trained) {
                target.events().subscribe(this::fromEngine); // the last run's already is
              }
              try (AutoCloseable subscription =
                  target.events().subscribe(event -> sweepPoint(event, lengths, measured))) {
                target.sweep(series, lengths, 1, threshold);
              } catch (Exception e) {
                throw e instanceof RuntimeException runtime
                    ? runtime
                    : new IllegalStateException(e);
              } finally {
                if (!trained) {
                  target.close();
                }
              }
            },
            engine)
        .whenComplete(
            (ignored, error) ->
                ui.execute(
                    () -> {
                      drain();
                      status.endJob(
                          error == null
                              ? "Sweep done: forward solver steps versus sequence length ("
                                  + series
                                  + ")"
                              : "Sweep failed: " + rootMessage(error));
                    }));
  }

  /** Counts a sweep's points on the progress bar (the points reach the charts as events). */
  private void sweepPoint(RunEvent event, List<Integer> lengths, int[] measured) {
    if (event instanceof RunEvent.SweepPoint point) {
      int done = ++measured[0];
      ui.execute(
          () -> {
            status.progress((double) done / lengths.size());
            status.say(
                String.format(
                    Locale.ROOT, "Sweep: length %d: %s", point.length(), point.outcome()));
          });
    }
  }

  /**
   * Shows a saved experiment's run: its log's events go to the charts as they would from a run.
   * Everything is read before anything changes, so a malformed log changes nothing.
   */
  void replay(ExperimentFile saved) {
    List<RunEvent> replayed =
        saved.runLog() == null ? List.of() : RunLog.read(saved.runLog()).events();
    queue.clear();
    active = null;
    checkpoint = saved.checkpoint();
    runDirectory.set(saved.runLog() == null ? null : saved.runLog().getParent());
    totalSteps = saved.config().steps();
    sink.clear(saved.config());
    queue.addAll(replayed);
    state.set(replayed.isEmpty() ? RunState.IDLE : RunState.FINISHED);
    drain();
    status.progress((double) step.get() / totalSteps);
  }

  /** Hands everything queued to the charts and updates progress and status (UI thread). */
  void drain() {
    List<RunEvent> batch = new ArrayList<>();
    RunEvent event;
    while ((event = queue.poll()) != null) {
      batch.add(event);
    }
    RunEvent.Finished finished = null;
    for (RunEvent e : batch) {
      if (e instanceof RunEvent.Started started) {
        device = started.device() == null ? device : started.device();
        if (state.get() == RunState.STARTING) {
          state.set(RunState.RUNNING);
          status.say(
              "Running "
                  + started.config().name()
                  + " on "
                  + device
                  + (started.deviceNote() == null ? "" : " — " + started.deviceNote())
                  + " ("
                  + started.precision()
                  + "): waiting for the first step…");
        }
      } else if (e instanceof RunEvent.Step s) {
        step.set(s.step());
        phase = s.phase();
        smoothedMillis =
            Double.isNaN(smoothedMillis) ? s.millis() : 0.9 * smoothedMillis + 0.1 * s.millis();
      } else if (e instanceof RunEvent.CheckpointSaved saved) {
        checkpoint = Path.of(saved.file());
      } else if (e instanceof RunEvent.Finished f) {
        finished = f;
      }
    }
    if (!batch.isEmpty() && state.get() != RunState.IDLE) {
      status.progress((double) step.get() / totalSteps);
    }
    if (finished != null && state.get().active()) {
      state.set(finished.reason() == RunOutcome.FAILED ? RunState.FAILED : RunState.FINISHED);
      status.say(
          "Run "
              + finished.reason()
              + ": "
              + finished.message()
              + (runLog() == null ? "" : " · run log " + runLog()));
    } else if (state.get() == RunState.RUNNING && step.get() > 0) {
      double eta = smoothedMillis * (totalSteps - step.get()) / 1000;
      status.say(
          String.format(
              Locale.ROOT,
              "Step %d/%d · %s · %.0f ms/step · ETA %s · %s",
              step.get(),
              totalSteps,
              "pretrain".equals(phase) ? "pretraining (unrolled)" : phase,
              smoothedMillis,
              formatSeconds(eta),
              device));
    }
    if (!batch.isEmpty()) {
      sink.show(batch);
    }
    LiveSolve.Trace trace = liveSolve.take(); // after the finished steps: the newer solve
    if (trace != null) {
      sink.showLiveSolve(trace.absolute(), trace.relative());
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

  /** Closes the last run (engine thread). */
  private void closeRun() {
    ExperimentRun previous = run;
    run = null;
    if (previous != null) {
      previous.close();
    }
  }

  /**
   * Asks a running experiment to stop and closes the last run on the engine thread once it has;
   * returns without waiting.
   */
  @Override
  public void close() {
    ExperimentRun running = active;
    if (running != null) {
      running.control().requestStop();
    }
    engine.execute(this::closeRun);
  }
}
