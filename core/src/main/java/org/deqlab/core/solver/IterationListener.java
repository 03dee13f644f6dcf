package org.deqlab.core.solver;

/**
 * Receives every iteration of a solve, so a plot can follow it live. Values are the worst sample's
 * residuals at that iterate. The solver does not know who listens; implementations must be quick
 * (they run on the engine thread) and must not touch the iterates.
 */
@FunctionalInterface
public interface IterationListener {
  /** A listener that ignores everything. */
  IterationListener NONE = (iteration, absoluteResidual, relativeResidual) -> {};

  void onIteration(int iteration, double absoluteResidual, double relativeResidual);
}
