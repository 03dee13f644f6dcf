package org.deqlab.core.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.deqlab.core.jacobian.Linearization;
import org.deqlab.core.jacobian.RitzValue;

/**
 * Exact per-sample Jacobians on the host, to check the stochastic and Krylov estimators against:
 * built column by column from vector–Jacobian products with unit vectors, or in closed form for an
 * MLP cell {@code f(z) = tanh(z Wᵀ + x̃)}, whose Jacobian is {@code diag(1 − tanh²(pre)) W}.
 */
public final class ExactJacobian {
  private ExactJacobian() {}

  /**
   * J_s for every sample s of a (B, d) state, from d batched products {@code e_iᵀ J} (row i of
   * every sample's Jacobian at once). Returns {@code [s][i][k] = ∂f_i/∂z_k}.
   */
  public static double[][][] byProducts(Linearization linearization, NDManager manager) {
    Shape shape = linearization.image().getShape();
    int batch = Math.toIntExact(shape.get(0));
    int d = Math.toIntExact(shape.get(1));
    double[][][] jacobians = new double[batch][d][d];
    for (int i = 0; i < d; i++) {
      double[] unit = new double[batch * d];
      for (int s = 0; s < batch; s++) {
        unit[s * d + i] = 1;
      }
      try (NDArray u = manager.create(unit, shape);
          NDArray row = linearization.vjp(u)) {
        double[] values = row.toDoubleArray();
        for (int s = 0; s < batch; s++) {
          System.arraycopy(values, s * d, jacobians[s][i], 0, d);
        }
      }
    }
    return jacobians;
  }

  /** J_s = diag(1 − tanh²(W z_s + x̃_s)) W for each sample. */
  public static double[][][] tanhMlp(double[][] w, double[][] z, double[][] injection) {
    int batch = z.length;
    int d = w.length;
    double[][][] jacobians = new double[batch][d][d];
    for (int s = 0; s < batch; s++) {
      for (int i = 0; i < d; i++) {
        double pre = injection[s][i];
        for (int k = 0; k < d; k++) {
          pre += w[i][k] * z[s][k];
        }
        double slope = 1 - Math.tanh(pre) * Math.tanh(pre);
        for (int k = 0; k < d; k++) {
          jacobians[s][i][k] = slope * w[i][k];
        }
      }
    }
    return jacobians;
  }

  /** ‖J‖²_F / d. */
  public static double frobeniusSquaredPerDimension(double[][] jacobian) {
    double sum = 0;
    for (double[] row : jacobian) {
      for (double value : row) {
        sum += value * value;
      }
    }
    return sum / jacobian.length;
  }

  /** Rows of a (B, d) array of any floating dtype on the host, in double precision. */
  public static double[][] rows(NDArray array) {
    int batch = Math.toIntExact(array.getShape().get(0));
    int d = Math.toIntExact(array.getShape().get(1));
    double[] flat;
    try (NDArray converted = array.toType(DataType.FLOAT64, true)) {
      flat = converted.toDoubleArray();
    }
    double[][] rows = new double[batch][d];
    for (int s = 0; s < batch; s++) {
      System.arraycopy(flat, s * d, rows[s], 0, d);
    }
    return rows;
  }

  /**
   * The largest distance between an expected eigenvalue and the actual one paired with it, pairing
   * greedily by nearest (each actual value used once); infinite if the counts differ.
   */
  public static double spectrumDistance(List<RitzValue> expected, List<RitzValue> actual) {
    if (expected.size() != actual.size()) {
      return Double.POSITIVE_INFINITY;
    }
    List<RitzValue> unused = new ArrayList<>(actual);
    double worst = 0;
    for (RitzValue e : expected) {
      int best = -1;
      double bestDistance = Double.POSITIVE_INFINITY;
      for (int i = 0; i < unused.size(); i++) {
        double distance = Math.hypot(e.re() - unused.get(i).re(), e.im() - unused.get(i).im());
        if (distance < bestDistance) {
          bestDistance = distance;
          best = i;
        }
      }
      if (best < 0) {
        return Double.POSITIVE_INFINITY; // NaN values pair with nothing
      }
      unused.remove(best);
      worst = Math.max(worst, bestDistance);
    }
    return worst;
  }
}
