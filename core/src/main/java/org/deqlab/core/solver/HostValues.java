package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Small device-to-host helpers shared by the update rules. */
final class HostValues {
  private HostValues() {}

  /** The array's values as doubles, with one transfer (no device-side cast for float32/64). */
  static double[] of(NDArray array) {
    DataType type = array.getDataType();
    if (type == DataType.FLOAT64) {
      return array.toDoubleArray();
    }
    float[] floats =
        type == DataType.FLOAT32
            ? array.toFloatArray()
            : array.toType(DataType.FLOAT32, false).toFloatArray();
    double[] values = new double[floats.length];
    for (int i = 0; i < floats.length; i++) {
      values[i] = floats[i];
    }
    return values;
  }

  /** The axes of a state other than the batch axis: the ones a per-sample norm reduces. */
  static int[] sampleAxes(Shape stateShape) {
    int[] axes = new int[stateShape.dimension() - 1];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i + 1;
    }
    return axes;
  }

  /** Per-sample Euclidean norms of a state-shaped array, on the host. */
  static double[] sampleNorms(NDArray state, int[] sampleAxes) {
    return of(state.norm(sampleAxes));
  }
}
