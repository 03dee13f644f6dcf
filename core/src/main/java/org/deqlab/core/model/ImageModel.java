package org.deqlab.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.data.Batch;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.layer.EquilibriumLayer;
import org.deqlab.core.layer.LayerPass;
import org.deqlab.core.solver.IterationListener;

/**
 * Images in, one class out: the convolutional cell's equilibrium z (B, C, H, W) is averaged over
 * space and classified by a linear head — a single-scale stand-in for multiscale vision DEQs.
 */
public final class ImageModel extends AbstractBlock implements TaskModel {
  private static final byte VERSION = 1;

  private final Cell cell;
  private final int classes;
  private final Parameter headWeight;
  private final Parameter headBias;

  public ImageModel(Cell cell, int classes, int channels) {
    super(VERSION);
    this.cell = addChildBlock("cell", cell);
    this.classes = classes;
    headWeight =
        addParameter(
            Parameter.builder()
                .setName("head")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(classes, channels))
                .optInitializer(new NormalInitializer((float) (1 / Math.sqrt(channels))))
                .build());
    headBias =
        addParameter(
            Parameter.builder()
                .setName("headBias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(classes))
                .optInitializer(Initializer.ZEROS)
                .build());
  }

  @Override
  public Block block() {
    return this;
  }

  @Override
  public Cell cell() {
    return cell;
  }

  @Override
  public Output forward(
      ParameterStore parameters,
      Batch batch,
      EquilibriumLayer layer,
      boolean training,
      IterationListener listener) {
    NDArray images = batch.inputs();
    LayerPass pass = layer.forward(parameters, images, training, listener);
    NDArray logits =
        Autograd.recording(
            training,
            () -> {
              NDArray pooled = pass.state().mean(new int[] {2, 3});
              NDArray w = parameters.getValue(headWeight, images.getDevice(), training);
              NDArray b = parameters.getValue(headBias, images.getDevice(), training);
              return pooled.matMul(w.transpose()).add(b);
            });
    NDArray loss = Autograd.recording(training, () -> CrossEntropy.loss(logits, batch.targets()));
    long[] counts = CrossEntropy.correctAndScored(logits, batch.targets(), 0);
    return new Output(loss, pass, counts[0], counts[1], batch.targets().size());
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    cell.initialize(manager, dataType);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameters, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException(
        "use forward(ParameterStore, Batch, EquilibriumLayer, …)");
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
  }
}
