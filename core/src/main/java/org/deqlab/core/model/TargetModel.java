package org.deqlab.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.data.Batch;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.layer.EquilibriumLayer;
import org.deqlab.core.layer.LayerPass;
import org.deqlab.core.solver.IterationListener;

/**
 * The equilibrium itself as the prediction: the batch's inputs are the cell's x, and the loss is
 * the mean squared error between {@code z*(x)} and the targets. No encoder and no decoder: every
 * parameter is the cell's, which is what fitting a user's own cell to targets needs.
 */
public final class TargetModel extends CellModel {
  public TargetModel(Cell cell) {
    super(cell);
  }

  @Override
  public Output forward(
      ParameterStore parameters,
      Batch batch,
      EquilibriumLayer layer,
      boolean training,
      IterationListener listener) {
    LayerPass pass = layer.forward(parameters, batch.inputs(), training, listener);
    NDArray loss =
        Autograd.recording(training, () -> pass.state().sub(batch.targets()).square().mean());
    return new Output(loss, pass, 0, 0, batch.targets().getShape().get(0));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {cell().stateShape(inputShapes[0])};
  }
}
