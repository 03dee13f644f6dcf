package org.deqlab.core.playground;

/**
 * A map {@code f(z, x)} of the plane with its derivatives in closed form, for one input {@code x}
 * and one set of weights: the cell of a 2-D DEQ. Built by {@link PlaneMapKind#build}.
 */
public interface PlaneMap {
  /** {@code f(z)}. */
  Point2 apply(Point2 z);

  /** {@code J_f(z) = ∂f/∂z}. */
  Matrix2 jacobian(Point2 z);

  /** {@code ∂f/∂x}, how f moves when the input moves (for gradients with respect to x). */
  Matrix2 inputJacobian(Point2 z);
}
