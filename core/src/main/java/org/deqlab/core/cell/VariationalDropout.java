package org.deqlab.core.cell;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Variational ("locked") dropout for weight-tied cells: one Bernoulli mask per forward pass, shared
 * by every position of a sequence, every solver iteration and the backward pass. A fresh mask per
 * call of f would move the fixed point under the solver's feet; with one mask per pass, f is a
 * single fixed map while it is solved and differentiated.
 *
 * <p>A cell owns one of these per place it drops units and draws its mask in {@link
 * Cell#startPass}; the mask lives until the next draw. Not thread-safe: like the cell, it is used
 * from the engine thread only.
 */
public final class VariationalDropout {
  private final double rate;
  private NDArray mask;

  /**
   * @param rate the probability of dropping a unit, in [0, 1); kept units are scaled by 1/(1 −
   *     rate) so that evaluation (no dropout) sees the same expected activation
   */
  public VariationalDropout(double rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
    }
    this.rate = rate;
  }

  public double rate() {
    return rate;
  }

  /**
   * Starts a pass: in training (and with a non-zero rate) draws a new mask of {@code maskShape} on
   * {@code like}'s device and dtype; otherwise forgets the mask. The previous mask is released
   * either way.
   */
  public void resample(NDArray like, Shape maskShape, boolean training) {
    release();
    if (!training || rate == 0) {
      return;
    }
    try (NDArray uniform =
            like.getManager()
                .randomUniform(0f, 1f, maskShape, like.getDataType(), like.getDevice());
        NDArray kept = uniform.gte(rate)) {
      mask = kept.toType(like.getDataType(), false).div(1 - rate);
    }
  }

  /**
   * Multiplies {@code x} by the pass's mask (broadcast over the axes where the mask has size 1) in
   * training; returns {@code x} itself in evaluation or when the rate is zero.
   *
   * @throws IllegalStateException in training when no mask was drawn for this pass, or it was drawn
   *     for another batch size
   */
  public NDArray apply(NDArray x, boolean training) {
    if (!training || rate == 0) {
      return x;
    }
    if (mask == null || mask.isReleased()) {
      throw new IllegalStateException(
          "variational dropout has no mask for this pass: call cell.startPass(x, true) once per"
              + " forward pass before applying the cell in training mode (DeqLayer and"
              + " UnrolledLayer do this), or use a dropout rate of 0");
    }
    if (mask.getShape().get(0) != x.getShape().get(0)) {
      throw new IllegalStateException(
          "variational dropout mask was drawn for a batch of "
              + mask.getShape().get(0)
              + " but the cell is applied to a batch of "
              + x.getShape().get(0)
              + ": call cell.startPass(x, true) with this pass's input first");
    }
    return x.mul(mask);
  }

  /** Whether a mask is drawn and alive (training pass with a non-zero rate). */
  public boolean hasMask() {
    return mask != null && !mask.isReleased();
  }

  private void release() {
    if (mask != null && !mask.isReleased()) {
      // The graph of a finished pass keeps its own reference to the mask's storage.
      mask.close();
    }
    mask = null;
  }
}
