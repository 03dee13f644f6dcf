package org.deqlab.core.train;

/**
 * Lets another thread pause, resume and stop a running training loop. The loop checks it between
 * steps, so a request takes effect within one step and never leaves a step half applied.
 */
public final class RunControl {
  private volatile boolean stopRequested;
  private boolean paused;

  public void requestStop() {
    stopRequested = true;
    synchronized (this) {
      paused = false;
      notifyAll();
    }
  }

  public boolean stopRequested() {
    return stopRequested;
  }

  public synchronized void pause() {
    paused = true;
  }

  public synchronized void resume() {
    paused = false;
    notifyAll();
  }

  public synchronized boolean paused() {
    return paused;
  }

  /** Blocks the engine thread while paused; returns at once otherwise. */
  public synchronized void awaitResumed() throws InterruptedException {
    while (paused && !stopRequested) {
      wait();
    }
  }
}
