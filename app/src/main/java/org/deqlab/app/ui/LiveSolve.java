package org.deqlab.app.ui;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.deqlab.core.events.RunEvent;

/**
 * The solve in progress, gathered from a run's {@link RunEvent.SolverProgress} events on the engine
 * thread, for the residual plot's live trace: the JavaFX thread takes the latest snapshot at its
 * next refresh, so a slow solve is seen converging while it runs. Forward and backward solves feed
 * the same trace: it follows whichever runs.
 */
final class LiveSolve {
  /** A snapshot of the trace so far: residuals of iterations 0…n−1. */
  record Trace(double[] absolute, double[] relative) {}

  private final AtomicReference<Trace> latest = new AtomicReference<>();
  private double[] absolute = new double[32];
  private double[] relative = new double[32];
  private int length;

  /** Called on the engine thread; iteration 0 starts a new solve. */
  void accept(RunEvent.SolverProgress progress) {
    if (progress.iteration() == 0) {
      length = 0;
    }
    if (length == absolute.length) {
      absolute = Arrays.copyOf(absolute, 2 * length);
      relative = Arrays.copyOf(relative, 2 * length);
    }
    absolute[length] = progress.absoluteResidual();
    relative[length] = progress.relativeResidual();
    length++;
    latest.set(new Trace(Arrays.copyOf(absolute, length), Arrays.copyOf(relative, length)));
  }

  /** The newest snapshot not taken yet, or null when nothing changed since the last call. */
  Trace take() {
    return latest.getAndSet(null);
  }
}
