package org.deqlab.core.cell;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One weight-tied layer {@code f(z, x)}: what a weight-tied network applies again and again and
 * what a DEQ solves for the fixed point of. Split in two so a solve pays for the input only once:
 * {@link #inject} computes the input injection {@code x̃} from {@code x} (its parameters receive
 * gradient through x̃), and {@link #apply} computes {@code f(z, x̃)}, called at every iteration.
 *
 * <p>A cell is a DJL block, so its parameters are ordinary DJL parameters that optimizers,
 * checkpoints and parameter stores understand. It never decides whether a graph is recorded: the
 * layers around it do.
 */
public abstract class Cell extends AbstractBlock {

  protected Cell(byte version) {
    super(version);
  }

  /**
   * Starts a forward pass on input {@code x}. A cell with per-pass randomness (variational dropout)
   * draws it here and reuses it in every {@link #apply} until the next call, so that f stays one
   * fixed map for a whole solve and its backward pass; in evaluation it forgets it. The layers call
   * this once per forward pass, before {@link #inject}. The default does nothing.
   */
  public void startPass(NDArray x, boolean training) {}

  /** Computes the input injection {@code x̃} from the input {@code x}. */
  public abstract NDArray inject(ParameterStore parameters, NDArray x, boolean training);

  /** Computes {@code f(z, x̃)}; the result has {@code z}'s shape. */
  public abstract NDArray apply(
      ParameterStore parameters, NDArray z, NDArray injection, boolean training);

  /** The shape of the hidden state z for an input of the given shape. */
  public abstract Shape stateShape(Shape inputShape);

  /** The shape of an input this cell accepts, for a batch of {@code batch} examples. */
  public abstract Shape inputShape(long batch);

  /** The dtype the cell's parameters were initialized with. */
  public ai.djl.ndarray.types.DataType dataTypeOf() {
    return getParameters().valueAt(0).getArray().getDataType();
  }

  /**
   * The features an image classifier reads from a state: the mean over every axis after the
   * channels, (B, C) for a (B, C, H, W) state. A cell whose state is laid out otherwise says how.
   */
  public NDArray pooledFeatures(NDArray state) {
    int rank = state.getShape().dimension();
    int[] spatial = new int[Math.max(0, rank - 2)];
    for (int i = 0; i < spatial.length; i++) {
      spatial[i] = i + 2;
    }
    return spatial.length == 0 ? state : state.mean(spatial);
  }

  /** The usual initial guess z₀ = 0 for input x. */
  public NDArray initialState(NDArray x) {
    return x.getManager().zeros(stateShape(x.getShape()), x.getDataType(), x.getDevice());
  }

  /** Initializes the parameters with this cell's own initializers. */
  public void initialize(NDManager manager, DataType dataType) {
    Shape input = inputShape(1);
    initialize(manager, dataType, stateShape(input), input);
  }

  /** One application {@code f(z, x)} from inputs {@code [z, x]}, for DJL's block API. */
  @Override
  protected NDList forwardInternal(
      ParameterStore parameters, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray injection = inject(parameters, inputs.get(1), training);
    return new NDList(apply(parameters, inputs.get(0), injection, training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
