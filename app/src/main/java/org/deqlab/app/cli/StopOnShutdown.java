package org.deqlab.app.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.deqlab.core.train.RunControl;

/**
 * While open, Ctrl-C (SIGINT) or SIGTERM asks a run to stop after its current step instead of
 * killing it mid-step, so the run log and the last checkpoint stay whole. The JVM's shutdown hook
 * waits until the command has wrapped up — this object is closed after the run is closed, its log
 * and checkpoint written — for at most {@code graceMillis}; then the process ends with the signal's
 * exit code (130 for SIGINT, 143 for SIGTERM), which says the run was interrupted.
 *
 * <p>The hook waits for {@link #close()}, not for the main thread to end: the main thread ends
 * inside {@code System.exit}, which itself waits for the hooks (the old hook hung until its grace
 * ran out).
 */
final class StopOnShutdown implements AutoCloseable {
  private final CountDownLatch wrappedUp = new CountDownLatch(1);
  private final Thread hook;
  private volatile RunControl control;
  private volatile boolean shuttingDown;

  StopOnShutdown(long graceMillis) {
    hook =
        new Thread(
            () -> {
              shuttingDown = true;
              RunControl watched = control;
              if (watched != null) {
                watched.requestStop();
              }
              try {
                wrappedUp.await(graceMillis, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "deq-stop-on-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** The run a shutdown should stop (a shutdown that began already stops it at once). */
  void watch(RunControl runControl) {
    control = runControl;
    if (shuttingDown) {
      runControl.requestStop();
    }
  }

  /** Whether the process is shutting down on a signal. */
  boolean shuttingDown() {
    return shuttingDown;
  }

  /** The command has wrapped up: a shutdown in progress may end the process now. */
  @Override
  public void close() {
    System.out.flush();
    System.err.flush();
    wrappedUp.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDownAlready) {
      // the hook is running, and now returns
    }
  }
}
