package org.deqlab.app.ui;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.deqlab.core.engine.Autograd;

/**
 * The one thread on which all engine work of the window runs (experiment creation, training,
 * sweeps, probes). One thread because PyTorch's gradient mode is thread-local and DJL allows one
 * gradient collector per process; the JavaFX thread never waits on it.
 */
final class EngineWorker implements AutoCloseable {
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(() -> {
              Autograd.setRecording(false);
              runnable.run();
            }, "deq-engine");
            thread.setDaemon(true);
            return thread;
          });

  <T> CompletableFuture<T> submit(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, executor);
  }

  CompletableFuture<Void> run(Runnable work) {
    return CompletableFuture.runAsync(work, executor);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
