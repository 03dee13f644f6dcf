package org.deqlab.core.solver;

import java.util.function.Consumer;

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
    double divergenceFactor) {

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

  public SolverOptions withMaxIterations(int value) {
    return edit(d -> d.maxIterations = value);
  }

  public SolverOptions withTolerance(double value) {
    return edit(d -> d.tolerance = value);
  }

  public SolverOptions withStopCriterion(StopCriterion value) {
    return edit(d -> d.stopCriterion = value);
  }

  public SolverOptions withAnderson(int memory, double regularization, double mixing) {
    return edit(
        d -> {
          d.andersonMemory = memory;
          d.andersonRegularization = regularization;
          d.andersonMixing = mixing;
        });
  }

  public SolverOptions withBroyden(int memory, boolean useLineSearch) {
    return edit(
        d -> {
          d.broydenMemory = memory;
          d.lineSearch = useLineSearch;
        });
  }

  public SolverOptions withDamping(double value) {
    return edit(d -> d.damping = value);
  }

  public SolverOptions withDivergenceFactor(double value) {
    return edit(d -> d.divergenceFactor = value);
  }

  /** A copy with some fields changed, checked again by the canonical constructor. */
  private SolverOptions edit(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return draft.build();
  }

  /** The fields of a copy being edited. */
  private static final class Draft {
    int maxIterations;
    double tolerance;
    StopCriterion stopCriterion;
    int andersonMemory;
    double andersonRegularization;
    double andersonMixing;
    int broydenMemory;
    boolean lineSearch;
    double damping;
    double divergenceFactor;

    Draft(SolverOptions o) {
      maxIterations = o.maxIterations;
      tolerance = o.tolerance;
      stopCriterion = o.stopCriterion;
      andersonMemory = o.andersonMemory;
      andersonRegularization = o.andersonRegularization;
      andersonMixing = o.andersonMixing;
      broydenMemory = o.broydenMemory;
      lineSearch = o.lineSearch;
      damping = o.damping;
      divergenceFactor = o.divergenceFactor;
    }

    SolverOptions build() {
      return new SolverOptions(
          maxIterations,
          tolerance,
          stopCriterion,
          andersonMemory,
          andersonRegularization,
          andersonMixing,
          broydenMemory,
          lineSearch,
          damping,
          divergenceFactor);
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
