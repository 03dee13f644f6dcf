package org.deqlab.core.jacobian;

/**
 * Hutchinson's estimate of the normalized squared Frobenius norm {@code ‖J_f(z*)‖²_F / d} (d the
 * number of elements per sample), per sample and averaged over the batch, with standard errors.
 * With probes ε of identity covariance, {@code E‖εᵀJ‖² = tr(JJᵀ) = ‖J‖²_F}; the estimate is the
 * mean over P probes and its standard error the probes' sample standard deviation over √P (NaN for
 * a single probe). The quantity the Jacobian regularizer penalizes.
 *
 * <p>Immutable: the arrays are copied in and out.
 *
 * @param value the batch mean of the per-sample estimates (NaN when not computed)
 * @param standardError the standard error of {@code value}, from the spread of the per-probe batch
 *     means
 * @param perSample each sample's estimate of {@code ‖J_s‖²_F / d}
 * @param perSampleStandardError each sample's standard error
 * @param probes the number of probes (batched vector–Jacobian products)
 * @param distribution the probes' distribution
 */
public record HutchinsonEstimate(
    double value,
    double standardError,
    double[] perSample,
    double[] perSampleStandardError,
    int probes,
    ProbeDistribution distribution) {

  public HutchinsonEstimate {
    if (perSample == null || perSampleStandardError == null) {
      throw new IllegalArgumentException("perSample and perSampleStandardError are required");
    }
    if (perSample.length != perSampleStandardError.length) {
      throw new IllegalArgumentException(
          "perSample ("
              + perSample.length
              + ") and perSampleStandardError ("
              + perSampleStandardError.length
              + ") must have one entry per sample");
    }
    if (probes < 0) {
      throw new IllegalArgumentException("probes must be ≥ 0, got " + probes);
    }
    if (distribution == null) {
      throw new IllegalArgumentException("distribution is required");
    }
    perSample = perSample.clone();
    perSampleStandardError = perSampleStandardError.clone();
  }

  /** A placeholder for an estimate that was switched off: NaN value, no samples, no probes. */
  public static HutchinsonEstimate notComputed(ProbeDistribution distribution) {
    return new HutchinsonEstimate(
        Double.NaN, Double.NaN, new double[0], new double[0], 0, distribution);
  }

  /** Whether the estimate was made. */
  public boolean computed() {
    return probes > 0;
  }

  @Override
  public double[] perSample() {
    return perSample.clone();
  }

  @Override
  public double[] perSampleStandardError() {
    return perSampleStandardError.clone();
  }
}
