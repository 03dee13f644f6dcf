package org.deqlab.core.playground;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.playground.PlaygroundScene.DepthStudy;
import org.deqlab.core.playground.PlaygroundScene.FixedPoint;
import org.deqlab.core.playground.PlaygroundScene.SolverPath;
import org.deqlab.core.playground.PlaygroundScene.VectorField;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.SolverResult;
import org.deqlab.core.solver.SolverWorkspace;
import org.deqlab.core.solver.StopCriterion;

/**
 * Computes {@link PlaygroundScene}s: the engine's own solvers ({@link SolverKind#solver()}, the
 * ones training uses) run on the 2-D state as DJL arrays of shape (1, 2) on the CPU, with f
 * evaluated on the host from its closed form and every point it is evaluated at recorded as the
 * solver's path. Fixed points are found the same way, by one batched Broyden solve from a grid of
 * starts; the implicit gradient's adjoint equation too. Nothing else is iterative: eigenvalues,
 * Jacobians and the unrolled stack's gradient are closed forms.
 *
 * <p>A scene takes a few milliseconds (measured in {@code PlaygroundTest}), so callers may compute
 * one per slider movement. Not thread-safe: use one instance from one thread at a time. It records
 * no autograd graph on any thread.
 */
public final class Playground implements AutoCloseable {
  /** Half the side of the square the plane shows, {@code [−2.5, 2.5]²}. */
  public static final double EXTENT = 2.5;

  /** Vector-field samples per side. */
  public static final int FIELD_RESOLUTION = 19;

  /** Starts per side of the grid from which fixed points are searched. */
  private static final int SEARCH_GRID = 7;

  /** At most this many fixed points are reported (a map like f(z) = z has a continuum). */
  private static final int MAX_FIXED_POINTS = 9;

  /** Fixed points closer than this are one. */
  private static final double SAME_POINT = 1e-3;

  private final NDManager manager;
  private final DataType dataType;
  private final SolverWorkspace workspace;
  private FixedPointsKey cachedKey;
  private List<FixedPoint> cachedFixedPoints;

  /**
   * A playground on arrays of {@code dataType} (float64, or float32 as users train) whose arrays
   * live under {@code parent}, which the caller closes.
   */
  public Playground(NDManager parent, DataType dataType) {
    this(dataType, parent.newSubManager());
  }

  private Playground(DataType dataType, NDManager manager) {
    if (dataType != DataType.FLOAT64 && dataType != DataType.FLOAT32) {
      throw new IllegalArgumentException(
          "the playground runs in float32 or float64, got " + dataType);
    }
    this.manager = manager;
    this.dataType = dataType;
    this.workspace = new SolverWorkspace(manager);
  }

  /** A playground with a CPU manager of its own (starts the engine if needed; not instant). */
  public static Playground onCpu(DataType dataType) {
    NDManager root = DeqEngine.newManager(Device.cpu());
    try {
      return new Playground(dataType, root);
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  public DataType dataType() {
    return dataType;
  }

  /** Everything the playground shows for {@code setup}. */
  public PlaygroundScene solve(PlaygroundSetup setup) {
    long began = System.nanoTime();
    return Autograd.noGrad(
        () -> {
          PlaneMap map = setup.planeMap();
          SolverOptions options = setup.solverOptions();
          List<SolverPath> paths =
              List.of(
                  path("fixed-point", SolverKind.FIXED_POINT, options, map, setup.start()),
                  path(
                      "damped",
                      SolverKind.FIXED_POINT,
                      options.withDamping(setup.damping()),
                      map,
                      setup.start()),
                  path("anderson", SolverKind.ANDERSON, options, map, setup.start()),
                  path("broyden", SolverKind.BROYDEN, options, map, setup.start()));
          List<FixedPoint> fixedPoints = fixedPoints(setup, map);
          FixedPoint equilibrium = equilibrium(paths, map);
          VectorField field = VectorField.sample(map, EXTENT, FIELD_RESOLUTION);
          DepthStudy depth = depthStudy(setup, map, equilibrium);
          return new PlaygroundScene(
              setup,
              paths,
              fixedPoints,
              equilibrium,
              field,
              depth,
              (System.nanoTime() - began) / 1e6);
        });
  }

  /** The DEQ's z*: Broyden's answer from the start point, else the first solver that converged. */
  private static FixedPoint equilibrium(List<SolverPath> paths, PlaneMap map) {
    SolverPath broyden = paths.get(3);
    if (broyden.converged()) {
      return FixedPoint.of(map, broyden.result());
    }
    return paths.stream()
        .filter(SolverPath::converged)
        .findFirst()
        .map(p -> FixedPoint.of(map, p.result()))
        .orElse(null);
  }

  /** One solver from {@code start}, recording every point f is evaluated at. */
  private SolverPath path(
      String name, SolverKind kind, SolverOptions options, PlaneMap map, Point2 start) {
    List<Point2> iterates = new ArrayList<>();
    UnaryOperator<NDArray> f =
        z -> {
          Point2 point = read(z)[0];
          iterates.add(point);
          return create(z.getManager(), new Point2[] {map.apply(point)});
        };
    try (NDManager solve = manager.newSubManager()) {
      NDArray initial = create(solve, new Point2[] {start});
      SolverResult result =
          kind.solver().solve(f, initial, options, IterationListener.NONE, workspace);
      return new SolverPath(
          name,
          kind,
          iterates,
          result.absoluteTrace(),
          result.stopReason(),
          read(result.equilibrium())[0]);
    }
  }

  /**
   * The fixed points in the plane's square: one batched Broyden solve from a grid of starts, the
   * converged answers merged. Kept while the map stays the same (dragging the start point or
   * changing a solver setting does not move them).
   */
  private List<FixedPoint> fixedPoints(PlaygroundSetup setup, PlaneMap map) {
    FixedPointsKey key = FixedPointsKey.of(setup);
    if (key.equals(cachedKey)) {
      return cachedFixedPoints;
    }
    int count = SEARCH_GRID * SEARCH_GRID;
    Point2[] starts = new Point2[count];
    for (int i = 0; i < count; i++) {
      double u = -1 + 2.0 * (i % SEARCH_GRID) / (SEARCH_GRID - 1);
      double v = -1 + 2.0 * (i / SEARCH_GRID) / (SEARCH_GRID - 1);
      starts[i] = new Point2(0.9 * EXTENT * u, 0.9 * EXTENT * v);
    }
    double tolerance = dataType == DataType.FLOAT64 ? 1e-11 : 1e-6;
    double accepted = dataType == DataType.FLOAT64 ? 1e-8 : 1e-4;
    SolverOptions options =
        SolverOptions.defaults()
            .withStopping(60, tolerance, StopCriterion.ABSOLUTE)
            .withBroyden(60, false);
    UnaryOperator<NDArray> f =
        z -> {
          Point2[] points = read(z);
          Point2[] images = new Point2[points.length];
          for (int i = 0; i < points.length; i++) {
            images[i] = map.apply(points[i]);
          }
          return create(z.getManager(), images);
        };
    List<FixedPoint> found = new ArrayList<>();
    try (NDManager solve = manager.newSubManager()) {
      SolverResult result =
          SolverKind.BROYDEN
              .solver()
              .solve(f, create(solve, starts), options, IterationListener.NONE, workspace);
      Point2[] answers = read(result.equilibrium());
      double[] residuals = result.sampleAbsoluteResiduals();
      for (int i = 0; i < answers.length && found.size() < MAX_FIXED_POINTS; i++) {
        Point2 answer = answers[i];
        if (!(residuals[i] <= accepted)
            || Math.max(Math.abs(answer.x()), Math.abs(answer.y())) > EXTENT) {
          continue;
        }
        if (found.stream().noneMatch(p -> p.point().distanceTo(answer) < SAME_POINT)) {
          found.add(FixedPoint.of(map, answer));
        }
      }
    }
    cachedKey = key;
    cachedFixedPoints = List.copyOf(found);
    return cachedFixedPoints;
  }

  private DepthStudy depthStudy(PlaygroundSetup setup, PlaneMap map, FixedPoint equilibrium) {
    Point2 implicit = new Point2(Double.NaN, Double.NaN);
    SolverPath adjoint = null;
    if (equilibrium != null) {
      adjoint = adjointSolve(map, equilibrium);
      implicit = map.inputJacobian(equilibrium.point()).applyTransposed(adjoint.result());
    }
    int maxDepth = PlaygroundSetup.MAX_DEPTH;
    double[] gaps = new double[maxDepth];
    int[] kept = new int[maxDepth];
    for (int layers = 1; layers <= maxDepth; layers++) {
      gaps[layers - 1] = UnrolledStack.gradient(map, setup.start(), layers).minus(implicit).norm();
      kept[layers - 1] = UnrolledStack.valuesKept(layers);
    }
    return new DepthStudy(
        setup.depth(),
        UnrolledStack.trajectory(map, setup.start(), setup.depth()),
        UnrolledStack.gradient(map, setup.start(), setup.depth()),
        implicit,
        adjoint,
        gaps,
        kept,
        2,
        dataType == DataType.FLOAT64 ? 8 : 4);
  }

  /**
   * The implicit backward's linear fixed point {@code u = w + J_f(z*)ᵀ u} for {@code w = ∂ℓ/∂z* =
   * z*}, solved by the engine's Broyden solver from {@code u = w}, as the DEQ layer's backward
   * solves it.
   */
  private SolverPath adjointSolve(PlaneMap map, FixedPoint equilibrium) {
    Point2 upstream = equilibrium.point();
    Matrix2 jacobian = equilibrium.jacobian();
    List<Point2> iterates = new ArrayList<>();
    UnaryOperator<NDArray> adjointMap =
        u -> {
          Point2 point = read(u)[0];
          iterates.add(point);
          return create(
              u.getManager(), new Point2[] {upstream.plus(jacobian.applyTransposed(point))});
        };
    double tolerance = dataType == DataType.FLOAT64 ? 1e-12 : 1e-6;
    SolverOptions options =
        SolverOptions.defaults()
            .withStopping(40, tolerance, StopCriterion.ABSOLUTE)
            .withBroyden(40, false);
    try (NDManager solve = manager.newSubManager()) {
      SolverResult result =
          SolverKind.BROYDEN
              .solver()
              .solve(
                  adjointMap,
                  create(solve, new Point2[] {upstream}),
                  options,
                  IterationListener.NONE,
                  workspace);
      return new SolverPath(
          "adjoint",
          SolverKind.BROYDEN,
          iterates,
          result.absoluteTrace(),
          result.stopReason(),
          read(result.equilibrium())[0]);
    }
  }

  /** Points as an array of shape (n, 2) in this playground's dtype. */
  private NDArray create(NDManager owner, Point2[] points) {
    Shape shape = new Shape(points.length, 2);
    if (dataType == DataType.FLOAT64) {
      double[] values = new double[2 * points.length];
      for (int i = 0; i < points.length; i++) {
        values[2 * i] = points[i].x();
        values[2 * i + 1] = points[i].y();
      }
      return owner.create(values, shape);
    }
    float[] values = new float[2 * points.length];
    for (int i = 0; i < points.length; i++) {
      values[2 * i] = (float) points[i].x();
      values[2 * i + 1] = (float) points[i].y();
    }
    return owner.create(values, shape);
  }

  /** The rows of an (n, 2) array as points. */
  private Point2[] read(NDArray array) {
    double[] values;
    if (array.getDataType() == DataType.FLOAT64) {
      values = array.toDoubleArray();
    } else {
      float[] floats = array.toFloatArray();
      values = new double[floats.length];
      for (int i = 0; i < floats.length; i++) {
        values[i] = floats[i];
      }
    }
    Point2[] points = new Point2[values.length / 2];
    for (int i = 0; i < points.length; i++) {
      points[i] = new Point2(values[2 * i], values[2 * i + 1]);
    }
    return points;
  }

  @Override
  public void close() {
    workspace.close();
    manager.close(); // its own: a sub-manager of the caller's, or the root of onCpu
  }

  /** What the fixed points depend on: the map, its weights and the input. */
  private record FixedPointsKey(
      PlaneMapKind map, double scale, double rotation, double inputX, double inputY) {
    static FixedPointsKey of(PlaygroundSetup s) {
      return new FixedPointsKey(s.map(), s.scale(), s.rotationDegrees(), s.inputX(), s.inputY());
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "Playground(%s on cpu)", dataType);
  }
}
