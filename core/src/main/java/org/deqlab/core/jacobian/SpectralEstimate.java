package org.deqlab.core.jacobian;

import java.util.ArrayList;
import java.util.List;

/**
 * An estimate of the spectral radius ρ(J_f(z*)) of the cell's Jacobian at a point, per sample of
 * the batch and aggregated. The radius decides how a DEQ's solves behave: plain fixed-point
 * iteration — forward, and the adjoint iteration {@code u ← w + u·J} of the implicit backward,
 * whose iteration matrix Jᵀ has the same spectrum — converges locally iff ρ < 1, at the rate ρ.
 *
 * <p>Immutable: the arrays and lists are copied in and out.
 *
 * @param method how the estimate was made
 * @param radius the aggregate: the largest per-sample radius (NaN if any sample's is NaN, or when
 *     {@link #notComputed not computed})
 * @param perSampleRadius the radius of each sample's Jacobian, in batch order
 * @param perSampleRitzValues for {@link Method#ARNOLDI}, each sample's Ritz values sorted by
 *     decreasing modulus; for {@link Method#POWER_ITERATION}, empty
 * @param worstSample the index of the sample with the largest radius (−1 when there is none)
 * @param products batched vector–Jacobian products spent (each gives one product per sample)
 */
public record SpectralEstimate(
    Method method,
    double radius,
    double[] perSampleRadius,
    List<List<RitzValue>> perSampleRitzValues,
    int worstSample,
    int products) {

  /** The estimators. */
  public enum Method {
    /** Norm growth of repeated products: ρ only, converging at the rate |λ₂/λ₁|. */
    POWER_ITERATION,
    /** Ritz values of a k-step Arnoldi (Krylov) factorization: ρ and the outer spectrum. */
    ARNOLDI
  }

  public SpectralEstimate {
    if (method == null) {
      throw new IllegalArgumentException("method is required");
    }
    if (perSampleRadius == null || perSampleRitzValues == null) {
      throw new IllegalArgumentException("perSampleRadius and perSampleRitzValues are required");
    }
    if (products < 0) {
      throw new IllegalArgumentException("products must be ≥ 0, got " + products);
    }
    if (worstSample < -1 || worstSample >= perSampleRadius.length) {
      throw new IllegalArgumentException(
          "worstSample must be −1 or a sample index below "
              + perSampleRadius.length
              + ", got "
              + worstSample);
    }
    perSampleRadius = perSampleRadius.clone();
    List<List<RitzValue>> copies = new ArrayList<>(perSampleRitzValues.size());
    for (List<RitzValue> values : perSampleRitzValues) {
      copies.add(List.copyOf(values));
    }
    perSampleRitzValues = List.copyOf(copies);
  }

  /**
   * An estimate from per-sample results: the aggregate radius is their maximum and the worst sample
   * its index; any NaN makes the aggregate NaN (a failed sample is not hidden).
   */
  static SpectralEstimate fromSamples(
      Method method,
      double[] perSampleRadius,
      List<List<RitzValue>> perSampleRitzValues,
      int products) {
    double radius = perSampleRadius.length == 0 ? Double.NaN : Double.NEGATIVE_INFINITY;
    int worst = -1;
    for (int s = 0; s < perSampleRadius.length; s++) {
      double value = perSampleRadius[s];
      if (Double.isNaN(value)) {
        radius = Double.NaN;
        worst = s;
        break;
      }
      if (value > radius) {
        radius = value;
        worst = s;
      }
    }
    return new SpectralEstimate(
        method, radius, perSampleRadius, perSampleRitzValues, worst, products);
  }

  /** A placeholder for an estimate that was switched off: NaN radius, no samples, no products. */
  public static SpectralEstimate notComputed(Method method) {
    return new SpectralEstimate(method, Double.NaN, new double[0], List.of(), -1, 0);
  }

  /** Whether the estimate was made (it may still be NaN if the Jacobian was not finite). */
  public boolean computed() {
    return products > 0;
  }

  @Override
  public double[] perSampleRadius() {
    return perSampleRadius.clone();
  }

  /** The worst sample's Ritz values (empty for power iteration or when not computed). */
  public List<RitzValue> ritzValues() {
    return worstSample < 0 || perSampleRitzValues.isEmpty()
        ? List.of()
        : perSampleRitzValues.get(worstSample);
  }

  /** Number of samples in the batch the estimate describes. */
  public int samples() {
    return perSampleRadius.length;
  }
}
