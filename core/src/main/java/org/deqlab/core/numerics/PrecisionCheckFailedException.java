package org.deqlab.core.numerics;

/**
 * A float32 run refused because its cell's gradients disagree with float64 on this machine. An
 * {@link IllegalArgumentException}, since what fixes it is a change to the config (which the
 * message names): front-ends report it as bad input, in one line.
 */
public final class PrecisionCheckFailedException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public PrecisionCheckFailedException(String message) {
    super(message);
  }
}
