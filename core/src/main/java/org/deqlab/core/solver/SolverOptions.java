package org.deqlab.core.solver;

import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Everything that configures one solve, as one immutable value: the common stopping rules and the
 * parameters of each method (a solver reads only its own). Keeping them together lets a config
 * file, a property sheet and a live-settings holder treat "the solver settings" as one thing.
 *
 * @param maxIterations at most this many evaluations of f per solve ({@code f_thres}/{@code
 *     b_thres} in the DEQ code)
 * @param tolerance converged when every sample's residual (per {@code stopCriterion}) is at most
 *     this ({@code eps})
 * @param stopCriterion absolute or relative residual
 * @param andersonMemory how many past iterates Anderson mixes (m)
 * @param andersonRegularization ridge λ added to the mixing system, relative to the mean squared
 *     residual in the window so that it keeps its meaning as residuals shrink
 * @param andersonMixing β: 1 takes the mixed f-values, smaller values damp towards the mixed
 *     iterates
 * @param broydenMemory how many low-rank inverse-Jacobian updates Broyden keeps (oldest replaced)
 * @param lineSearch Broyden backtracks (per sample) when a full step does not reduce the residual
 * @param damping τ for damped iteration {@code z ← (1−τ) z + τ f(z)}
 * @param divergenceFactor a solve is {@code diverged} when the worst absolute residual exceeds the
 *     initial one by this factor
 */
@RecordBuilder
public record SolverOptions(
    int maxIterations,
    double tolerance,
    StopCriterion stopCriterion,
    int andersonMemory,
    double andersonRegularization,
    double andersonMixing,
    int broydenMemory,
    boolean lineSearch,
    double damping,
    double divergenceFactor)
    implements SolverOptionsBuilder.With {

  public SolverOptions {
    require(maxIterations >= 1, "maxIterations (f_thres) must be at least 1, got " + maxIterations);
    require(
        tolerance > 0 && Double.isFinite(tolerance),
        "tolerance (eps) must be a positive finite number, got " + tolerance);
    require(stopCriterion != null, "stopCriterion must be abs or rel, got null");
    require(
        andersonMemory >= 1 && andersonMemory <= 100,
        "andersonMemory (m) must be in [1, 100], got " + andersonMemory);
    require(
        andersonRegularization >= 0 && Double.isFinite(andersonRegularization),
        "andersonRegularization (λ) must be ≥ 0, got " + andersonRegularization);
    require(
        andersonMixing > 0 && andersonMixing <= 1,
        "andersonMixing (β) must be in (0, 1], got " + andersonMixing);
    require(
        broydenMemory >= 1 && broydenMemory <= 1000,
        "broydenMemory must be in [1, 1000], got " + broydenMemory);
    require(damping > 0 && damping <= 1, "damping (τ) must be in (0, 1], got " + damping);
    require(
        divergenceFactor > 1, "divergenceFactor must be greater than 1, got " + divergenceFactor);
  }

  /** Defaults close to the DEQ reference code: 50 iterations, relative tolerance 1e-3. */
  public static SolverOptions defaults() {
    return new SolverOptions(50, 1e-3, StopCriterion.RELATIVE, 5, 1e-4, 1.0, 50, false, 1.0, 1e6);
  }

  /**
   * When a solve stops: at most {@code maxIterations}, or below {@code tolerance} by {@code
   * criterion}.
   */
  public SolverOptions withStopping(int maxIterations, double tolerance, StopCriterion criterion) {
    return with(b -> b.maxIterations(maxIterations).tolerance(tolerance).stopCriterion(criterion));
  }

  public SolverOptions withAnderson(int memory, double regularization, double mixing) {
    return with(
        b ->
            b.andersonMemory(memory).andersonRegularization(regularization).andersonMixing(mixing));
  }

  public SolverOptions withBroyden(int memory, boolean useLineSearch) {
    return with(b -> b.broydenMemory(memory).lineSearch(useLineSearch));
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
