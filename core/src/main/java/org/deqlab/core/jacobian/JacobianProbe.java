package org.deqlab.core.jacobian;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import io.soabase.recordbuilder.core.RecordBuilder;
import org.deqlab.core.cell.Cell;

/**
 * Measures the Jacobian J_f(z*) of a cell at a point — usually its equilibrium — from
 * vector–Jacobian products only: spectral radius by {@link PowerIteration} and by {@link
 * ArnoldiIteration} (with Ritz values), and {@code ‖J‖²_F / d} by {@link Hutchinson}. One graph of
 * f is recorded and shared by all three. What {@code ./deq probe} and the training metrics call.
 *
 * <p><b>The backward problem.</b> The implicit backward solves {@code u = w + u·J}; its iteration
 * matrix is Jᵀ, which has exactly J's eigenvalues (and J's Frobenius norm). So this report
 * describes the adjoint solve as well: plain iteration converges there iff ρ < 1, at the same rate
 * as forward. No separate backward estimate is needed.
 *
 * <p><b>Samples.</b> Every estimate is per sample and assumes the cell treats the samples of a
 * batch independently (true of every cell here: none mixes samples, e.g. by batch statistics).
 *
 * <p><b>Memory.</b> Everything runs in its own {@link NDScope}; only host values come back, so
 * probing at every step leaks no native arrays. Random vectors are drawn on z*'s device in z*'s
 * dtype.
 */
public final class JacobianProbe {
  private final Options options;

  /**
   * What to estimate and how hard to try; a count of 0 switches that estimate off.
   *
   * @param powerProducts batched products for power iteration, ≥ 0
   * @param arnoldiSteps Krylov dimension k for Arnoldi, ≥ 0 (capped at the per-sample size)
   * @param hutchinsonProbes probes for the Frobenius estimate, ≥ 0 (≥ 2 for a standard error)
   * @param distribution the Hutchinson probes' distribution
   */
  @RecordBuilder
  public record Options(
      int powerProducts, int arnoldiSteps, int hutchinsonProbes, ProbeDistribution distribution)
      implements JacobianProbeOptionsBuilder.With {
    public Options {
      if (powerProducts < 0) {
        throw new IllegalArgumentException(
            "powerProducts must be ≥ 0 (0 = no power iteration), got " + powerProducts);
      }
      if (arnoldiSteps < 0) {
        throw new IllegalArgumentException(
            "arnoldiSteps must be ≥ 0 (0 = no Arnoldi), got " + arnoldiSteps);
      }
      if (hutchinsonProbes < 0) {
        throw new IllegalArgumentException(
            "hutchinsonProbes must be ≥ 0 (0 = no Frobenius estimate), got " + hutchinsonProbes);
      }
      if (distribution == null) {
        throw new IllegalArgumentException("distribution must be rademacher or gaussian, got null");
      }
    }

    /** 50 power products, 20 Arnoldi steps, 16 Rademacher probes. */
    public static Options defaults() {
      return new Options(50, 20, 16, ProbeDistribution.RADEMACHER);
    }
  }

  public JacobianProbe(Options options) {
    if (options == null) {
      throw new IllegalArgumentException("options are required");
    }
    this.options = options;
  }

  public Options options() {
    return options;
  }

  /** Probes J_f at {@code point} in evaluation mode (no dropout). */
  public JacobianReport probe(
      Cell cell, ParameterStore parameters, NDArray point, NDArray injection) {
    return probe(cell, parameters, point, injection, false);
  }

  /**
   * Probes J_f at {@code point}.
   *
   * @param cell the cell f
   * @param parameters where the cell reads its parameters (detached for the probes: no parameter
   *     accumulates gradient)
   * @param point z, usually the equilibrium z* (detached here)
   * @param injection x̃ for the same batch (detached here)
   * @param training passed to the cell: true probes the map a training pass solved (same dropout
   *     masks)
   */
  public JacobianReport probe(
      Cell cell, ParameterStore parameters, NDArray point, NDArray injection, boolean training) {
    try (NDScope scope = new NDScope();
        Linearization linearization =
            Linearization.at(cell, parameters, point.stopGradient(), injection, training)) {
      SpectralEstimate power =
          options.powerProducts() > 0
              ? PowerIteration.estimate(linearization, options.powerProducts())
              : SpectralEstimate.notComputed(SpectralEstimate.Method.POWER_ITERATION);
      SpectralEstimate arnoldi =
          options.arnoldiSteps() > 0
              ? ArnoldiIteration.estimate(linearization, options.arnoldiSteps())
              : SpectralEstimate.notComputed(SpectralEstimate.Method.ARNOLDI);
      HutchinsonEstimate frobenius =
          options.hutchinsonProbes() > 0
              ? Hutchinson.estimate(
                  linearization, options.hutchinsonProbes(), options.distribution())
              : HutchinsonEstimate.notComputed(options.distribution());
      return new JacobianReport(power, arnoldi, frobenius);
    }
  }
}
