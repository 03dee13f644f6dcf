package org.deqlab.core.numerics;

import ai.djl.ndarray.types.Shape;
import java.util.function.Supplier;
import org.deqlab.core.cell.Cell;

/**
 * A cell to check, as the check needs it: a label for reports, a way to build fresh uninitialized
 * copies (the float32 cell and its float64 twin), and the input to run it on.
 *
 * @param label what the report calls it, e.g. {@code trellisnet H=48 k=2 (copy-memory preset)}
 * @param factory builds a new, uninitialized cell without dropout (dropout masks are random and
 *     elementwise: they would make the twins differ and do not change which kernels run)
 * @param inputShape the shape of x, batch first (use a batch above 1: PyTorch picks some kernels
 *     only for batches)
 * @param inputScale the standard deviation of x's entries
 * @param reference builds the float64 twin: the same cell, or the same computed another way
 *     (convolutional cells on the unfolded path, so the reference does not run the kernel under
 *     test)
 * @param convolutional whether the cell is made of convolutions (a failure confined to such cells
 *     points at the engine's convolution kernels)
 * @param toleranceFactor multiplies the check's tolerances for this cell (1 for most): a cell whose
 *     float32 gradients are ill-conditioned by construction says by how much
 */
public record CheckedCell(
    String label,
    Supplier<Cell> factory,
    Shape inputShape,
    double inputScale,
    Supplier<Cell> reference,
    boolean convolutional,
    double toleranceFactor) {

  /** A non-convolutional cell whose float64 twin is built by the same factory. */
  public CheckedCell(String label, Supplier<Cell> factory, Shape inputShape, double inputScale) {
    this(label, factory, inputShape, inputScale, factory, false, 1);
  }

  /** A cell checked at the usual tolerances. */
  public CheckedCell(
      String label,
      Supplier<Cell> factory,
      Shape inputShape,
      double inputScale,
      Supplier<Cell> reference,
      boolean convolutional) {
    this(label, factory, inputShape, inputScale, reference, convolutional, 1);
  }

  public CheckedCell {
    if (label == null
        || label.isBlank()
        || factory == null
        || inputShape == null
        || reference == null) {
      throw new IllegalArgumentException("a checked cell needs a label, factories and a shape");
    }
    if (!(inputScale > 0)) {
      throw new IllegalArgumentException("inputScale must be > 0, got " + inputScale);
    }
    if (!(toleranceFactor >= 1) || Double.isInfinite(toleranceFactor)) {
      throw new IllegalArgumentException(
          "toleranceFactor must be a finite number ≥ 1, got " + toleranceFactor);
    }
  }
}
