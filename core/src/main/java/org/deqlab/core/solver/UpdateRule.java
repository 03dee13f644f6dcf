package org.deqlab.core.solver;

import java.util.function.UnaryOperator;
import ai.djl.ndarray.NDArray;

/**
 * The only part in which solvers differ: given the latest evaluated iterate, produce and evaluate
 * the next one. The shared loop in {@link FixedPointSolver} does all bookkeeping (traces, lowest
 * iterate, stop tests, memory).
 *
 * <p>Contract: the loop keeps the iterate passed to the previous call alive until this call
 * returns, so a rule may hold a reference to the previous iterate for exactly one call. Arrays a
 * rule keeps longer must be handed to the {@link SolveWorkspace}.
 */
interface UpdateRule {
  Iterate next(Iterate current, UnaryOperator<NDArray> f);

  /** Whether the rule reads the previous iterate; if not, the loop frees it a step earlier. */
  default boolean keepsPrevious() {
    return false;
  }
}
