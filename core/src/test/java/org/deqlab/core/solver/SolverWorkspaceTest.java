package org.deqlab.core.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.deqlab.core.testing.AffineProblem;
import org.deqlab.core.testing.Dense;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A {@link SolverWorkspace} is the only place solver memory outlives a solve: it belongs to whoever
 * created it, reuse through it does not change an iteration, closing it frees every buffer, two
 * workspaces never see each other's buffers, and the solver package keeps no state of its own.
 */
class SolverWorkspaceTest extends EngineTest {
  private AffineProblem fast;
  private AffineProblem slow;

  /**
   * What the iteration tests solve: slow enough to use many history rows, not so slow that Broyden
   * amplifies the rounding differences of differently sized buffers (at radius 0.95 they grew from
   * 1e-16 to 1e-2 of the residual over 39 steps, with or without a workspace).
   */
  private AffineProblem target;

  @BeforeAll
  void problems() {
    fast = AffineProblem.withEigenvalues(manager, AffineProblem.spread(24, 0.5), 3, 7);
    slow = AffineProblem.withEigenvalues(manager, AffineProblem.spread(24, 0.95), 3, 8);
    target = AffineProblem.withEigenvalues(manager, AffineProblem.spread(24, 0.8), 3, 9);
  }

  private static SolverOptions options() {
    return SolverOptions.defaults().withStopping(1000, 1e-10, StopCriterion.ABSOLUTE);
  }

  private SolverResult solve(SolverKind kind, AffineProblem problem, SolverWorkspace workspace) {
    return kind.solver()
        .solve(problem.map(), problem.zeros(manager), options(), IterationListener.NONE, workspace);
  }

  /**
   * Round after round on buffers that other solvers and problems left, each solve matches a solve
   * without a workspace step for step, up to rounding at the problem's scale (a longer buffer can
   * sum a product in another order); a stale row read as the solve's own would differ at the
   * residual's.
   */
  @ParameterizedTest
  @EnumSource(SolverKind.class)
  void aWorkspaceReusedAcrossSolvesIteratesAsFreshBuffers(SolverKind kind) {
    SolverResult alone =
        kind.solver().solve(target.map(), target.zeros(manager), options(), IterationListener.NONE);
    double scale = alone.absoluteTrace().at(0);
    try (SolverWorkspace workspace = new SolverWorkspace(manager)) {
      for (int round = 0; round < 3; round++) {
        for (SolverKind other : SolverKind.values()) {
          solve(other, fast, workspace);
        }
        SolverResult reused = solve(kind, target, workspace);

        assertEquals(StopReason.CONVERGED, reused.stopReason());
        assertEquals(alone.steps(), reused.steps(), "round " + round);
        assertArrayEquals(
            alone.absoluteTrace().toArray(), reused.absoluteTrace().toArray(), 1e-10 * scale);
        assertTrue(
            Dense.relativeError(reused.equilibrium().toDoubleArray(), target.solution()) < 1e-8);
      }
    }
  }

  @Test
  void closingTheWorkspaceFreesEveryBuffer() {
    try (NDManager scoped = manager.newSubManager()) {
      NDArray z0 = slow.zeros(scoped);
      int baseline = scoped.getManagedArrays().size();
      SolverWorkspace workspace = new SolverWorkspace(scoped);
      for (SolverKind kind : SolverKind.values()) {
        try (NDScope scope = new NDScope()) { // frees the equilibrium
          kind.solver().solve(slow.map(), z0, options(), IterationListener.NONE, workspace);
        }
      }
      assertTrue(workspace.idleHistories() > 0, "the solves left buffers to reuse");
      assertTrue(
          scoped.getManagedArrays().size() > baseline, "the idle buffers are live native arrays");

      workspace.close();

      assertEquals(baseline, scoped.getManagedArrays().size(), "live arrays back to the baseline");
      assertEquals(0, workspace.bufferBytes());
      assertTrue(workspace.isClosed());
      assertThrows(
          IllegalStateException.class,
          () ->
              SolverKind.BROYDEN
                  .solver()
                  .solve(slow.map(), z0, options(), IterationListener.NONE, workspace));
      workspace.close(); // a second close does nothing
    }
  }

  /** A solve without a workspace frees its buffers at once: its private workspace keeps none. */
  @Test
  void aWorkspaceWithoutIdleRoomKeepsNothingBetweenSolves() {
    try (SolverWorkspace workspace = new SolverWorkspace(manager, 0)) {
      SolverResult result = solve(SolverKind.ANDERSON, slow, workspace);
      assertEquals(StopReason.CONVERGED, result.stopReason());
      assertEquals(0, workspace.idleHistories());
      assertEquals(0, workspace.bufferBytes());
    }
    assertThrows(IllegalArgumentException.class, () -> new SolverWorkspace(manager, -1));
  }

  @Test
  void twoWorkspacesOnOneThreadDoNotShareBuffers() {
    try (SolverWorkspace first = new SolverWorkspace(manager);
        SolverWorkspace second = new SolverWorkspace(manager)) {
      SolverResult inFirst = solve(SolverKind.BROYDEN, target, first);
      long firstBytes = first.bufferBytes();
      assertTrue(firstBytes > 0);
      assertEquals(0, second.bufferBytes(), "one workspace's solve leaves nothing in another");

      SolverResult inSecond = solve(SolverKind.BROYDEN, target, second);
      assertEquals(1, first.idleHistories(), "the second workspace allocated its own buffer");
      assertEquals(firstBytes, first.bufferBytes());
      assertEquals(1, second.idleHistories());

      first.close();
      assertEquals(1, second.idleHistories(), "closing one workspace leaves the other's buffers");
      SolverResult again = solve(SolverKind.BROYDEN, target, second);

      double scale = inFirst.absoluteTrace().at(0);
      for (SolverResult result : List.of(inSecond, again)) {
        assertEquals(inFirst.steps(), result.steps());
        assertArrayEquals(
            inFirst.absoluteTrace().toArray(), result.absoluteTrace().toArray(), 1e-10 * scale);
      }
    }
  }

  /**
   * Broyden's history starts at the larger need of the last two solves of its state shape, whatever
   * the map (a training step's forward and adjoint solves share it), and follows a problem that
   * gets easier: needs slow, fast, fast, fast → sizes (default), slow, slow, fast.
   */
  @Test
  void aHistoryStartsAtTheRowsTheLastTwoSolvesOfItsStateShapeNeeded() {
    SolverOptions options = options().withBroyden(200, false); // no restart: rows = steps − 1
    UnaryOperator<NDArray> fastMap = z -> fast.map().apply(z); // another class than slow's map
    long rowBytes = 3 * 24 * Double.BYTES;
    try (SolverWorkspace workspace = new SolverWorkspace(manager)) {
      int slowRows =
          SolverKind.BROYDEN
                  .solver()
                  .solve(
                      slow.map(), slow.zeros(manager), options, IterationListener.NONE, workspace)
                  .steps()
              - 1;
      long[] bytes = new long[3];
      int fastRows = 0;
      for (int i = 0; i < 3; i++) {
        workspace.releaseBuffers(); // the next solve allocates at the remembered size
        fastRows =
            SolverKind.BROYDEN
                    .solver()
                    .solve(fastMap, fast.zeros(manager), options, IterationListener.NONE, workspace)
                    .steps()
                - 1;
        bytes[i] = workspace.bufferBytes();
      }

      assertTrue(slowRows > fastRows + 1, slowRows + " rows vs " + fastRows);
      assertArrayEquals(
          new long[] {slowRows * rowBytes, slowRows * rowBytes, fastRows * rowBytes}, bytes);
    }
  }

  /**
   * The only state a solve can reuse is in a workspace its caller passes: no class of the solver
   * package has a non-final static field, a thread-local field, or a static field whose value can
   * change (collections, arrays, objects with non-final fields), which the old per-thread buffer
   * pool and per-class size hints were.
   */
  @Test
  void theSolverPackageKeepsNoStaticOrThreadLocalState() throws Exception {
    List<Class<?>> classes = solverPackageClasses();
    assertTrue(classes.size() > 10, "found " + classes);
    for (Class<?> type : classes) {
      for (Field field : type.getDeclaredFields()) {
        String name = type.getSimpleName() + "." + field.getName();
        assertFalse(
            ThreadLocal.class.isAssignableFrom(field.getType()), name + " is thread-local state");
        if (!Modifier.isStatic(field.getModifiers()) || field.isSynthetic()) {
          continue;
        }
        assertTrue(Modifier.isFinal(field.getModifiers()), name + " is static and not final");
        field.setAccessible(true);
        assertImmutable(field.get(null), name, Collections.newSetFromMap(new IdentityHashMap<>()));
      }
    }
  }

  private static void assertImmutable(Object value, String path, Set<Object> seen)
      throws IllegalAccessException {
    if (value == null
        || value instanceof String
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof Character
        || !seen.add(value)) {
      return;
    }
    Class<?> type = value.getClass();
    if (type.isArray() || type.getName().startsWith("java.")) {
      fail(path + " holds a " + type.getName() + ", which can change");
    }
    for (Class<?> c = type; c != Object.class && c != Enum.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue; // checked with the field's own class
        }
        String name = path + "." + field.getName();
        assertTrue(Modifier.isFinal(field.getModifiers()), name + " can change");
        field.setAccessible(true);
        assertImmutable(field.get(value), name, seen);
      }
    }
  }

  /** The compiled classes of the solver package, nested ones included. */
  private static List<Class<?>> solverPackageClasses()
      throws URISyntaxException, ClassNotFoundException {
    File directory =
        new File(FixedPointSolver.class.getResource("FixedPointSolver.class").toURI())
            .getParentFile();
    List<Class<?>> classes = new ArrayList<>();
    for (String file : directory.list()) {
      if (file.endsWith(".class")) {
        String name = file.substring(0, file.length() - ".class".length());
        classes.add(Class.forName(FixedPointSolver.class.getPackageName() + "." + name));
      }
    }
    return classes;
  }
}
