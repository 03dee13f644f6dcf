package org.deqlab.core.testing;

import ai.djl.ndarray.NDArray;
import java.util.function.DoubleSupplier;

/** Finite-difference derivatives for gradient tests, on float64 arrays changed in place. */
public final class CentralDifference {
  private CentralDifference() {}

  /**
   * {@code ∂loss/∂array[i] ≈ (loss(a + h eᵢ) − loss(a − h eᵢ)) / 2h}; the array holds its original
   * values again afterwards.
   */
  public static double partial(NDArray array, int i, double h, DoubleSupplier loss) {
    double[] values = array.toDoubleArray();
    double original = values[i];
    values[i] = original + h;
    array.set(values);
    double plus = loss.getAsDouble();
    values[i] = original - h;
    array.set(values);
    double minus = loss.getAsDouble();
    values[i] = original;
    array.set(values);
    return (plus - minus) / (2 * h);
  }
}
