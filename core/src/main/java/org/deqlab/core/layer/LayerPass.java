package org.deqlab.core.layer;

import ai.djl.ndarray.NDArray;
import java.util.Optional;
import java.util.function.Supplier;
import org.deqlab.core.solver.SolveStats;

/**
 * The result of running an {@link EquilibriumLayer} forward: the state to feed the rest of the
 * model, the forward solve's statistics, and — in training — the part of the backward pass the
 * layer must finish itself.
 *
 * <p>Training protocol: compute the loss from {@link #state()}, back-propagate it, then call {@link
 * #completeBackward()}. For an implicit layer the state is a leaf whose gradient {@code w = ∂L/∂z*}
 * the layer turns into parameter and input gradients by the implicit function theorem; for phantom
 * and unrolled layers the graph already reaches the parameters and there is nothing left to do.
 */
public final class LayerPass {
  private final NDArray state;
  private final NDArray injection;
  private final SolveStats forward;
  private final Supplier<SolveStats> backward;
  private boolean completed;

  LayerPass(NDArray state, NDArray injection, SolveStats forward, Supplier<SolveStats> backward) {
    this.state = state;
    this.injection = injection;
    this.forward = forward;
    this.backward = backward;
  }

  /** The layer's output z* (or the unrolled stack's last state). */
  public NDArray state() {
    return state;
  }

  /**
   * The input injection x̃ the cell used (recorded when training), for tools that evaluate the cell
   * again at the equilibrium, such as Jacobian regularization and probes.
   */
  public NDArray injection() {
    return injection;
  }

  /** Statistics of the forward solve; empty for an unrolled layer. */
  public Optional<SolveStats> forwardStats() {
    return Optional.ofNullable(forward);
  }

  /**
   * Finishes the backward pass after the loss was back-propagated to {@link #state()}. Returns the
   * backward solve's statistics when there was one (implicit mode).
   */
  public Optional<SolveStats> completeBackward() {
    if (completed) {
      throw new IllegalStateException("completeBackward() was already called for this pass");
    }
    completed = true;
    return backward == null ? Optional.empty() : Optional.ofNullable(backward.get());
  }
}
