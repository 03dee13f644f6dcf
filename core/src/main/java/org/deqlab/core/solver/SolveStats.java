package org.deqlab.core.solver;

/**
 * The statistics of a solve without its tensors: what metrics, run logs and JSON reports keep. An
 * immutable value; its traces are shared, not copied.
 *
 * @param steps iterates evaluated
 * @param functionEvaluations evaluations of f
 * @param absoluteTrace worst-sample absolute residual per iterate
 * @param relativeTrace worst-sample relative residual per iterate
 * @param lowestStep iterate with the lowest worst-sample residual
 * @param absoluteResidual worst-sample absolute residual of the returned equilibrium
 * @param relativeResidual worst-sample relative residual of the returned equilibrium
 * @param stopReason why the solve ended
 * @param elapsedNanos wall time
 */
public record SolveStats(
    int steps,
    int functionEvaluations,
    ResidualTrace absoluteTrace,
    ResidualTrace relativeTrace,
    int lowestStep,
    double absoluteResidual,
    double relativeResidual,
    StopReason stopReason,
    long elapsedNanos) {}
