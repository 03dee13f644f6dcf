package org.deqlab.core.jacobian;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Batched per-sample vector operations: a state of shape (B, …) is viewed as B vectors of {@code d
 * = size / B} elements, and each estimator works on all of them at once (one vector–Jacobian
 * product of the batch gives every sample's product, samples being independent).
 */
final class PerSample {
  /** Norms below this are treated as zero when normalizing (avoids 0/0 on a vanishing vector). */
  static final double TINY = 1e-300;

  private PerSample() {}

  static int batch(NDArray state) {
    if (state.getShape().dimension() < 2) {
      throw new IllegalArgumentException(
          "the state must have a batch axis and at least one feature axis, got shape "
              + state.getShape());
    }
    return Math.toIntExact(state.getShape().get(0));
  }

  /** d, the number of elements of one sample. */
  static long elements(NDArray state) {
    return state.size() / state.getShape().get(0);
  }

  /** The (B, d) view of a (B, …) array. */
  static NDArray flat(NDArray state) {
    return state.reshape(state.getShape().get(0), -1);
  }

  /** Euclidean norms of the rows of a (B, d) array, shape (B). */
  static NDArray norms(NDArray flat) {
    return flat.norm(new int[] {1});
  }

  /** Each row divided by its norm (rows of norm 0 stay 0); shape (B, d). */
  static NDArray normalizeRows(NDArray flat, NDArray rowNorms) {
    return flat.div(floor(rowNorms).expandDims(1));
  }

  /** {@code max(values, tiny)} in the dtype's range (TINY underflows to 0 in float32). */
  static NDArray floor(NDArray values) {
    double tiny = values.getDataType() == DataType.FLOAT64 ? TINY : 1e-30;
    return values.maximum(tiny);
  }

  /** The values of a small array on the host, in double precision. */
  static double[] host(NDArray array) {
    try (NDArray converted = array.toType(DataType.FLOAT64, true)) {
      return converted.toDoubleArray();
    }
  }
}
