package org.deqlab.app.ui;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.deqlab.core.solver.IterationListener;

/**
 * The solve in progress, as the engine thread reports it iteration by iteration, for the residual
 * plot's live trace. The engine thread writes, the JavaFX thread takes the latest snapshot at its
 * next refresh, so a slow solve (a large model, a tight tolerance) is seen converging while it runs
 * instead of only when its training step ends. Forward and backward solves feed the same trace: it
 * follows whichever runs.
 */
final class LiveSolve implements IterationListener {
  /** A snapshot of the trace so far: residuals of iterations 0…n−1. */
  record Trace(double[] absolute, double[] relative) {}

  private final AtomicReference<Trace> latest = new AtomicReference<>();
  private double[] absolute = new double[32];
  private double[] relative = new double[32];
  private int length;

  /** Called on the engine thread; iteration 0 starts a new solve. */
  @Override
  public void onIteration(int iteration, double absoluteResidual, double relativeResidual) {
    if (iteration == 0) {
      length = 0;
    }
    if (length == absolute.length) {
      absolute = Arrays.copyOf(absolute, 2 * length);
      relative = Arrays.copyOf(relative, 2 * length);
    }
    absolute[length] = absoluteResidual;
    relative[length] = relativeResidual;
    length++;
    latest.set(new Trace(Arrays.copyOf(absolute, length), Arrays.copyOf(relative, length)));
  }

  /** The newest snapshot not taken yet, or null when nothing changed since the last call. */
  Trace take() {
    return latest.getAndSet(null);
  }
}
