package org.deqlab.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.util.function.UnaryOperator;
import org.deqlab.core.io.NpzProblem;
import org.deqlab.core.jacobian.Linearization;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.Test;

/**
 * The nonlinear case from the DEQ papers: an MLP cell (d = 256) with ‖W‖₂ ≈ 3, whose Jacobian at
 * the equilibrium has spectral radius near (or above) 1, so plain iteration stalls while Broyden
 * still solves it.
 */
class HardMlpProblemTest extends EngineTest {
  /** ρ(J) ≈ ‖v Jᵏ‖^(1/k) for large k (Gelfand), from vector–Jacobian products only. */
  private double gelfandRadius(
      NpzProblem problem, ParameterStore parameters, NDArray zStar, NDArray injection) {
    try (Linearization linearization =
        Linearization.at(problem.cell(), parameters, zStar, injection, false)) {
      NDArray v = manager.randomNormal(zStar.getShape()).toType(DataType.FLOAT64, false);
      v = v.div(v.norm().getDouble());
      double logGrowth = 0;
      int k = 200;
      for (int i = 0; i < k; i++) {
        NDArray next = linearization.vjp(v);
        double norm = next.norm().getDouble();
        logGrowth += Math.log(norm);
        v = next.div(norm);
      }
      return Math.exp(logGrowth / k);
    }
  }

  @Test
  void plainIterationStallsWhereBroydenReachesOneInHundredThousandWithinHundredSteps() {
    NpzProblem problem = NpzProblem.random(manager, DataType.FLOAT64, 256, 64, 8, 3.0, 7);
    ParameterStore parameters = new ParameterStore(manager, false);
    NDArray injection = problem.cell().inject(parameters, problem.x(), false);
    UnaryOperator<NDArray> f = z -> problem.cell().apply(parameters, z, injection, false);
    NDArray z0 = problem.cell().initialState(problem.x());
    SolverOptions options = SolverOptions.defaults().withMaxIterations(100).withTolerance(1e-5);

    SolverResult plain =
        SolverKind.FIXED_POINT.solver().solve(f, z0, options, IterationListener.NONE);
    SolverResult anderson =
        SolverKind.ANDERSON.solver().solve(f, z0, options, IterationListener.NONE);
    SolverResult broyden =
        SolverKind.BROYDEN.solver().solve(f, z0, options, IterationListener.NONE);
    System.out.printf(
        "plain %s %d %.3g | anderson %s %d %.3g | broyden %s %d %.3g%n",
        plain.stopReason(),
        plain.steps(),
        plain.relativeResidual(),
        anderson.stopReason(),
        anderson.steps(),
        anderson.relativeResidual(),
        broyden.stopReason(),
        broyden.steps(),
        broyden.relativeResidual());

    double radius = gelfandRadius(problem, parameters, broyden.equilibrium(), injection);
    System.out.printf("spectral radius of J_f(z*) by Gelfand's formula: %.3f%n", radius);
    assertTrue(radius > 0.9 && radius < 1.3, "the premise: spectral radius near 1, got " + radius);

    assertEquals(StopReason.MAX_ITERATIONS, plain.stopReason());
    assertTrue(
        plain.relativeResidual() > 1e-2,
        "plain iteration should stall, got " + plain.relativeResidual());
    assertEquals(StopReason.CONVERGED, broyden.stopReason());
    assertTrue(broyden.relativeResidual() <= 1e-5);
    assertTrue(broyden.steps() <= 100);
  }
}
