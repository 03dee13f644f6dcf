package org.deqlab.core.solver;

import org.deqlab.core.text.Labelled;

/**
 * Why a solve ended. A solve never throws for numerical trouble: it ends with one of these, and
 * each carries a hint a user can act on.
 */
public enum StopReason implements Labelled {
  CONVERGED("converged", "every sample met the tolerance"),
  MAX_ITERATIONS(
      "max_iterations",
      "the threshold was reached first: raise f_thres, loosen the tolerance, or switch to"
          + " Broyden/Anderson"),
  DIVERGED(
      "diverged",
      "the residual became NaN/Inf or blew up: the map is not contractive here; try Broyden,"
          + " damping, Jacobian regularization or a lower learning rate"),
  CANCELLED("cancelled", "the solve was interrupted by the user");

  private final String label;
  private final String hint;

  StopReason(String label, String hint) {
    this.label = label;
    this.hint = hint;
  }

  /** The name shown in tables and written to JSON, e.g. {@code diverged}. */
  @Override
  public String label() {
    return label;
  }

  /** What the user might try next. */
  public String hint() {
    return hint;
  }

  @Override
  public String toString() {
    return label;
  }
}
