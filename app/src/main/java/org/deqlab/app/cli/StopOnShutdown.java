package org.deqlab.app.cli;

import org.deqlab.core.train.RunControl;

/**
 * While open, Ctrl-C (or SIGTERM) asks a run to stop after its current step instead of killing it
 * mid-step, so the run log and the last checkpoint stay whole; the JVM waits for the run to wrap up
 * for at most {@code graceMillis}.
 */
final class StopOnShutdown implements AutoCloseable {
  private final Thread hook;

  StopOnShutdown(RunControl control, long graceMillis) {
    Thread main = Thread.currentThread();
    hook =
        new Thread(
            () -> {
              control.requestStop();
              try {
                main.join(graceMillis);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "deq-stop-on-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is already running
    }
  }
}
