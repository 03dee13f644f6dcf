package org.deqlab.app.ui;

import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Platform;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.playground.PlaneMapKind;
import org.deqlab.core.playground.Playground;
import org.deqlab.core.playground.PlaygroundScene;
import org.deqlab.core.playground.PlaygroundSetup;
import org.deqlab.core.run.ExperimentRun;

/**
 * The window's view-models wired to the real threads: one engine thread for all engine work, the
 * JavaFX thread for the UI, a ticker that drains the run's events into the plots at most ten times
 * a second, and a playground thread that computes the 2-D playground's scenes (a few milliseconds
 * each, so a slider never waits for a training step). The window binds to these; tests build the
 * view-models with other executors.
 */
final class WorkbenchModels implements AutoCloseable {
  private static final long DRAIN_INTERVAL_MILLIS = 100;
  private static final int WARM_UP_SCENES = 16;

  private final EngineWorker engine = new EngineWorker();
  private final ScheduledExecutorService drainTicker =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "deq-ui-drain");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  final StatusModel status = new StatusModel();
  final ExperimentEditor editor;
  final RunViewModel run;
  final MemoryViewModel memory;
  final PlaygroundViewModel playground;
  final PyTorchCellViewModel pytorchCell;

  /** The playground's own thread: scenes are small and must not queue behind training steps. */
  private final EngineWorker playgroundThread = new EngineWorker("deq-playground");

  /** Created on the playground thread at its first scene (starting the engine takes a moment). */
  private Playground playgroundEngine;

  WorkbenchModels(ExperimentConfig initial, Path runsRoot) {
    editor = new ExperimentEditor(initial);
    run = new RunViewModel(engine, Platform::runLater, ExperimentRun::create, runsRoot, status);
    memory = new MemoryViewModel(engine, Platform::runLater, status);
    pytorchCell = new PyTorchCellViewModel(engine, Platform::runLater, status);
    playground =
        new PlaygroundViewModel(
            this::solvePlayground,
            playgroundThread,
            Platform::runLater,
            PlaygroundSetup.defaults());
    drainTicker.scheduleWithFixedDelay(
        this::scheduleDrain, DRAIN_INTERVAL_MILLIS, DRAIN_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Playground thread only. */
  private PlaygroundScene solvePlayground(PlaygroundSetup setup) {
    if (playgroundEngine == null) {
      playgroundEngine = Playground.onCpu(DataType.FLOAT64);
      // A cold JVM takes 80–300 ms over its first scenes, a warm one a few: warm up before the
      // first scene (a fraction of a second while the engine starts anyway), so that the first
      // slider moves are drawn as quickly as the later ones.
      for (int i = 0; i < WARM_UP_SCENES; i++) {
        playgroundEngine.solve(
            setup
                .withMap(i % 2 == 0 ? PlaneMapKind.TANH : PlaneMapKind.LINEAR)
                .withScale(0.5 + 0.05 * i)
                .withStart(-1 + 0.1 * i, 1));
      }
    }
    return playgroundEngine.solve(setup);
  }

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      Platform.runLater(
          () -> {
            drainScheduled.set(false);
            run.drain();
          });
    }
  }

  /** Stops a running experiment and lets the engine thread end after its work; does not wait. */
  @Override
  public void close() {
    drainTicker.shutdownNow();
    playgroundThread.execute(
        () -> {
          if (playgroundEngine != null) {
            playgroundEngine.close();
            playgroundEngine = null;
          }
        });
    playgroundThread.close();
    run.close();
    engine.close();
  }

  /** Waits until the engine thread has finished its work after {@link #close}. */
  boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
    return engine.awaitTermination(timeout, unit);
  }
}
