package org.deqlab.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;
import org.deqlab.core.testing.AffineProblem;
import org.deqlab.core.testing.Dense;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Broyden's history grows with the iterations a solve uses; growing must not change the iteration.
 * A solver that starts with one row (and so grows 1 → 2 → 4 → …, through restarts when the memory
 * is short) is compared with one whose history holds every row from the start.
 */
class BroydenHistoryTest extends EngineTest {
  @ParameterizedTest
  @ValueSource(ints = {6, 40})
  void growingTheHistoryLeavesTheIterationUnchanged(int memory) {
    AffineProblem problem =
        AffineProblem.withEigenvalues(manager, AffineProblem.spread(24, 0.9), 3, 11);
    // A state with two axes after the batch, so the history's row views are reshaped slices.
    Shape stateShape = new Shape(3, 4, 6);
    UnaryOperator<NDArray> flat = problem.map();
    UnaryOperator<NDArray> map = z -> flat.apply(z.reshape(new Shape(3, 24))).reshape(stateShape);
    SolverOptions options =
        SolverOptions.defaults()
            .withStopping(300, 1e-11, StopCriterion.ABSOLUTE)
            .withBroyden(memory, false);

    SolverResult growing =
        new BroydenSolver(1, false)
            .solve(
                map, problem.zeros(manager).reshape(stateShape), options, IterationListener.NONE);
    SolverResult presized =
        new BroydenSolver(memory + 2, false)
            .solve(
                map, problem.zeros(manager).reshape(stateShape), options, IterationListener.NONE);

    assertEquals(StopReason.CONVERGED, growing.stopReason(), growing.stats().toString());
    assertEquals(presized.steps(), growing.steps());
    // Equal up to rounding at the problem's scale (a missing row sums the products in another
    // order, and late residuals are tiny): a lost or stale row would differ at the residual's.
    double scale = presized.absoluteTrace().at(0);
    for (int k = 0; k < growing.steps(); k++) {
      double a = growing.absoluteTrace().at(k);
      double b = presized.absoluteTrace().at(k);
      assertTrue(
          Math.abs(a - b) <= 1e-10 * scale,
          "step " + k + ": residual " + a + " growing vs " + b + " presized");
    }
    double error = Dense.relativeError(growing.equilibrium().toDoubleArray(), problem.solution());
    assertTrue(error < 1e-9, "relative error to the closed form " + error);
  }

  /**
   * Broyden lets go of the lowest iterate while f is evaluated at the next one and rebuilds it (z_k
   * = z_{k+1} − s_k) only when some sample got worse: the returned equilibrium must still be the
   * iterate whose residual is reported, sample by sample.
   */
  @ParameterizedTest
  @ValueSource(ints = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void theReturnedIterateHasTheReportedResidualsWhenTheLastIterateWasWorse(int maxIterations) {
    double[] eigenvalues = AffineProblem.spread(12, 0.5);
    eigenvalues[11] = 1.6; // an unstable direction: Broyden's residual does not fall every step
    AffineProblem problem = AffineProblem.withEigenvalues(manager, eigenvalues, 3, 3);
    for (boolean lineSearch : new boolean[] {false, true}) {
      SolverOptions options =
          SolverOptions.defaults()
              .withStopping(maxIterations, 1e-14, StopCriterion.ABSOLUTE)
              .withBroyden(30, lineSearch);
      SolverResult result =
          SolverKind.BROYDEN
              .solver()
              .solve(problem.map(), problem.zeros(manager), options, IterationListener.NONE);

      problem.assertReportedResidualsAreThoseOf(
          result, "line search " + lineSearch + " (lowest at " + result.lowestStep() + ")");
    }
  }
}
