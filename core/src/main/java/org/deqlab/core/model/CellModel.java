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
import org.deqlab.core.layer.LayerPass;

/**
 * What every model around one cell shares: the cell as its child block, and the DJL block plumbing
 * ({@link #forward} replaces DJL's forward); for models that decode (all but {@link TargetModel}),
 * a linear decoder from the cell's state to the outputs and the cross-entropy loss with its counts.
 * Subclasses say how inputs become x and states become features. Parameters keep their insertion
 * order (cell, the subclass's own, the decoder), which is the order of checkpoints.
 */
abstract class CellModel extends AbstractBlock implements TaskModel {
  private static final byte VERSION = 1;

  private final Cell cell;
  private Parameter decoderWeight;
  private Parameter decoderBias;

  CellModel(Cell cell) {
    super(VERSION);
    this.cell = addChildBlock("cell", cell);
  }

  /**
   * Adds the decoder {@code features · Wᵀ + b} (W of shape (outputs, width), N(0, 1/width); b zero)
   * under the given parameter names; call it once, after the subclass's own parameters.
   */
  final void addDecoder(String weightName, String biasName, int outputs, int width) {
    decoderWeight =
        addParameter(
            Parameter.builder()
                .setName(weightName)
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(outputs, width))
                .optInitializer(new NormalInitializer((float) (1 / Math.sqrt(width))))
                .build());
    decoderBias =
        addParameter(
            Parameter.builder()
                .setName(biasName)
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(outputs))
                .optInitializer(Initializer.ZEROS)
                .build());
  }

  /**
   * The loss and counts of a pass: {@code features} (recorded when training) decoded to logits,
   * scored against the batch's targets from position {@code scoredFrom} on.
   */
  final Output output(
      ParameterStore parameters,
      Batch batch,
      LayerPass pass,
      NDArray features,
      boolean training,
      int scoredFrom) {
    NDArray logits =
        Autograd.recording(
            training,
            () -> {
              NDArray w = parameters.getValue(decoderWeight, features.getDevice(), training);
              NDArray b = parameters.getValue(decoderBias, features.getDevice(), training);
              return features.matMul(w.transpose()).add(b);
            });
    NDArray loss = Autograd.recording(training, () -> CrossEntropy.loss(logits, batch.targets()));
    long[] counts = CrossEntropy.correctAndScored(logits, batch.targets(), scoredFrom);
    return new Output(loss, pass, counts[0], counts[1], batch.targets().size());
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
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    cell.initialize(manager, dataType);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameters, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException(
        "use forward(ParameterStore, Batch, EquilibriumLayer, …)");
  }
}
