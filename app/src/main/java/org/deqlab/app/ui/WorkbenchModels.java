package org.deqlab.app.ui;

import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Platform;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.run.ExperimentRun;

/**
 * The window's view-models wired to the real threads: one engine thread for all engine work, the
 * JavaFX thread for the UI, and a ticker that drains the run's events into the plots at most ten
 * times a second. The window binds to these; tests build the view-models with other executors.
 */
final class WorkbenchModels implements AutoCloseable {
  private static final long DRAIN_INTERVAL_MILLIS = 100;

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

  WorkbenchModels(ExperimentConfig initial, Path runsRoot) {
    editor = new ExperimentEditor(initial);
    run = new RunViewModel(engine, Platform::runLater, ExperimentRun::create, runsRoot, status);
    memory = new MemoryViewModel(engine, Platform::runLater, status);
    drainTicker.scheduleWithFixedDelay(
        this::scheduleDrain, DRAIN_INTERVAL_MILLIS, DRAIN_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
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
    run.close();
    engine.close();
  }

  /** Waits until the engine thread has finished its work after {@link #close}. */
  boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
    return engine.awaitTermination(timeout, unit);
  }
}
