package org.deqlab.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.deqlab.core.testing.AffineProblem;
import org.deqlab.core.testing.Dense;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every solver against affine problems whose answers are known in closed form. */
class FixedPointSolverTest extends EngineTest {
  private static SolverOptions tight(int maxIterations) {
    return SolverOptions.defaults().withStopping(maxIterations, 1e-10, StopCriterion.ABSOLUTE);
  }

  @ParameterizedTest
  @EnumSource(SolverKind.class)
  void everySolverReachesTheClosedFormOfAContractiveAffineMap(SolverKind kind) {
    AffineProblem problem =
        AffineProblem.withEigenvalues(manager, AffineProblem.spread(16, 0.6), 4, 1);
    SolverResult result = solveToClosedForm(kind, problem, tight(500));
    assertEquals(result.steps(), result.absoluteTrace().length());
    assertTrue(result.absoluteResidual() <= 1e-10);
  }

  @Test
  void andersonAndBroydenNeedFarFewerStepsThanPlainIterationAtRadius095() {
    AffineProblem problem =
        AffineProblem.withEigenvalues(manager, AffineProblem.spread(32, 0.95), 4, 2);
    int plain = stepsOf(SolverKind.FIXED_POINT, problem);
    int anderson = stepsOf(SolverKind.ANDERSON, problem);
    int broyden = stepsOf(SolverKind.BROYDEN, problem);

    // Plain iteration contracts by 0.95 per step: about log(1e-10)/log(0.95) ≈ 450 steps.
    assertTrue(plain > 300, "plain " + plain);
    assertTrue(anderson * 2 < plain, "anderson " + anderson + " vs plain " + plain);
    assertTrue(broyden * 4 < plain, "broyden " + broyden + " vs plain " + plain);
  }

  private int stepsOf(SolverKind kind, AffineProblem problem) {
    return solveToClosedForm(kind, problem, tight(2000)).steps();
  }

  /** Solves from zero and checks the solve converged to the problem's closed form. */
  private SolverResult solveToClosedForm(
      SolverKind kind, AffineProblem problem, SolverOptions options) {
    SolverResult result =
        kind.solver().solve(problem.map(), problem.zeros(manager), options, IterationListener.NONE);
    assertEquals(StopReason.CONVERGED, result.stopReason(), kind + " " + result.stats());
    double error = Dense.relativeError(result.equilibrium().toDoubleArray(), problem.solution());
    assertTrue(error < 1e-6, kind + " relative error " + error);
    return result;
  }

  @Test
  void broydenConvergesWherePlainIterationDiverges() {
    double[] eigenvalues = AffineProblem.spread(12, 0.5);
    eigenvalues[11] = 1.6; // one unstable direction: plain iteration grows like 1.6^k
    AffineProblem problem = AffineProblem.withEigenvalues(manager, eigenvalues, 3, 3);

    SolverResult plain =
        SolverKind.FIXED_POINT
            .solver()
            .solve(problem.map(), problem.zeros(manager), tight(200), IterationListener.NONE);
    assertEquals(StopReason.DIVERGED, plain.stopReason());
    assertTrue(plain.steps() > 2 && plain.steps() < 200, "diverged after " + plain.steps());
    assertTrue(plain.absoluteTrace().at(plain.steps() - 1) > 1e5 * plain.absoluteTrace().at(0));

    SolverResult broyden =
        SolverKind.BROYDEN
            .solver()
            .solve(problem.map(), problem.zeros(manager), tight(200), IterationListener.NONE);
    assertEquals(StopReason.CONVERGED, broyden.stopReason());
    assertTrue(
        Dense.relativeError(broyden.equilibrium().toDoubleArray(), problem.solution()) < 1e-6);
  }

  @ParameterizedTest
  @EnumSource(SolverKind.class)
  void nanInTheMapEndsTheSolveAsDivergedWithItsTraceKept(SolverKind kind) {
    AffineProblem problem =
        AffineProblem.withEigenvalues(manager, AffineProblem.spread(8, 0.9), 2, 4);
    AtomicInteger calls = new AtomicInteger();
    UnaryOperator<NDArray> poisoned =
        z -> {
          NDArray fz = problem.map().apply(z);
          return calls.incrementAndGet() > 5 ? fz.mul(Double.NaN) : fz;
        };
    SolverResult result =
        kind.solver().solve(poisoned, problem.zeros(manager), tight(100), IterationListener.NONE);

    assertEquals(StopReason.DIVERGED, result.stopReason());
    assertEquals(6, result.steps(), "five clean iterates and the poisoned one");
    for (int k = 0; k < 5; k++) {
      assertTrue(Double.isFinite(result.absoluteTrace().at(k)));
    }
    assertTrue(Double.isNaN(result.absoluteTrace().at(5)));
    // The returned equilibrium is the best finite iterate, never the NaN one.
    for (double value : result.equilibrium().toDoubleArray()) {
      assertTrue(Double.isFinite(value));
    }
    assertTrue(result.lowestStep() < 5);
  }

  @ParameterizedTest
  @EnumSource(SolverKind.class)
  void aLongSolveLeaksNoNativeArrays(SolverKind kind) {
    try (NDManager scoped = manager.newSubManager()) {
      AffineProblem problem =
          AffineProblem.withEigenvalues(scoped, AffineProblem.spread(16, 0.99), 4, 5);
      NDArray z0 = problem.zeros(scoped);
      SolverOptions options =
          SolverOptions.defaults()
              .withStopping(200, 1e-300, StopCriterion.ABSOLUTE)
              .withBroyden(30, false)
              .withDivergenceFactor(1e300);
      int before = scoped.getManagedArrays().size();
      SolverResult result = kind.solver().solve(problem.map(), z0, options, IterationListener.NONE);
      int after = scoped.getManagedArrays().size();

      assertEquals(200, result.steps());
      assertEquals(before + 1, after, "only the equilibrium may remain after 200 iterations");
    }
  }

  @Test
  void theWorstSampleDecidesConvergenceAndPerSampleResidualsAreReported() {
    AffineProblem problem =
        AffineProblem.withEigenvalues(manager, AffineProblem.spread(8, 0.8), 3, 6);
    List<double[]> seen = new ArrayList<>();
    SolverOptions options =
        SolverOptions.defaults().withStopping(300, 1e-8, StopCriterion.RELATIVE);
    SolverResult result =
        SolverKind.FIXED_POINT
            .solver()
            .solve(
                problem.map(),
                problem.zeros(manager),
                options,
                (k, abs, rel) -> seen.add(new double[] {k, abs, rel}));

    assertTrue(result.converged());
    assertEquals(3, result.sampleRelativeResiduals().length);
    double worst = 0;
    for (double r : result.sampleRelativeResiduals()) {
      assertTrue(r <= 1e-8);
      worst = Math.max(worst, r);
    }
    assertEquals(worst, result.relativeResidual());
    assertEquals(result.steps(), seen.size(), "the listener hears every iterate");
    for (int k = 0; k < seen.size(); k++) {
      assertEquals(k, (int) seen.get(k)[0]);
      assertEquals(result.relativeTrace().at(k), seen.get(k)[2]);
    }
    // Stopped as soon as the worst sample met the tolerance, not one iterate later.
    assertTrue(result.relativeTrace().at(result.steps() - 2) > 1e-8);
  }

  @Test
  void broydenWithLineSearchStillReachesTheClosedForm() {
    double[] eigenvalues = AffineProblem.spread(10, 0.5);
    eigenvalues[9] = 1.4;
    AffineProblem problem = AffineProblem.withEigenvalues(manager, eigenvalues, 2, 7);
    SolverResult result =
        solveToClosedForm(SolverKind.BROYDEN, problem, tight(200).withBroyden(50, true));
    assertTrue(result.functionEvaluations() >= result.steps());
  }

  @Test
  void aLimitedBroydenMemoryStillConverges() {
    AffineProblem problem =
        AffineProblem.withEigenvalues(manager, AffineProblem.spread(32, 0.9), 2, 8);
    solveToClosedForm(SolverKind.BROYDEN, problem, tight(400).withBroyden(6, false));
  }

  @Test
  void anInterruptedThreadCancelsTheSolve() {
    AffineProblem problem =
        AffineProblem.withEigenvalues(manager, AffineProblem.spread(8, 0.99), 1, 9);
    Thread.currentThread().interrupt();
    try {
      SolverResult result =
          SolverKind.ANDERSON
              .solver()
              .solve(problem.map(), problem.zeros(manager), tight(500), IterationListener.NONE);
      assertEquals(StopReason.CANCELLED, result.stopReason());
      assertEquals(1, result.steps());
    } finally {
      Thread.interrupted();
    }
  }

  /**
   * Anderson and Broyden let go of the iterate they step from and rebuild it only when some sample
   * got worse: whatever the solver and wherever it stops, the returned equilibrium is the iterate
   * whose per-sample residuals are reported.
   */
  @ParameterizedTest
  @EnumSource(SolverKind.class)
  void theReturnedEquilibriumHasTheReportedPerSampleResiduals(SolverKind kind) {
    double[] eigenvalues = AffineProblem.spread(12, 0.5);
    eigenvalues[11] = 1.6; // an unstable direction: residuals do not fall every step
    AffineProblem problem = AffineProblem.withEigenvalues(manager, eigenvalues, 3, 3);
    int rebuilt = 0;
    for (int maxIterations = 2; maxIterations <= 14; maxIterations++) {
      SolverResult result =
          kind.solver()
              .solve(
                  problem.map(),
                  problem.zeros(manager),
                  tight(maxIterations).withTolerance(1e-14),
                  IterationListener.NONE);
      problem.assertReportedResidualsAreThoseOf(result, kind.toString());
      if (result.lowestStep() < result.steps() - 1) {
        rebuilt++;
      }
    }
    assertTrue(rebuilt > 0, kind + ": no solve ended on an iterate worse than an earlier one");
  }
}
