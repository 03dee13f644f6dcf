package org.deqlab.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.data.Batch;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.layer.EquilibriumLayer;
import org.deqlab.core.layer.LayerPass;
import org.deqlab.core.solver.IterationListener;

/**
 * Token sequences in, a prediction per position out: a learned embedding gives x (B, T, E), the
 * weight-tied sequence cell (causal) finds z (B, T, H), and a linear decoder gives the logits. Used
 * for copy memory and character-level language modelling.
 */
public final class SequenceModel extends CellModel {
  private final int vocabulary;
  private final int hidden;
  private final Parameter embedding;

  /**
   * @param cell a sequence cell taking x (B, T, embeddingSize) and state (B, T, hiddenSize)
   * @param vocabulary number of token ids
   * @param embeddingSize E
   * @param hiddenSize H, the cell's state width
   */
  public SequenceModel(Cell cell, int vocabulary, int embeddingSize, int hiddenSize) {
    super(cell);
    this.vocabulary = vocabulary;
    this.hidden = hiddenSize;
    embedding =
        addParameter(
            Parameter.builder()
                .setName("embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabulary, embeddingSize))
                .optInitializer(new NormalInitializer(1f))
                .build());
    addDecoder("decoder", "decoderBias", vocabulary, hiddenSize);
  }

  /** The input x for a batch of token ids (B, T): rows of the embedding. */
  public NDArray embed(ParameterStore parameters, NDArray tokens, boolean training) {
    NDArray table = parameters.getValue(embedding, tokens.getDevice(), training);
    return tokens
        .toType(DataType.INT32, false)
        .oneHot(vocabulary)
        .toType(table.getDataType(), false)
        .matMul(table);
  }

  @Override
  public Output forward(
      ParameterStore parameters,
      Batch batch,
      EquilibriumLayer layer,
      boolean training,
      IterationListener listener) {
    NDArray x = Autograd.recording(training, () -> embed(parameters, batch.inputs(), training));
    LayerPass pass = layer.forward(parameters, x, training, listener);
    return output(parameters, batch, pass, pass.state(), training, batch.scoredFrom());
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape tokens = inputShapes[0];
    return new Shape[] {new Shape(tokens.get(0), tokens.get(1), vocabulary)};
  }

  public int hiddenSize() {
    return hidden;
  }
}
