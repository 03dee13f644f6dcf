package org.deqlab.core.cell;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * A small 2-D convolutional cell, the single-scale stand-in for multiscale vision DEQs: {@code f(z,
 * x̃) = act(GN(Conv(z; W)) + x̃)} with the injection {@code x̃ = Conv(x; U) + b}, square kernels
 * with "same" padding so the state keeps the image's height and width. Group norm (an option; DJL
 * has none, so the cell computes it) keeps the state's scale in check.
 *
 * <p>Shapes: x is (B, inputChannels, H, W), z and x̃ are (B, channels, H, W). The convolutions run
 * on the configured {@link ConvolutionPath}.
 */
public final class ConvCell extends Cell {
  private static final byte VERSION = 1;

  /**
   * The configuration of a {@link ConvCell}.
   *
   * @param channels C, the channels of the state z
   * @param inputChannels the channels of the input image x
   * @param kernelSize an odd k for k×k kernels (3 in MDEQ); padding k/2 keeps H and W
   * @param groups group-norm groups over the recurrent convolution's output, dividing C; 0 for no
   *     normalization
   * @param activation the nonlinearity (ReLU in MDEQ)
   * @param recurrentScale the norm of each recurrent filter at initialization without group norm;
   *     with group norm (which makes the map blind to W's scale) the norm's initial gain: smaller
   *     values make f more contractive at the start
   * @param convolution the kernel the convolutions run on (null means {@link ConvolutionPath#AUTO})
   * @param spectralNorm the largest singular value W and U may have (each laid out as (C_out,
   *     C_in·k·k); 0 switches spectral normalization off)
   */
  public record Config(
      int channels,
      int inputChannels,
      int kernelSize,
      int groups,
      Activation activation,
      double recurrentScale,
      ConvolutionPath convolution,
      double spectralNorm) {

    /** On the {@link ConvolutionPath#AUTO} path, without spectral normalization. */
    public Config(
        int channels,
        int inputChannels,
        int kernelSize,
        int groups,
        Activation activation,
        double recurrentScale) {
      this(
          channels,
          inputChannels,
          kernelSize,
          groups,
          activation,
          recurrentScale,
          ConvolutionPath.AUTO,
          0);
    }

    public Config {
      convolution = convolution == null ? ConvolutionPath.AUTO : convolution;
      CellSupport.require(channels >= 1, "channels (C) must be at least 1, got " + channels);
      CellSupport.require(
          inputChannels >= 1, "inputChannels must be at least 1, got " + inputChannels);
      CellSupport.requireOddKernel(kernelSize);
      CellSupport.require(
          groups >= 0 && (groups == 0 || channels % groups == 0),
          "groups must be 0 (no norm) or divide channels (" + channels + "), got " + groups);
      CellSupport.require(activation != null, "activation must be tanh, relu or identity");
      CellSupport.requireRecurrentScale(recurrentScale);
      CellSupport.requireSpectralBound(spectralNorm);
    }
  }

  private final Config config;
  private final Parameter recurrentWeight;
  private final Parameter injectionWeight;
  private final Parameter bias;
  private final Parameter normGain;
  private final Parameter normBias;
  private final SpectralNorm recurrentSpectral;
  private final SpectralNorm injectionSpectral;

  public ConvCell(Config config) {
    super(VERSION);
    this.config = CellSupport.requireConfig(config, ConvCell.class);
    int c = config.channels();
    int k = config.kernelSize();
    boolean normed = config.groups() > 0;
    double recurrentStd = (normed ? 1 : config.recurrentScale()) / Math.sqrt((double) c * k * k);
    recurrentWeight = addParameter(CellSupport.normal("W", new Shape(c, c, k, k), recurrentStd));
    injectionWeight =
        addParameter(
            CellSupport.normal(
                "U",
                new Shape(c, config.inputChannels(), k, k),
                1 / Math.sqrt((double) config.inputChannels() * k * k)));
    bias = addParameter(CellSupport.constant("b", Parameter.Type.BIAS, new Shape(c), 0));
    if (normed) {
      normGain =
          addParameter(
              CellSupport.constant(
                  "normGain", Parameter.Type.GAMMA, new Shape(c), config.recurrentScale()));
      normBias =
          addParameter(CellSupport.constant("normBias", Parameter.Type.BETA, new Shape(c), 0));
    } else {
      normGain = null;
      normBias = null;
    }
    boolean spectral = config.spectralNorm() > 0;
    recurrentSpectral = spectral ? new SpectralNorm(config.spectralNorm(), 1) : null;
    injectionSpectral = spectral ? new SpectralNorm(config.spectralNorm(), 2) : null;
  }

  public Config config() {
    return config;
  }

  @Override
  public void startPass(NDArray x, boolean training) {
    if (recurrentSpectral != null) {
      recurrentSpectral.startPass(training);
      injectionSpectral.startPass(training);
    }
  }

  @Override
  public NDArray inject(ParameterStore parameters, NDArray x, boolean training) {
    NDArray u =
        CellSupport.spectral(
            injectionSpectral,
            injectionWeight,
            parameters.getValue(injectionWeight, x.getDevice(), training));
    NDArray b = parameters.getValue(bias, x.getDevice(), training);
    return convolve(x, u, b);
  }

  @Override
  public NDArray apply(ParameterStore parameters, NDArray z, NDArray injection, boolean training) {
    Device device = z.getDevice();
    NDArray w =
        CellSupport.spectral(
            recurrentSpectral,
            recurrentWeight,
            parameters.getValue(recurrentWeight, device, training));
    NDArray convolved = convolve(z, w, null);
    if (normGain != null) {
      convolved =
          CellSupport.groupNorm(
              convolved,
              config.groups(),
              parameters.getValue(normGain, device, training),
              parameters.getValue(normBias, device, training));
    }
    return config.activation().apply(convolved.add(injection));
  }

  private NDArray convolve(NDArray image, NDArray weight, NDArray bias) {
    return Convolutions.same2d(image, weight, bias, config.convolution());
  }

  /** z is (B, channels, H, W) for x of shape (B, inputChannels, H, W). */
  @Override
  public Shape stateShape(Shape inputShape) {
    if (inputShape.dimension() != 4 || inputShape.get(1) != config.inputChannels()) {
      throw new IllegalArgumentException(
          "a ConvCell takes x of shape (B, "
              + config.inputChannels()
              + ", H, W), got "
              + inputShape);
    }
    return new Shape(inputShape.get(0), config.channels(), inputShape.get(2), inputShape.get(3));
  }

  /** A 1×1 image (B, inputChannels, 1, 1); the cell accepts any height and width. */
  @Override
  public Shape inputShape(long batch) {
    return new Shape(batch, config.inputChannels(), 1, 1);
  }
}
