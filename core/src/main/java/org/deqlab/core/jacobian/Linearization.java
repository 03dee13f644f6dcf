package org.deqlab.core.jacobian;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.cell.DetachedParameterStore;
import org.deqlab.core.engine.Autograd;

/**
 * A cell linearized at a point: gives vector–Jacobian products {@code u ↦ u·J_f(z)} without ever
 * forming the Jacobian. One graph of {@code f} is recorded at {@code z} (with detached parameters,
 * so no parameter accumulates gradient) and traversed once per product. The implicit backward solve
 * and the spectral probes are built on it.
 */
public final class Linearization implements AutoCloseable {
  private final NDArray point;
  private final NDArray image;

  private Linearization(NDArray point, NDArray image) {
    this.point = point;
    this.image = image;
  }

  /**
   * Records {@code f(z, x̃)} at {@code z}.
   *
   * @param cell the cell f
   * @param parameters where the cell reads its parameters (they are detached here)
   * @param z the point, usually the equilibrium z*
   * @param injection the input injection x̃ (detached here)
   * @param training passed to the cell (dropout masks and the like)
   */
  public static Linearization at(
      Cell cell, ParameterStore parameters, NDArray z, NDArray injection, boolean training) {
    return Autograd.recording(
        true,
        () -> {
          // A new leaf on z's storage (no copy): products accumulate on it, not on z.
          NDArray point = z.stopGradient();
          point.setRequiresGradient(true);
          return record(cell, parameters, point, injection, training);
        });
  }

  private static Linearization record(
      Cell cell, ParameterStore parameters, NDArray point, NDArray injection, boolean training) {
    ParameterStore detached = new DetachedParameterStore(parameters.getManager());
    NDArray image = cell.apply(detached, point, injection.stopGradient(), training);
    return new Linearization(point, image);
  }

  /** {@code f(z)} at the linearization point. */
  public NDArray image() {
    return image;
  }

  /** The vector–Jacobian product {@code u·J_f(z)}, shaped like z. */
  public NDArray vjp(NDArray u) {
    Autograd.backward(image, u, true);
    return Autograd.takeGradient(point);
  }

  /**
   * {@code w + u·J_f(z)}: the map whose fixed point is the implicit backward's adjoint, formed from
   * the accumulated gradient directly (one state-sized temporary instead of two).
   */
  public NDArray vjpPlus(NDArray u, NDArray w) {
    Autograd.backward(image, u, true);
    return Autograd.takeGradientPlus(point, w);
  }

  @Override
  public void close() {
    image.close();
    point.close(); // a handle: z's storage stays with z
  }
}
