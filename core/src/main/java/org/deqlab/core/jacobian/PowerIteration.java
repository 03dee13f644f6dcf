package org.deqlab.core.jacobian;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.deqlab.core.engine.Autograd;

/**
 * Spectral radius by power iteration with vector–Jacobian products, per sample. From a random unit
 * vector v₀, {@code vₖ₊₁ = vₖJ / ‖vₖJ‖} (an iteration with Jᵀ, which has J's eigenvalues); the
 * growth factors {@code gₖ = ‖vₖJ‖} tend to ρ(J) when one eigenvalue (or a conjugate pair)
 * dominates in modulus. The estimate is the geometric mean of the growth factors over the second
 * half of the products, {@code ρ ≈ (‖v₀J^n‖ / ‖v₀J^m‖)^(1/(n−m))} with m = ⌊n/2⌋: the first half
 * lets the dominant direction take over, and averaging (Gelfand's formula on a window) smooths the
 * oscillation a dominant complex pair causes. The error decays like |λ₂/λ₁|^m; a ratio near 1 (a
 * crowded outer spectrum) needs Arnoldi instead.
 */
public final class PowerIteration {
  private PowerIteration() {}

  /**
   * Estimates ρ(J_f) at the linearization point, for every sample of the batch.
   *
   * @param linearization the cell linearized at z (its image fixes shape, dtype and device)
   * @param products the number of batched vector–Jacobian products, ≥ 1
   */
  public static SpectralEstimate estimate(Linearization linearization, int products) {
    if (products < 1) {
      throw new IllegalArgumentException("products must be ≥ 1, got " + products);
    }
    NDArray like = linearization.image();
    Shape shape = like.getShape();
    int batch = PerSample.batch(like);
    int burnIn = products / 2;
    double[] logGrowth =
        Autograd.noGrad(
            () -> {
              try (NDScope scope = new NDScope()) {
                NDArray start = PerSample.flat(ProbeDistribution.GAUSSIAN.draw(like));
                NDArray v = PerSample.normalizeRows(start, PerSample.norms(start));
                NDArray logSum = null;
                for (int k = 0; k < products; k++) {
                  try (NDScope step = new NDScope()) {
                    NDArray image = PerSample.flat(linearization.vjp(v.reshape(shape)));
                    NDArray growth = PerSample.norms(image);
                    NDArray next = PerSample.normalizeRows(image, growth);
                    NDScope.unregister(next);
                    v.close();
                    v = next;
                    if (k >= burnIn) {
                      NDArray logs = PerSample.floor(growth).log();
                      NDArray sum = logSum == null ? logs : logSum.add(logs);
                      NDScope.unregister(sum);
                      if (logSum != null) {
                        logSum.close();
                      }
                      logSum = sum;
                    }
                  }
                }
                double[] sums = PerSample.host(logSum);
                v.close();
                logSum.close();
                return sums;
              }
            });
    double[] radius = new double[batch];
    for (int s = 0; s < batch; s++) {
      radius[s] = Math.exp(logGrowth[s] / (products - burnIn));
    }
    List<List<RitzValue>> none = List.of();
    return SpectralEstimate.fromSamples(
        SpectralEstimate.Method.POWER_ITERATION, radius, none, products);
  }
}
