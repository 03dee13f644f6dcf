package org.deqlab.core.layer;

import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;

/**
 * How a DEQ layer differentiates through its equilibrium, chosen per layer. The choice lives beside
 * the solvers, not inside them, as in TorchDEQ.
 */
public sealed interface BackwardMode {

  /**
   * Exact gradients by the implicit function theorem: solve {@code u = w + u·J_f(z*)} with the
   * given solver (its {@code maxIterations} is {@code b_thres}), then back-propagate u through one
   * application of f. Memory does not grow with the number of solver steps.
   */
  record Implicit(SolverKind solver, SolverOptions options) implements BackwardMode {
    public Implicit {
      if (solver == null || options == null) {
        throw new IllegalArgumentException("implicit backward needs a solver and its options");
      }
    }
  }

  /**
   * Phantom gradient: unroll {@code steps} damped applications {@code z ← (1−τ) z + τ f(z)} from z*
   * with ordinary back-propagation. Cheap and inexact; {@code steps = 1, damping = 1} is the
   * one-step (Jacobian-free) gradient.
   */
  record Phantom(int steps, double damping) implements BackwardMode {
    public Phantom {
      if (steps < 1) {
        throw new IllegalArgumentException("phantom steps must be at least 1, got " + steps);
      }
      if (!(damping > 0 && damping <= 1)) {
        throw new IllegalArgumentException("phantom damping must be in (0, 1], got " + damping);
      }
    }
  }

  /** The one-step gradient: a single undamped application of f at z*. */
  static BackwardMode oneStep() {
    return new Phantom(1, 1.0);
  }
}
