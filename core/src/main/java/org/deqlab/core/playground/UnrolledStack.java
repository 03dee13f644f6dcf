package org.deqlab.core.playground;

import java.util.ArrayList;
import java.util.List;

/**
 * A weight-tied stack of L layers {@code z_{k+1} = f(z_k)} in the plane, with its gradient by
 * back-propagation: what a DEQ replaces. Keeps every layer's state for the backward pass, as
 * autograd would.
 */
public final class UnrolledStack {
  private UnrolledStack() {}

  /** {@code z_0 = start, …, z_L}. */
  public static List<Point2> trajectory(PlaneMap map, Point2 start, int layers) {
    List<Point2> states = new ArrayList<>(layers + 1);
    Point2 z = start;
    states.add(z);
    for (int k = 0; k < layers; k++) {
      z = map.apply(z);
      states.add(z);
    }
    return states;
  }

  /**
   * ∂ℓ/∂x of {@code ℓ = ½‖z_L‖²} through the L layers: with {@code u = z_L}, for k = L−1 … 0
   * accumulate {@code (∂f/∂x(z_k))ᵀ u}, then {@code u ← J_f(z_k)ᵀ u}.
   */
  public static Point2 gradient(PlaneMap map, Point2 start, int layers) {
    List<Point2> states = trajectory(map, start, layers);
    Point2 upstream = states.get(layers);
    Point2 gradient = Point2.ORIGIN;
    for (int k = layers - 1; k >= 0; k--) {
      Point2 z = states.get(k);
      gradient = gradient.plus(map.inputJacobian(z).applyTransposed(upstream));
      upstream = map.jacobian(z).applyTransposed(upstream);
    }
    return gradient;
  }

  /** Numbers kept for the backward pass: the L + 1 states of 2 numbers each. */
  public static int valuesKept(int layers) {
    return 2 * (layers + 1);
  }
}
