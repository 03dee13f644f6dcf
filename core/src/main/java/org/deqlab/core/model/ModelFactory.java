package org.deqlab.core.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.deqlab.core.cell.Activation;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.cell.ConvCell;
import org.deqlab.core.cell.MlpCell;
import org.deqlab.core.cell.TransformerCell;
import org.deqlab.core.cell.TrellisCell;
import org.deqlab.core.train.TrainingConfig;

/** Builds the model a config describes: the cell it names, wrapped for the task's data. */
public final class ModelFactory {
  /** Distances with their own relative-position bias: covers the sweeps' longest sequences. */
  private static final int RELATIVE_DISTANCES = 1024;

  private ModelFactory() {}

  /** A model for {@code vocabulary} token ids (or classes, for images). */
  public static TaskModel create(TrainingConfig config, int vocabulary) {
    TrainingConfig.Model spec = config.model();
    boolean images = config.task().kind().equals("shapes");
    int inputWidth = images ? 1 : spec.embedding();
    Cell cell = cell(spec, inputWidth);
    return images
        ? new ImageModel(cell, vocabulary, spec.hidden())
        : new SequenceModel(cell, vocabulary, spec.embedding(), spec.hidden());
  }

  /** The cell a model section names, for inputs of width {@code inputWidth}. */
  public static Cell cell(TrainingConfig.Model spec, int inputWidth) {
    return switch (spec.cell()) {
      case "mlp" -> new MlpCell(spec.hidden(), inputWidth, Activation.TANH, 0.4 * spec.initScale());
      case "transformer" ->
          new TransformerCell(
              new TransformerCell.Config(
                  spec.hidden(),
                  inputWidth,
                  spec.heads(),
                  spec.feedForward(),
                  spec.dropout(),
                  0.5 * spec.initScale(),
                  RELATIVE_DISTANCES));
      case "trellisnet" ->
          new TrellisCell(
              new TrellisCell.Config(
                  spec.hidden(),
                  inputWidth,
                  spec.kernelSize(),
                  spec.dilation(),
                  false,
                  spec.weightNorm(),
                  spec.dropout(),
                  0.5 * spec.initScale(),
                  spec.convolution()));
      case "conv" ->
          new ConvCell(
              new ConvCell.Config(
                  spec.hidden(),
                  inputWidth,
                  spec.kernelSize(),
                  groupsFor(spec.hidden()),
                  Activation.RELU,
                  0.5 * spec.initScale(),
                  spec.convolution()));
      default ->
          throw new IllegalArgumentException(
              "model.cell must be transformer, trellisnet, conv or mlp, got " + spec.cell());
    };
  }

  /** Group norm with 4 groups where the channels allow it (as multiscale DEQs do), else none. */
  private static int groupsFor(int channels) {
    return channels % 4 == 0 ? 4 : 0;
  }

  /** Initializes every parameter from the config's seed (set on the engine beforehand). */
  public static void initialize(
      TaskModel model, TrainingConfig config, NDManager manager, DataType dataType) {
    Shape input =
        config.task().kind().equals("shapes")
            ? new Shape(1, 1, config.task().sequenceLength(), config.task().sequenceLength())
            : new Shape(1, config.task().sequenceLength());
    model.block().initialize(manager, dataType, input);
  }
}
