package org.deqlab.core.solver;

/**
 * Damped fixed-point iteration {@code z ← (1−τ) z + τ f(z)}: the weight-tied network itself, run
 * until it settles. Converges only where f is (made) contractive, which is exactly why it is the
 * baseline the accelerated solvers are measured against.
 */
public final class DampedIterationSolver extends FixedPointSolver {
  static final DampedIterationSolver INSTANCE = new DampedIterationSolver();

  private DampedIterationSolver() {}

  @Override
  public SolverKind kind() {
    return SolverKind.FIXED_POINT;
  }

  @Override
  UpdateRule newRule(SolverOptions options, SolveWorkspace workspace, Iterate first) {
    double tau = options.damping();
    // With τ = 1 the next point is f(z) itself: the workspace shares the tensor, no copy.
    return (current, f) ->
        Iterate.evaluate(tau == 1.0 ? current.fz() : current.z().add(current.residual().mul(tau)), f);
  }
}
