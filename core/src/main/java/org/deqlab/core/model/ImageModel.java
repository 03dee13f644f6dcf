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
 * Images in, one class out: the convolutional cell's equilibrium is pooled over space ({@link
 * Cell#pooledFeatures}: (B, C, H, W) averaged to (B, C), or every resolution of a multiscale state
 * averaged and concatenated) and classified by a linear head.
 */
public final class ImageModel extends CellModel {
  private final int classes;

  /**
   * @param cell a cell taking images
   * @param classes the classes
   * @param channels the width of the cell's pooled features
   */
  public ImageModel(Cell cell, int classes, int channels) {
    super(cell);
    this.classes = classes;
    addDecoder("head", "headBias", classes, channels);
  }

  @Override
  public Output forward(
      ParameterStore parameters,
      Batch batch,
      EquilibriumLayer layer,
      boolean training,
      IterationListener listener) {
    LayerPass pass = layer.forward(parameters, batch.inputs(), training, listener);
    NDArray pooled = Autograd.recording(training, () -> cell().pooledFeatures(pass.state()));
    return output(parameters, batch, pass, pooled, training, 0);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
  }
}
