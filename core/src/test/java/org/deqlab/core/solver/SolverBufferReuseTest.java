package org.deqlab.core.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;
import org.deqlab.core.testing.AffineProblem;
import org.deqlab.core.testing.Dense;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Anderson's and Broyden's histories are recycled, through the caller's {@link SolverWorkspace},
 * from one solve to the next of the same state shape. A recycled history holds another solve's
 * rows: the solve that takes it over must iterate exactly as with fresh zeros, its equilibrium must
 * not belong to the history (which the workspace may free at any time), and a solve that met
 * non-finite values must not hand its rows on.
 */
class SolverBufferReuseTest extends EngineTest {
  private AffineProblem first;
  private AffineProblem second;
  private SolverWorkspace workspace;

  @BeforeAll
  void problems() {
    first = AffineProblem.withEigenvalues(manager, AffineProblem.spread(24, 0.8), 3, 5);
    second = AffineProblem.withEigenvalues(manager, AffineProblem.spread(24, 0.95), 3, 6);
  }

  @BeforeEach
  void newWorkspace() {
    workspace = new SolverWorkspace(manager);
  }

  @AfterEach
  void closeWorkspace() {
    workspace.close();
  }

  private static SolverOptions options() {
    return SolverOptions.defaults().withStopping(1000, 1e-10, StopCriterion.ABSOLUTE);
  }

  private SolverResult solve(SolverKind kind, AffineProblem problem) {
    return kind.solver()
        .solve(problem.map(), problem.zeros(manager), options(), IterationListener.NONE, workspace);
  }

  /**
   * Each solver runs on buffers another solver left (Anderson's ring of five rows for Broyden,
   * which must grow it; Broyden's longer history for Anderson) and matches a run on fresh ones step
   * for step, up to rounding at the problem's scale (a longer buffer can change the order in which
   * a product sums); a stale row read as the solve's own would differ at the residual's.
   */
  @ParameterizedTest
  @EnumSource(SolverKind.class)
  void aSolveOnRecycledBuffersIteratesAsOnFreshOnes(SolverKind kind) {
    SolverResult fresh = solve(kind, second);
    workspace.releaseBuffers();
    for (SolverKind other : SolverKind.values()) {
      solve(other, first); // leaves its rows, finite and unrelated, in the workspace
    }
    int pooled = workspace.idleHistories();
    SolverResult recycled = solve(kind, second);

    assertTrue(pooled > 0, "the solves before left buffers to reuse");
    assertEquals(StopReason.CONVERGED, recycled.stopReason());
    assertEquals(fresh.steps(), recycled.steps());
    double scale = fresh.absoluteTrace().at(0);
    assertArrayEquals(
        fresh.absoluteTrace().toArray(), recycled.absoluteTrace().toArray(), 1e-10 * scale);
    assertTrue(
        Dense.relativeError(recycled.equilibrium().toDoubleArray(), second.solution()) < 1e-8);
  }

  /** A second solve of the same state shape allocates no buffer of its own. */
  @ParameterizedTest
  @EnumSource(
      value = SolverKind.class,
      names = {"ANDERSON", "BROYDEN"})
  void theNextSolveOfTheSameShapeTakesTheBuffersBack(SolverKind kind) {
    solve(kind, second);
    int count = workspace.idleHistories();
    long bytes = workspace.bufferBytes();
    solve(kind, first); // needs fewer iterations: fits in what the first solve left

    assertEquals(kind == SolverKind.ANDERSON ? 2 : 1, count);
    assertEquals(count, workspace.idleHistories());
    assertEquals(bytes, workspace.bufferBytes());
  }

  /** The workspace frees its buffers when asked; the equilibria computed in them live on. */
  @ParameterizedTest
  @EnumSource(
      value = SolverKind.class,
      names = {"ANDERSON", "BROYDEN"})
  void theEquilibriumOutlivesTheBuffersItWasComputedIn(SolverKind kind) {
    // Few iterations on a slow problem: the returned iterate is a mixed/stepped one.
    SolverResult result =
        kind.solver()
            .solve(
                second.map(),
                second.zeros(manager),
                options().withMaxIterations(7),
                IterationListener.NONE,
                workspace);
    assertTrue(workspace.idleHistories() > 0);
    workspace.releaseBuffers();

    assertEquals(0, workspace.idleHistories());
    assertEquals(0, workspace.bufferBytes());
    NDArray z = result.equilibrium();
    NDArray residual = second.map().apply(z).sub(z);
    double[] perSample = residual.norm(new int[] {1}).toDoubleArray();
    assertArrayEquals(result.sampleAbsoluteResiduals(), perSample, 1e-12);
  }

  @ParameterizedTest
  @EnumSource(
      value = SolverKind.class,
      names = {"ANDERSON", "BROYDEN"})
  void aSolveThatMetNaNFreesItsBuffersAndTheNextSolveIsUnaffected(SolverKind kind) {
    SolverResult fresh = solve(kind, first);
    workspace.releaseBuffers();
    int[] calls = {0};
    UnaryOperator<NDArray> poisoned =
        z -> {
          NDArray fz = first.map().apply(z);
          return ++calls[0] > 4 ? fz.mul(Double.NaN) : fz;
        };
    SolverResult diverged =
        kind.solver()
            .solve(poisoned, first.zeros(manager), options(), IterationListener.NONE, workspace);

    assertEquals(StopReason.DIVERGED, diverged.stopReason());
    assertEquals(0, workspace.idleHistories(), "rows holding NaN must not be reused");
    SolverResult after = solve(kind, first);
    assertEquals(fresh.steps(), after.steps());
    assertArrayEquals(
        fresh.absoluteTrace().toArray(),
        after.absoluteTrace().toArray(),
        1e-10 * fresh.absoluteTrace().at(0));
  }

  @Test
  void theWorkspaceKeepsAtMostItsLimitOfIdleBuffers() {
    assertEquals(SolverWorkspace.DEFAULT_IDLE_HISTORIES, workspace.idleHistoryLimit());
    for (int width = 4; width < 4 + SolverWorkspace.DEFAULT_IDLE_HISTORIES + 3; width++) {
      AffineProblem problem =
          AffineProblem.withEigenvalues(manager, AffineProblem.spread(width, 0.5), 2, width);
      SolverResult result = solve(SolverKind.BROYDEN, problem);
      assertTrue(
          Dense.relativeError(result.equilibrium().toDoubleArray(), problem.solution()) < 1e-8);
    }
    assertEquals(SolverWorkspace.DEFAULT_IDLE_HISTORIES, workspace.idleHistories());
  }

  /** A buffer is reused only for the same state shape, not merely the same size. */
  @Test
  void aStateOfAnotherShapeGetsItsOwnBuffers() {
    solve(SolverKind.BROYDEN, first); // states (3, 24)
    UnaryOperator<NDArray> flat = first.map();
    Shape shape = new Shape(3, 4, 6);
    UnaryOperator<NDArray> reshaped = z -> flat.apply(z.reshape(new Shape(3, 24))).reshape(shape);
    SolverResult result =
        SolverKind.BROYDEN
            .solver()
            .solve(
                reshaped,
                first.zeros(manager).reshape(shape),
                options(),
                IterationListener.NONE,
                workspace);

    assertEquals(2, workspace.idleHistories());
    assertTrue(Dense.relativeError(result.equilibrium().toDoubleArray(), first.solution()) < 1e-8);
  }
}
