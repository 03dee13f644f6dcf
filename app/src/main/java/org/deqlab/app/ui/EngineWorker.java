package org.deqlab.app.ui;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.deqlab.core.engine.Autograd;

/**
 * A thread on which engine work of the window runs, in order; the JavaFX thread never waits on it.
 * Training, sweeps and memory measurements share one ({@code deq-engine}), because PyTorch's
 * gradient mode is thread-local and a DEQ step records and backpropagates; the playground, whose
 * 2-D scenes use no autograd, has its own so that a scene never queues behind a training step.
 */
final class EngineWorker implements Executor, AutoCloseable {
  private final ExecutorService executor;

  /** The window's training thread, {@code deq-engine}. */
  EngineWorker() {
    this("deq-engine");
  }

  /** A daemon thread of the given name with recording off. */
  EngineWorker(String name) {
    executor =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread =
                  new Thread(
                      () -> {
                        Autograd.setRecording(false);
                        runnable.run();
                      },
                      name);
              thread.setDaemon(true);
              return thread;
            });
  }

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
