package org.deqlab.core.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import org.deqlab.core.experiment.ExperimentConfigs;
import org.deqlab.core.playground.PlaygroundScene.FixedPoint;
import org.deqlab.core.playground.PlaygroundScene.SolverPath;
import org.deqlab.core.solver.StopReason;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The playground's numbers against closed forms and finite differences, in float64 and in float32
 * (the precision users train in): Jacobians, eigenvalues and ρ, fixed points, each engine solver's
 * path, the implicit gradient against finite differences, the closed-form adjoint and a deep
 * unrolled stack, and the latency of a whole scene.
 */
class PlaygroundTest extends EngineTest {
  private Playground float64;
  private Playground float32;

  @BeforeAll
  void openPlaygrounds() {
    float64 = new Playground(manager, DataType.FLOAT64);
    float32 = new Playground(manager, DataType.FLOAT32);
  }

  @AfterAll
  void closePlaygrounds() {
    float64.close();
    float32.close();
  }

  private Playground playground(DataType type) {
    return type == DataType.FLOAT64 ? float64 : float32;
  }

  private static double tolerance(DataType type) {
    return type == DataType.FLOAT64 ? 1e-9 : 2e-5;
  }

  enum Precision {
    FLOAT64(DataType.FLOAT64),
    FLOAT32(DataType.FLOAT32);

    final DataType type;

    Precision(DataType type) {
      this.type = type;
    }
  }

  /** Central differences of {@code map} at {@code z}, column by column. */
  private static Matrix2 finiteDifferenceJacobian(PlaneMap map, Point2 z) {
    double h = 1e-6;
    Point2 dx = map.apply(z.plus(new Point2(h, 0))).minus(map.apply(z.minus(new Point2(h, 0))));
    Point2 dy = map.apply(z.plus(new Point2(0, h))).minus(map.apply(z.minus(new Point2(0, h))));
    return new Matrix2(dx.x() / (2 * h), dy.x() / (2 * h), dx.y() / (2 * h), dy.y() / (2 * h));
  }

  private static void assertClose(Matrix2 expected, Matrix2 actual, double tolerance) {
    assertEquals(expected.a(), actual.a(), tolerance, "a");
    assertEquals(expected.b(), actual.b(), tolerance, "b");
    assertEquals(expected.c(), actual.c(), tolerance, "c");
    assertEquals(expected.d(), actual.d(), tolerance, "d");
  }

  private static void assertClose(Point2 expected, Point2 actual, double tolerance) {
    assertTrue(
        expected.distanceTo(actual) <= tolerance,
        "expected " + expected + " within " + tolerance + ", got " + actual);
  }

  @Test
  void closedFormJacobiansMatchFiniteDifferences() {
    for (PlaneMapKind kind : PlaneMapKind.values()) {
      PlaneMap map = kind.build(Matrix2.scaledRotation(1.4, 0.7), new Point2(0.3, -0.5));
      for (Point2 z : List.of(new Point2(0.2, 0.1), new Point2(-1.3, 0.8), new Point2(2, -2))) {
        assertClose(finiteDifferenceJacobian(map, z), map.jacobian(z), 1e-8);
        // ∂f/∂x by differences in x
        double h = 1e-6;
        Matrix2 weights = Matrix2.scaledRotation(1.4, 0.7);
        Point2 dx =
            kind.build(weights, new Point2(0.3 + h, -0.5))
                .apply(z)
                .minus(kind.build(weights, new Point2(0.3 - h, -0.5)).apply(z));
        Point2 dy =
            kind.build(weights, new Point2(0.3, -0.5 + h))
                .apply(z)
                .minus(kind.build(weights, new Point2(0.3, -0.5 - h)).apply(z));
        assertClose(
            new Matrix2(dx.x() / (2 * h), dy.x() / (2 * h), dx.y() / (2 * h), dy.y() / (2 * h)),
            map.inputJacobian(z),
            1e-8);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void everySolverReachesTheSameEquilibriumOfAContraction(Precision precision) {
    PlaygroundSetup setup = PlaygroundSetup.defaults();
    PlaygroundScene scene = playground(precision.type).solve(setup);
    FixedPoint equilibrium = scene.equilibrium();
    assertNotNull(equilibrium);
    PlaneMap map = setup.planeMap();
    assertTrue(map.apply(equilibrium.point()).minus(equilibrium.point()).norm() < 1e-5);
    assertTrue(equilibrium.spectralRadius() < 1, "the default is contractive at z*");
    assertEquals(
        equilibrium.jacobian().eigenvalues().spectralRadius(), equilibrium.spectralRadius());
    assertEquals(List.of("fixed-point", "damped", "anderson", "broyden"), names(scene));
    for (SolverPath path : scene.paths()) {
      assertEquals(StopReason.CONVERGED, path.stopReason(), path.name());
      assertClose(equilibrium.point(), path.result(), 1e-5);
      assertClose(setup.start(), path.iterates().get(0), 1e-6);
      assertEquals(path.steps(), path.residuals().length(), "one residual per drawn iterate");
      // each residual is ‖f(z) − z‖ at the recorded iterate
      for (int k = 0; k < path.steps(); k++) {
        Point2 z = path.iterates().get(k);
        assertEquals(
            map.apply(z).minus(z).norm(),
            path.residuals().at(k),
            1e-5 * (1 + z.norm()),
            path.name());
      }
    }
    assertTrue(
        scene.path("anderson").steps() < scene.path("fixed-point").steps()
            && scene.path("broyden").steps() < scene.path("fixed-point").steps(),
        "the root finders need fewer iterations than plain iteration: " + steps(scene));
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void pastRhoOneIterationRunsAwayWhileBroydenStillFindsTheFixedPoint(Precision precision) {
    PlaygroundSetup setup =
        PlaygroundSetup.defaults()
            .withMap(PlaneMapKind.LINEAR)
            .withScale(1.25)
            .withRotationDegrees(50)
            .withInput(0.5, 0.5)
            .withStart(1.0, -0.5);
    PlaygroundScene scene = playground(precision.type).solve(setup);
    assertFalse(scene.path("fixed-point").converged(), "plain iteration spirals out");
    SolverPath broyden = scene.path("broyden");
    assertTrue(broyden.converged());
    assertClose(setup.input(), broyden.result(), 1e-4); // the linear map's fixed point is x
    assertEquals(1.25, scene.equilibrium().spectralRadius(), 1e-12);
    assertEquals(1, scene.fixedPoints().size());
    SolverPath plain = scene.path("fixed-point");
    Point2 last = plain.iterates().get(plain.steps() - 1);
    assertTrue(last.distanceTo(setup.input()) > setup.start().distanceTo(setup.input()));
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void aStretchedTanhHasThreeFixedPointsAndOnlyTheOuterOnesAttract(Precision precision) {
    // W = 2I, x = 0: z = tanh(2z) per coordinate has roots 0 and ±0.9575…, so nine in the plane.
    PlaygroundSetup setup =
        PlaygroundSetup.defaults().withScale(2).withRotationDegrees(0).withInput(0, 0);
    List<FixedPoint> points = playground(precision.type).solve(setup).fixedPoints();
    double root = 0.957504; // tanh(2r) = r
    assertEquals(9, points.size(), points.toString());
    for (FixedPoint point : points) {
      for (double c : new double[] {point.point().x(), point.point().y()}) {
        assertTrue(Math.abs(c) < 1e-4 || Math.abs(Math.abs(c) - root) < 1e-4, "coordinate " + c);
      }
      boolean outer = Math.abs(point.point().x()) > 0.5 && Math.abs(point.point().y()) > 0.5;
      assertEquals(outer, point.attracting(), point.toString());
    }
    FixedPoint origin =
        points.stream().filter(p -> p.point().norm() < 1e-4).findFirst().orElseThrow();
    assertEquals(2, origin.spectralRadius(), 1e-4);
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void implicitGradientMatchesFiniteDifferencesTheClosedFormAndADeepUnrolledStack(
      Precision precision) {
    // solved to the float type's resolution: the gradient at z* is only as exact as z*
    PlaygroundSetup setup =
        PlaygroundSetup.defaults().withTolerance(precision.type == DataType.FLOAT64 ? 1e-12 : 1e-6);
    PlaygroundScene scene = playground(precision.type).solve(setup);
    Point2 implicit = scene.depth().implicitGradient();
    Point2 reference = float64Gradient(setup);
    // closed form: u = (I − Jᵀ)⁻¹ z*, gradient (∂f/∂x)ᵀ u
    FixedPoint equilibrium = scene.equilibrium();
    Matrix2 jacobian = equilibrium.jacobian();
    Matrix2 transposedGap =
        new Matrix2(1 - jacobian.a(), -jacobian.c(), -jacobian.b(), 1 - jacobian.d());
    Point2 u = transposedGap.inverse().apply(equilibrium.point());
    Point2 closedForm = setup.planeMap().inputJacobian(equilibrium.point()).applyTransposed(u);
    double tolerance = precision.type == DataType.FLOAT64 ? 1e-9 : 1e-4;
    assertClose(closedForm, implicit, tolerance);
    assertClose(reference, implicit, precision.type == DataType.FLOAT64 ? 1e-6 : 1e-4);
    // 60 layers at ρ ≈ 0.73 leave ρ⁶⁰ ≈ 6e-9 of the start's influence
    assertClose(
        UnrolledStack.gradient(setup.planeMap(), setup.start(), PlaygroundSetup.MAX_DEPTH),
        implicit,
        precision.type == DataType.FLOAT64 ? 1e-7 : 1e-4);
    assertTrue(scene.depth().adjoint().converged());
  }

  /** ∂ℓ/∂x of ℓ = ½‖z*(x)‖² by central differences, z* solved in float64 for each x. */
  private Point2 float64Gradient(PlaygroundSetup setup) {
    double h = 1e-5;
    double[] gradient = new double[2];
    for (int i = 0; i < 2; i++) {
      double dx = i == 0 ? h : 0;
      double dy = i == 1 ? h : 0;
      double plus = loss(setup.withInput(setup.inputX() + dx, setup.inputY() + dy));
      double minus = loss(setup.withInput(setup.inputX() - dx, setup.inputY() - dy));
      gradient[i] = (plus - minus) / (2 * h);
    }
    return new Point2(gradient[0], gradient[1]);
  }

  private double loss(PlaygroundSetup setup) {
    Point2 z = float64.solve(setup.withTolerance(1e-12)).equilibrium().point();
    return 0.5 * z.dot(z);
  }

  @Test
  void theUnrolledGradientIsBackPropagationAndApproachesTheImplicitOneWithDepth() {
    PlaygroundSetup setup = PlaygroundSetup.defaults();
    PlaneMap map = setup.planeMap();
    // back-propagation through 5 layers against differences of the 5-layer loss
    double h = 1e-6;
    Point2 analytic = UnrolledStack.gradient(map, setup.start(), 5);
    double[] numeric = new double[2];
    for (int i = 0; i < 2; i++) {
      Point2 step = i == 0 ? new Point2(h, 0) : new Point2(0, h);
      Point2 up = setup.input().plus(step);
      Point2 down = setup.input().minus(step);
      numeric[i] =
          (unrolledLoss(setup.withInput(up.x(), up.y()), 5)
                  - unrolledLoss(setup.withInput(down.x(), down.y()), 5))
              / (2 * h);
    }
    assertClose(new Point2(numeric[0], numeric[1]), analytic, 1e-8);

    double[] gaps = float64.solve(setup.withTolerance(1e-12)).depth().gradientGap();
    assertTrue(gaps[0] > 1e-2, "one layer is far from the DEQ's gradient: " + gaps[0]);
    assertTrue(gaps[gaps.length - 1] < 1e-6 * gaps[0], Arrays.toString(gaps));
  }

  private static double unrolledLoss(PlaygroundSetup setup, int layers) {
    List<Point2> states = UnrolledStack.trajectory(setup.planeMap(), setup.start(), layers);
    Point2 last = states.get(layers);
    return 0.5 * last.dot(last);
  }

  @Test
  void unrolledMemoryGrowsWithDepthWhileTheDeqKeepsOnlyItsEquilibrium() {
    PlaygroundScene scene = float64.solve(PlaygroundSetup.defaults().withDepth(12));
    int[] kept = scene.depth().unrolledValuesKept();
    assertEquals(4, kept[0]);
    assertEquals(2 * (PlaygroundSetup.MAX_DEPTH + 1), kept[kept.length - 1]);
    assertEquals(2, scene.depth().deqValuesKept());
    assertEquals(13, scene.depth().trajectory().size());
    assertEquals(8, scene.depth().bytesPerValue());
    assertEquals(4, float32.solve(PlaygroundSetup.defaults()).depth().bytesPerValue());
  }

  @Test
  void withoutAnyConvergedSolverThereIsNoEquilibriumButStillAPicture() {
    PlaygroundSetup setup =
        PlaygroundSetup.defaults()
            .withMap(PlaneMapKind.LINEAR)
            .withScale(1.5)
            .withRotationDegrees(60)
            .withMaxIterations(2);
    PlaygroundScene scene = float64.solve(setup);
    assertNull(scene.equilibrium());
    assertTrue(Double.isNaN(scene.depth().implicitGradient().x()));
    assertEquals(
        Playground.FIELD_RESOLUTION * Playground.FIELD_RESOLUTION,
        scene.field().positions().size());
  }

  @Test
  void aWholeSceneTakesFarLessThanAFrameBudgetOf100Milliseconds() {
    PlaygroundSetup setup = PlaygroundSetup.defaults();
    for (int i = 0; i < 100; i++) { // warm up the JIT and the solver buffers
      float64.solve(setup.withStart(1.0 + 0.01 * i, -1));
    }
    double[] millis = new double[40];
    for (int i = 0; i < millis.length; i++) {
      // a new map each time, so the fixed-point search runs too
      long began = System.nanoTime();
      float64.solve(setup.withScale(0.5 + 0.02 * i).withStart(1.5 - 0.02 * i, -1));
      millis[i] = (System.nanoTime() - began) / 1e6;
    }
    Arrays.sort(millis);
    double median = millis[millis.length / 2];
    System.out.printf(
        "playground scene (4 solvers, fixed points, adjoint, field, depth study), float64:"
            + " median %.2f ms, max %.2f ms%n",
        median, millis[millis.length - 1]);
    assertTrue(median < 100, "median scene time " + median + " ms");
  }

  @Test
  void lessonOverridesChangeOnlyTheirFieldsAndNameWhatIsWrong() throws Exception {
    JsonNode overrides =
        ExperimentConfigs.JSON.readTree("{\"map\": \"linear\", \"scale\": 1.2, \"depth\": 30}");
    PlaygroundSetup changed = PlaygroundSetup.defaults().withOverrides(overrides, "lesson x");
    assertEquals(
        PlaygroundSetup.defaults().withMap(PlaneMapKind.LINEAR).withScale(1.2).withDepth(30),
        changed);
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PlaygroundSetup.defaults()
                    .withOverrides(ExperimentConfigs.JSON.readTree("{\"scal\": 1}"), "lesson x"));
    assertTrue(unknown.getMessage().contains("lesson x: unknown playground field 'scal'"));
    IllegalArgumentException range =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PlaygroundSetup.defaults()
                    .withOverrides(ExperimentConfigs.JSON.readTree("{\"scale\": 7}"), "lesson x"));
    assertTrue(range.getMessage().contains("scale s must be in [0, 3]"), range.getMessage());
  }

  private static List<String> names(PlaygroundScene scene) {
    return scene.paths().stream().map(SolverPath::name).toList();
  }

  private static String steps(PlaygroundScene scene) {
    return scene.paths().stream().map(p -> p.name() + " " + p.steps()).toList().toString();
  }
}
