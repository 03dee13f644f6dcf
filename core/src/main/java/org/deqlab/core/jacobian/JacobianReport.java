package org.deqlab.core.jacobian;

import java.util.List;

/**
 * What {@link JacobianProbe} measured of J_f at one point: the spectral radius by power iteration
 * and by Arnoldi (with the Ritz values), and the normalized Frobenius norm by Hutchinson. An
 * estimate that was switched off is present but {@code computed() == false}, with NaN values.
 *
 * @param power the power-iteration radius
 * @param arnoldi the Arnoldi radius and Ritz values
 * @param frobenius {@code ‖J‖²_F / d} with its standard error
 */
public record JacobianReport(
    SpectralEstimate power, SpectralEstimate arnoldi, HutchinsonEstimate frobenius) {

  public JacobianReport {
    if (power == null || arnoldi == null || frobenius == null) {
      throw new IllegalArgumentException(
          "power, arnoldi and frobenius are required (use notComputed() for a skipped one)");
    }
  }

  /** ρ(J) by power iteration (max over the batch; NaN if not computed). */
  public double powerRadius() {
    return power.radius();
  }

  /** ρ(J) as max |Ritz value| (max over the batch; NaN if not computed). */
  public double arnoldiRadius() {
    return arnoldi.radius();
  }

  /** The Ritz values of the sample with the largest Arnoldi radius. */
  public List<RitzValue> ritzValues() {
    return arnoldi.ritzValues();
  }

  /** {@code ‖J‖²_F / d}, averaged over the batch. */
  public double frobeniusSquaredPerDimension() {
    return frobenius.value();
  }

  /** The standard error of {@link #frobeniusSquaredPerDimension()}. */
  public double frobeniusStandardError() {
    return frobenius.standardError();
  }
}
