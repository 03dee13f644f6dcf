package org.deqlab.app.ui;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A view-model whose work runs on the engine thread and whose results reach the UI thread and the
 * status line: what the Memory tab and the PyTorch cell tab share.
 */
abstract class EngineJobModel {
  /** Runs engine work, one job at a time, off the UI thread. */
  protected final Executor engine;

  /** Runs on the UI thread: where results and progress are shown. */
  protected final Executor ui;

  protected final StatusModel status;

  EngineJobModel(Executor engine, Executor ui, StatusModel status) {
    this.engine = engine;
    this.ui = ui;
    this.status = status;
  }

  /**
   * {@code work}, which ends the status line's job when it completes: with {@code success}, or with
   * {@code failure}'s words for what went wrong.
   */
  protected <T> CompletableFuture<T> endingJob(
      CompletableFuture<T> work, Supplier<String> success, Function<Throwable, String> failure) {
    return work.whenComplete(
        (result, error) ->
            ui.execute(() -> status.endJob(error == null ? success.get() : failure.apply(error))));
  }
}
