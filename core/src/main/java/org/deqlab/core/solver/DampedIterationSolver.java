package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

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
  UpdateRule newRule(SolverOptions options, SolveScope scope, Iterate first) {
    return new Rule(options.damping(), HostValues.sampleAxes(first.z().getShape()));
  }

  private static final class Rule implements UpdateRule {
    private final double tau;
    private final int[] sampleAxes;
    private NDArray residual;

    Rule(double tau, int[] sampleAxes) {
      this.tau = tau;
      this.sampleAxes = sampleAxes;
    }

    @Override
    public Residuals measure(Iterate current) {
      residual = current.fz().sub(current.z());
      return new Residuals(
          HostValues.sampleNorms(residual, sampleAxes),
          HostValues.sampleNorms(current.fz(), sampleAxes));
    }

    @Override
    public Iterate next(Iterate current, UnaryOperator<NDArray> f) {
      // With τ = 1 the next point is f(z) itself: the solve scope shares the tensor, no copy.
      NDArray z = tau == 1.0 ? current.fz() : current.z().add(residual.mul(tau));
      return Iterate.evaluate(z, f);
    }
  }
}
