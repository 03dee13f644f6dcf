package org.deqlab.app.ui;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.deqlab.core.engine.Autograd;

/**
 * The one thread on which all engine work of the window runs (runs, sweeps, memory measurements).
 * One thread because PyTorch's gradient mode is thread-local and DJL allows one gradient collector
 * per process; the JavaFX thread never waits on it.
 */
final class EngineWorker implements Executor, AutoCloseable {
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread =
                new Thread(
                    () -> {
                      Autograd.setRecording(false);
                      runnable.run();
                    },
                    "deq-engine");
            thread.setDaemon(true);
            return thread;
          });

  @Override
  public void execute(Runnable work) {
    executor.execute(work);
  }

  /** Lets the queued work finish, then ends the thread; accepts no new work. */
  @Override
  public void close() {
    executor.shutdown();
  }

  boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return executor.awaitTermination(timeout, unit);
  }
}
