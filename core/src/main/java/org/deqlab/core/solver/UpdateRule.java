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
 * next} returns, unless the rule releases {@code current.z()} there through the solve scope (which
 * frees it only when the loop does not hold it too). Arrays a rule keeps longer must be handed to
 * the {@link SolveScope}.
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

  /**
   * Whether the rule can rebuild the iterate before {@code current} from {@code current} and its
   * own history ({@link #previousIterate}). Then the loop does not hold the lowest iterate while f
   * is evaluated at the next one — one state-sized array less at a solve's peak — and asks for it
   * only when some sample got worse.
   */
  default boolean rebuildsPreviousIterate() {
    return false;
  }

  /**
   * The iterate before {@code current}, rebuilt (equal to it up to rounding); called right after
   * {@link #measure} of {@code current}, only when {@link #rebuildsPreviousIterate} says yes.
   */
  default NDArray previousIterate(Iterate current) {
    throw new UnsupportedOperationException("this rule keeps no way back to the previous iterate");
  }
}
