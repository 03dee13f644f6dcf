package org.deqlab.core.jacobian;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import org.deqlab.core.engine.Autograd;

/**
 * Hutchinson's estimator of {@code ‖J_f(z)‖²_F / d} from vector–Jacobian products: for probes ε
 * with {@code E[εᵀε] = I} (ε a row vector), {@code E‖εJ‖² = E[εJJᵀεᵀ] = tr(JJᵀ) = ‖J‖²_F}. Each
 * probe is one batched product, giving one independent draw per sample; the estimate averages P
 * draws and reports the standard error from their spread, which shrinks like 1/√P.
 */
public final class Hutchinson {
  private Hutchinson() {}

  /**
   * Estimates {@code ‖J_s‖²_F / d} for every sample s at the linearization point.
   *
   * @param linearization the cell linearized at z (its image fixes shape, dtype and device)
   * @param probes P, the number of probes (batched products), ≥ 1; the standard errors need ≥ 2
   * @param distribution the probes' distribution
   */
  public static HutchinsonEstimate estimate(
      Linearization linearization, int probes, ProbeDistribution distribution) {
    if (probes < 1) {
      throw new IllegalArgumentException("probes must be ≥ 1, got " + probes);
    }
    if (distribution == null) {
      throw new IllegalArgumentException("distribution is required");
    }
    NDArray like = linearization.image();
    int batch = PerSample.batch(like);
    double elements = PerSample.elements(like);
    // draws[p * batch + s] = ‖ε_p J_s‖², one row per probe, moved to the host once.
    double[] draws =
        Autograd.noGrad(
            () -> {
              try (NDScope scope = new NDScope()) {
                List<NDArray> squaredNorms = new ArrayList<>(probes);
                for (int p = 0; p < probes; p++) {
                  try (NDScope step = new NDScope()) {
                    NDArray image = PerSample.flat(linearization.vjp(distribution.draw(like)));
                    NDArray squared = image.square().sum(new int[] {1});
                    NDScope.unregister(squared);
                    squaredNorms.add(squared);
                  }
                }
                try {
                  return PerSample.host(NDArrays.stack(new NDList(squaredNorms)));
                } finally {
                  squaredNorms.forEach(NDArray::close);
                }
              }
            });

    double[] perSample = new double[batch];
    double[] perSampleError = new double[batch];
    for (int s = 0; s < batch; s++) {
      double[] values = new double[probes];
      for (int p = 0; p < probes; p++) {
        values[p] = draws[p * batch + s] / elements;
      }
      perSample[s] = mean(values);
      perSampleError[s] = standardError(values, perSample[s]);
    }
    double[] batchMeans = new double[probes];
    for (int p = 0; p < probes; p++) {
      double sum = 0;
      for (int s = 0; s < batch; s++) {
        sum += draws[p * batch + s];
      }
      batchMeans[p] = sum / (batch * elements);
    }
    double value = mean(batchMeans);
    return new HutchinsonEstimate(
        value, standardError(batchMeans, value), perSample, perSampleError, probes, distribution);
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double value : values) {
      sum += value;
    }
    return sum / values.length;
  }

  /** Sample standard deviation / √n; NaN for a single value. */
  private static double standardError(double[] values, double mean) {
    int n = values.length;
    if (n < 2) {
      return Double.NaN;
    }
    double squares = 0;
    for (double value : values) {
      squares += (value - mean) * (value - mean);
    }
    return Math.sqrt(squares / (n - 1) / n);
  }
}
