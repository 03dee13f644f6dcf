package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/**
 * The only part in which solvers differ: measure the latest evaluated iterate, then produce and
 * evaluate the next one. The shared loop in {@link FixedPointSolver} does all bookkeeping (traces,
 * lowest iterate, stop tests, memory).
 *
 * <p>Contract: for every iterate the loop calls {@link #measure} once, then — unless it stops —
 * {@link #next} once, both inside the same iteration scope; the iterate stays alive until {@code
 * next} returns. Arrays a rule keeps longer must be handed to the {@link SolveWorkspace}.
 */
interface UpdateRule {
  /**
   * Per-sample residual and image norms of {@code current}, brought to the host together with
   * whatever the rule's next step needs (one round trip per iteration is the aim).
   */
  Residuals measure(Iterate current);

  /** The next iterate, evaluated; called after {@link #measure} on the same iterate. */
  Iterate next(Iterate current, UnaryOperator<NDArray> f);

  /**
   * Whether {@link #next} reads {@code current.fz()}. Rules that copied what they need of it into
   * their history during {@link #measure} say no, and the loop frees the image before the next
   * evaluation of f, which is when a solve's memory peaks.
   */
  default boolean readsImageInNext() {
    return true;
  }
}
