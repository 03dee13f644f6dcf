package org.deqlab.core.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.solver.IterationListener;

/**
 * A weight-tied layer built from one {@link Cell}: either solved to its equilibrium ({@link
 * DeqLayer}) or unrolled to a fixed depth ({@link UnrolledLayer}). Both take the same cell and the
 * same parameters, so a model can swap one for the other and compare them.
 */
public interface EquilibriumLayer {

  Cell cell();

  /**
   * Runs the layer on input {@code x}.
   *
   * @param parameters where the cell reads its parameters
   * @param x the input (give it {@code setRequiresGradient(true)} to receive ∂L/∂x)
   * @param training whether to build the gradient path; the layer switches recording on for its
   *     differentiable parts itself
   * @param listener told every forward-solver iteration
   */
  LayerPass forward(
      ParameterStore parameters, NDArray x, boolean training, IterationListener listener);

  /**
   * A short description for tables and logs, e.g. {@code deq(broyden)} or {@code unrolled(L=8)}.
   */
  String describe();
}
