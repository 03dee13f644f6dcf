package org.deqlab.core.playground;

import java.util.List;
import org.deqlab.core.solver.ResidualTrace;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.StopReason;

/**
 * Everything the playground shows for one {@link PlaygroundSetup}, computed at once and immutable:
 * the vector field, the fixed points with their eigenvalues, each solver's iterates and residuals,
 * the equilibrium the DEQ uses, and the unrolled-versus-DEQ depth study.
 *
 * @param setup what was solved
 * @param paths fixed-point, damped, Anderson and Broyden iterations from the start point, in that
 *     order
 * @param fixedPoints the fixed points found in the plane's square (by Broyden from a grid of
 *     starts), each with its eigenvalues
 * @param equilibrium the DEQ's z*: where Broyden from the start point converged (else the first
 *     solver that converged); null when none did
 * @param field samples of {@code f(z) − z} over the plane's square
 * @param depth the unrolled stack of the chosen depth against the DEQ
 * @param solveMillis wall time of the whole computation
 */
public record PlaygroundScene(
    PlaygroundSetup setup,
    List<SolverPath> paths,
    List<FixedPoint> fixedPoints,
    FixedPoint equilibrium,
    VectorField field,
    DepthStudy depth,
    double solveMillis) {

  public PlaygroundScene {
    paths = List.copyOf(paths);
    fixedPoints = List.copyOf(fixedPoints);
  }

  /** The path of the solver labelled {@code name}, e.g. {@code broyden}. */
  public SolverPath path(String name) {
    return paths.stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no solver path named " + name));
  }

  /**
   * One solver run from the start point, as the engine's solver ran it.
   *
   * @param name {@code fixed-point}, {@code damped}, {@code anderson} or {@code broyden}
   * @param kind the engine's solver that ran
   * @param iterates every point f was evaluated at, the start point first
   * @param residuals ‖f(z) − z‖ at each iterate
   * @param stopReason why the solve ended
   * @param result the iterate the solver returned (its lowest residual)
   */
  public record SolverPath(
      String name,
      SolverKind kind,
      List<Point2> iterates,
      ResidualTrace residuals,
      StopReason stopReason,
      Point2 result) {
    public SolverPath {
      iterates = List.copyOf(iterates);
    }

    /** Iterations used (iterates evaluated). */
    public int steps() {
      return iterates.size();
    }

    public boolean converged() {
      return stopReason == StopReason.CONVERGED;
    }
  }

  /**
   * A fixed point {@code z* = f(z*)} with the eigenvalues of {@code J_f(z*)}.
   *
   * @param point where it lies
   * @param jacobian {@code J_f(z*)}
   * @param eigenvalues its eigenvalues, in closed form
   */
  public record FixedPoint(Point2 point, Matrix2 jacobian, Eigenvalues2 eigenvalues) {
    /** The fixed point of {@code map} at {@code point}. */
    public static FixedPoint of(PlaneMap map, Point2 point) {
      Matrix2 jacobian = map.jacobian(point);
      return new FixedPoint(point, jacobian, jacobian.eigenvalues());
    }

    public double spectralRadius() {
      return eigenvalues.spectralRadius();
    }

    /** {@code ‖J_f(z*)‖²_F / d} with d = 2: the quantity Jacobian regularization penalises. */
    public double frobeniusPerDimension() {
      return jacobian.frobeniusSquared() / 2;
    }

    /** Whether plain iteration started close by converges to it (ρ < 1). */
    public boolean attracting() {
      return spectralRadius() < 1;
    }
  }

  /**
   * The residual {@code f(z) − z} on a square grid over {@code [−extent, extent]²}.
   *
   * @param extent half the side of the square
   * @param positions grid points, row by row
   * @param residuals {@code f(z) − z} at each grid point
   */
  public record VectorField(double extent, List<Point2> positions, List<Point2> residuals) {
    public VectorField {
      positions = List.copyOf(positions);
      residuals = List.copyOf(residuals);
    }

    /** Samples {@code map} at {@code resolution × resolution} points. */
    public static VectorField sample(PlaneMap map, double extent, int resolution) {
      List<Point2> positions = new java.util.ArrayList<>(resolution * resolution);
      List<Point2> residuals = new java.util.ArrayList<>(resolution * resolution);
      for (int row = 0; row < resolution; row++) {
        for (int column = 0; column < resolution; column++) {
          Point2 z =
              new Point2(
                  -extent + 2 * extent * column / (resolution - 1),
                  -extent + 2 * extent * row / (resolution - 1));
          positions.add(z);
          residuals.add(map.apply(z).minus(z));
        }
      }
      return new VectorField(extent, positions, residuals);
    }
  }

  /**
   * A weight-tied stack of L layers {@code z_{k+1} = f(z_k)} from the start point against the DEQ,
   * for the loss {@code ℓ = ½‖z‖²} of the output.
   *
   * @param layers L, the depth shown
   * @param trajectory {@code z_0 … z_L} of that stack
   * @param unrolledGradient ∂ℓ/∂x back-propagated through the L layers
   * @param implicitGradient ∂ℓ/∂x at z* by the implicit function theorem: the adjoint {@code u = w
   *     + J_fᵀ u} (w = z*) solved by the engine's Broyden solver, then {@code (∂f/∂x)ᵀ u}; NaN when
   *     there is no equilibrium
   * @param adjoint that adjoint solve (null when there is no equilibrium)
   * @param gradientGap {@code ‖unrolled − implicit‖} for stacks of depth 1 … {@link
   *     PlaygroundSetup#MAX_DEPTH} (index 0 is depth 1)
   * @param unrolledValuesKept numbers an unrolled stack keeps for its backward pass at each depth
   *     (its L + 1 states of 2 numbers; index 0 is depth 1)
   * @param deqValuesKept numbers the DEQ keeps: z* alone, at any depth
   * @param bytesPerValue 8 in float64, 4 in float32
   */
  public record DepthStudy(
      int layers,
      List<Point2> trajectory,
      Point2 unrolledGradient,
      Point2 implicitGradient,
      SolverPath adjoint,
      double[] gradientGap,
      int[] unrolledValuesKept,
      int deqValuesKept,
      int bytesPerValue) {
    public DepthStudy {
      trajectory = List.copyOf(trajectory);
      gradientGap = gradientGap.clone();
      unrolledValuesKept = unrolledValuesKept.clone();
    }

    @Override
    public double[] gradientGap() {
      return gradientGap.clone();
    }

    @Override
    public int[] unrolledValuesKept() {
      return unrolledValuesKept.clone();
    }
  }
}
