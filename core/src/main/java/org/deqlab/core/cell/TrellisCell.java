package org.deqlab.core.cell;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * The weight-tied cell of DEQ-TrellisNet: a causal, dilated 1-D convolution over time whose weights
 * are shared by every layer, {@code f(z, x̃) = act(CausalConv(z; W) + x̃)} with the injection
 * {@code x̃ = CausalConv(x; U) + b} — a convolution of the input, computed once per pass. Causal
 * (left-padded) convolutions make position t depend on positions ≤ t only, so the equilibrium of a
 * sequence is a language model's state.
 *
 * <p>Shapes: x is (B, T, inputSize), z is (B, T, hiddenSize). Internally the convolutions run in
 * DJL's NCW layout, and the injection {@link #inject} returns is kept there: (B, C, T), with C =
 * hiddenSize, or 2·hiddenSize for the gated activation.
 *
 * <p>Options: kernel size and dilation; tanh or a gated activation {@code tanh(a) ⊙ σ(b)} (the
 * convolution produces both halves a and b); weight normalization {@code W = g·V/‖V‖} per output
 * channel (DJL has none, so the cell keeps V and g as parameters); variational dropout on the state
 * entering the recurrent convolution, one mask per pass shared by all positions. The convolutions
 * run on the configured {@link ConvolutionPath}.
 */
public final class TrellisCell extends Cell {
  private static final byte VERSION = 1;

  /**
   * The configuration of a {@link TrellisCell}.
   *
   * @param hiddenSize H, the channels of the state z
   * @param inputSize p, the channels of the input x
   * @param kernelSize k, taps of the causal convolutions (2 in TrellisNet)
   * @param dilation d, the spacing of the taps; the receptive field per layer is (k−1)·d + 1
   * @param gated tanh(a) ⊙ sigmoid(b) from 2H convolution channels instead of tanh from H
   * @param weightNorm learn every convolution as g·V/‖V‖ per output channel
   * @param dropout variational dropout rate on the state entering the recurrent convolution
   * @param recurrentScale the norm of each output channel's recurrent filter at initialization:
   *     smaller values make f more contractive at the start
   * @param convolution the kernel the convolutions run on (null means {@link ConvolutionPath#AUTO})
   */
  public record Config(
      int hiddenSize,
      int inputSize,
      int kernelSize,
      int dilation,
      boolean gated,
      boolean weightNorm,
      double dropout,
      double recurrentScale,
      ConvolutionPath convolution) {

    /** On the {@link ConvolutionPath#AUTO} path. */
    public Config(
        int hiddenSize,
        int inputSize,
        int kernelSize,
        int dilation,
        boolean gated,
        boolean weightNorm,
        double dropout,
        double recurrentScale) {
      this(
          hiddenSize,
          inputSize,
          kernelSize,
          dilation,
          gated,
          weightNorm,
          dropout,
          recurrentScale,
          ConvolutionPath.AUTO);
    }

    public Config {
      convolution = convolution == null ? ConvolutionPath.AUTO : convolution;
      CellSupport.require(hiddenSize >= 1, "hiddenSize (H) must be at least 1, got " + hiddenSize);
      CellSupport.require(inputSize >= 1, "inputSize (p) must be at least 1, got " + inputSize);
      CellSupport.require(kernelSize >= 1, "kernelSize (k) must be at least 1, got " + kernelSize);
      CellSupport.require(dilation >= 1, "dilation (d) must be at least 1, got " + dilation);
      CellSupport.require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
      CellSupport.require(
          recurrentScale > 0 && Double.isFinite(recurrentScale),
          "recurrentScale must be a positive finite number, got " + recurrentScale);
    }

    /** TrellisNet's usual shape: kernel 2, dilation 1, tanh, no weight norm, no dropout. */
    public static Config of(int hiddenSize, int inputSize, double recurrentScale) {
      return new Config(hiddenSize, inputSize, 2, 1, false, false, 0, recurrentScale);
    }
  }

  private final Config config;
  private final int convChannels;
  private final Parameter recurrentWeight;
  private final Parameter injectionWeight;
  private final Parameter bias;
  private final Parameter recurrentGain;
  private final Parameter injectionGain;
  private final VariationalDropout dropout;

  public TrellisCell(Config config) {
    super(VERSION);
    if (config == null) {
      throw new IllegalArgumentException("a TrellisCell needs a config");
    }
    this.config = config;
    int hidden = config.hiddenSize();
    int k = config.kernelSize();
    convChannels = config.gated() ? 2 * hidden : hidden;
    // Without weight norm each filter's norm is std·√fan-in ≈ recurrentScale; with it, g says so.
    double recurrentNorm = config.weightNorm() ? 1 : config.recurrentScale();
    double recurrentStd = recurrentNorm / Math.sqrt(hidden * k);
    recurrentWeight =
        addParameter(CellSupport.normal("W", new Shape(convChannels, hidden, k), recurrentStd));
    injectionWeight =
        addParameter(
            CellSupport.normal(
                "U",
                new Shape(convChannels, config.inputSize(), k),
                1 / Math.sqrt(config.inputSize() * k)));
    bias = addParameter(CellSupport.constant("b", Parameter.Type.BIAS, new Shape(convChannels), 0));
    if (config.weightNorm()) {
      recurrentGain =
          addParameter(
              CellSupport.constant(
                  "gW", Parameter.Type.WEIGHT, new Shape(convChannels), config.recurrentScale()));
      injectionGain =
          addParameter(
              CellSupport.constant("gU", Parameter.Type.WEIGHT, new Shape(convChannels), 1));
    } else {
      recurrentGain = null;
      injectionGain = null;
    }
    dropout = new VariationalDropout(config.dropout());
  }

  public Config config() {
    return config;
  }

  @Override
  public void startPass(NDArray x, boolean training) {
    dropout.resample(x, new Shape(x.getShape().get(0), 1, config.hiddenSize()), training);
  }

  /** {@code x̃ = CausalConv(x; U) + b}, shaped (B, C, T) in NCW layout. */
  @Override
  public NDArray inject(ParameterStore parameters, NDArray x, boolean training) {
    NDArray u = weight(parameters, injectionWeight, injectionGain, x.getDevice(), training);
    NDArray b = parameters.getValue(bias, x.getDevice(), training);
    return causalConv(x.transpose(0, 2, 1), u, b);
  }

  @Override
  public NDArray apply(ParameterStore parameters, NDArray z, NDArray injection, boolean training) {
    NDArray w = weight(parameters, recurrentWeight, recurrentGain, z.getDevice(), training);
    NDArray dropped = dropout.apply(z, training);
    NDArray preActivation = causalConv(dropped.transpose(0, 2, 1), w, null).add(injection);
    NDArray out;
    if (config.gated()) {
      NDList halves = preActivation.split(2, 1);
      out = halves.get(0).tanh().mul(ai.djl.nn.Activation.sigmoid(halves.get(1)));
    } else {
      out = preActivation.tanh();
    }
    return out.transpose(0, 2, 1);
  }

  private NDArray weight(
      ParameterStore parameters,
      Parameter direction,
      Parameter gain,
      Device device,
      boolean training) {
    NDArray v = parameters.getValue(direction, device, training);
    return gain == null
        ? v
        : CellSupport.weightNormalized(v, parameters.getValue(gain, device, training));
  }

  /** A dilated convolution of (B, C_in, T) that sees only the present and the past. */
  private NDArray causalConv(NDArray ncw, NDArray weight, NDArray bias) {
    return Convolutions.causal1d(ncw, weight, bias, config.dilation(), config.convolution());
  }

  /** z is (B, T, hiddenSize) for x of shape (B, T, inputSize). */
  @Override
  public Shape stateShape(Shape inputShape) {
    CellSupport.requireSequence(inputShape, config.inputSize());
    return new Shape(inputShape.get(0), inputShape.get(1), config.hiddenSize());
  }

  /** A one-step sequence (B, 1, inputSize); the cell accepts any length T. */
  @Override
  public Shape inputShape(long batch) {
    return new Shape(batch, 1, config.inputSize());
  }
}
