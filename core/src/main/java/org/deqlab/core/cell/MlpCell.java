package org.deqlab.core.cell;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * The simplest DEQ cell, {@code f(z, x) = act(z Wᵀ + x Uᵀ + b)} with the PyTorch {@code nn.Linear}
 * weight convention (W is d×d, U is d×p). Small enough to check every identity of the implicit
 * function theorem against finite differences, and the format of imported {@code .npz} problems. On
 * inputs with more axes (B, T, p) it acts on every position independently.
 */
public final class MlpCell extends Cell {
  private static final byte VERSION = 1;

  private final int stateSize;
  private final int inputSize;
  private final Activation activation;
  private final Parameter weight;
  private final Parameter injectionWeight;
  private final Parameter bias;

  /**
   * @param stateSize d, the width of z
   * @param inputSize p, the width of x
   * @param activation the nonlinearity
   * @param weightGain W is initialized N(0, gain²/d), so its spectral norm is about 2·gain: below
   *     0.5 the cell is a contraction
   */
  public MlpCell(int stateSize, int inputSize, Activation activation, double weightGain) {
    super(VERSION);
    if (stateSize < 1) {
      throw new IllegalArgumentException("stateSize (d) must be at least 1, got " + stateSize);
    }
    if (inputSize < 1) {
      throw new IllegalArgumentException("inputSize (p) must be at least 1, got " + inputSize);
    }
    if (!(weightGain >= 0) || !Double.isFinite(weightGain)) {
      throw new IllegalArgumentException("weightGain must be ≥ 0, got " + weightGain);
    }
    this.stateSize = stateSize;
    this.inputSize = inputSize;
    this.activation = activation;
    weight =
        addParameter(
            CellSupport.normal(
                "W", new Shape(stateSize, stateSize), weightGain / Math.sqrt(stateSize)));
    injectionWeight =
        addParameter(
            CellSupport.normal("U", new Shape(stateSize, inputSize), 1 / Math.sqrt(inputSize)));
    bias = addParameter(CellSupport.constant("b", Parameter.Type.BIAS, new Shape(stateSize), 0));
  }

  public int stateSize() {
    return stateSize;
  }

  public int inputSize() {
    return inputSize;
  }

  public Parameter weight() {
    return weight;
  }

  public Parameter injectionWeight() {
    return injectionWeight;
  }

  public Parameter bias() {
    return bias;
  }

  @Override
  public NDArray inject(ParameterStore parameters, NDArray x, boolean training) {
    NDArray u = parameters.getValue(injectionWeight, x.getDevice(), training);
    NDArray b = parameters.getValue(bias, x.getDevice(), training);
    return x.matMul(u.transpose()).add(b);
  }

  @Override
  public NDArray apply(ParameterStore parameters, NDArray z, NDArray injection, boolean training) {
    NDArray w = parameters.getValue(weight, z.getDevice(), training);
    return activation.apply(z.matMul(w.transpose()).add(injection));
  }

  /**
   * z has x's shape with the last axis (p) replaced by d: on sequences the cell acts per position.
   */
  @Override
  public Shape stateShape(Shape inputShape) {
    long[] dims = inputShape.getShape().clone(); // Shape.getShape() exposes its own array
    dims[dims.length - 1] = stateSize;
    return new Shape(dims);
  }

  @Override
  public Shape inputShape(long batch) {
    return new Shape(batch, inputSize);
  }

  /**
   * Overwrites the parameters with given values (an imported problem), converting to the dtype the
   * cell was initialized with. Shapes must match exactly.
   */
  public void load(NDArray w, NDArray u, NDArray b) {
    copyInto(weight, w);
    copyInto(injectionWeight, u);
    copyInto(bias, b);
  }

  private static void copyInto(Parameter parameter, NDArray value) {
    NDArray target = parameter.getArray();
    if (!target.getShape().equals(value.getShape())) {
      throw new IllegalArgumentException(
          "parameter "
              + parameter.getName()
              + " needs shape "
              + target.getShape()
              + ", got "
              + value.getShape());
    }
    try (NDArray converted = value.toType(target.getDataType(), true)) {
      target.set(converted.toByteBuffer());
    }
  }

  /** The dtype of the initialized parameters. */
  public DataType dataType() {
    return weight.getArray().getDataType();
  }
}
