package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/**
 * What one solve produced, in the shape the DEQ reference solvers report it: the equilibrium (for
 * each sample its lowest-residual iterate, not merely the last), the steps used, the worst sample's
 * absolute and relative residual traces, the step of the lowest residual, per-sample final
 * residuals and why the solve stopped.
 *
 * <p>Traces hold one entry per evaluated iterate (the initial guess is entry 0), no padding.
 *
 * @param equilibrium z* with the initial guess's shape, owned by the initial guess's manager
 * @param steps iterates evaluated (the length of each trace)
 * @param functionEvaluations evaluations of f, which exceeds {@code steps} when a line search
 *     backtracks
 * @param absoluteTrace worst-sample {@code ‖f(z) − z‖} per iterate
 * @param relativeTrace worst-sample {@code ‖f(z) − z‖ / ‖f(z)‖} per iterate
 * @param lowestStep iterate at which the worst-sample residual (per the stop criterion) was lowest
 * @param sampleAbsoluteResiduals per-sample absolute residual at the returned equilibrium
 * @param sampleRelativeResiduals per-sample relative residual at the returned equilibrium
 * @param stopReason why the solve ended
 * @param elapsedNanos wall time of the solve
 */
public record SolverResult(
    NDArray equilibrium,
    int steps,
    int functionEvaluations,
    ResidualTrace absoluteTrace,
    ResidualTrace relativeTrace,
    int lowestStep,
    double[] sampleAbsoluteResiduals,
    double[] sampleRelativeResiduals,
    StopReason stopReason,
    long elapsedNanos) {

  public SolverResult {
    sampleAbsoluteResiduals = sampleAbsoluteResiduals.clone();
    sampleRelativeResiduals = sampleRelativeResiduals.clone();
  }

  @Override
  public double[] sampleAbsoluteResiduals() {
    return sampleAbsoluteResiduals.clone();
  }

  @Override
  public double[] sampleRelativeResiduals() {
    return sampleRelativeResiduals.clone();
  }

  /** Worst sample's absolute residual at the returned equilibrium. */
  public double absoluteResidual() {
    return worst(sampleAbsoluteResiduals);
  }

  /** Worst sample's relative residual at the returned equilibrium. */
  public double relativeResidual() {
    return worst(sampleRelativeResiduals);
  }

  public boolean converged() {
    return stopReason == StopReason.CONVERGED;
  }

  public double elapsedMillis() {
    return elapsedNanos / 1e6;
  }

  /** Statistics only, without the equilibrium tensor: safe to keep after the tensor is closed. */
  public SolveStats stats() {
    return new SolveStats(
        steps,
        functionEvaluations,
        absoluteTrace,
        relativeTrace,
        lowestStep,
        absoluteResidual(),
        relativeResidual(),
        stopReason,
        elapsedNanos);
  }

  private static double worst(double[] values) {
    return Arrays.stream(values)
        .map(v -> Double.isNaN(v) ? Double.POSITIVE_INFINITY : v)
        .max()
        .orElse(Double.NaN);
  }
}
