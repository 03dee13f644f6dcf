package org.deqlab.core.cell;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * The weight-tied cell of DEQ-TrellisNet: a causal convolution over time whose weights are shared
 * by every layer, {@code f(z, x̃) = act(CausalConv(z; W) + x̃)} with the injection {@code x̃ =
 * CausalConv(x; U) + b} — a convolution of the input, computed once per pass. Causal (left-padded)
 * convolutions make position t depend on positions ≤ t only, so the equilibrium of a sequence is a
 * language model's state.
 *
 * <p>Shapes: x is (B, T, inputSize), z is (B, T, hiddenSize). Internally the convolutions run in
 * DJL's NCW layout, and the injection {@link #inject} returns is kept there: (B, C, T), with C the
 * convolution's output channels (H, 2H for the gated and the LSTM units).
 *
 * <p>Options: kernel size, dilation and {@link TapSpacing} (dilated, or exponentially spaced taps
 * that fold TrellisNet's dilation schedule into the one layer); the unit ({@link TrellisGating}):
 * tanh, gated {@code tanh(a) ⊙ σ(b)}, or TrellisNet's LSTM unit, whose state is {@code [h, c]} and
 * whose convolution reads h only; weight normalization {@code W = g·V/‖V‖} per output channel (DJL
 * has none, so the cell keeps V and g as parameters); spectral normalization of W and U to a bound
 * ({@link SpectralNorm}, after weight normalization when both are on); variational dropout on the
 * state entering the recurrent convolution, one mask per pass shared by all positions. Dilated
 * convolutions run on the configured {@link ConvolutionPath}, exponentially spaced ones unfolded.
 */
public final class TrellisCell extends SequenceCell {
  private static final byte VERSION = 1;

  /**
   * The configuration of a {@link TrellisCell}.
   *
   * @param hiddenSize H, the channels of the state z (even for the LSTM unit: h and c take half)
   * @param inputSize p, the channels of the input x
   * @param kernelSize k, taps of the causal convolutions (2 in TrellisNet)
   * @param dilation d, the spacing of dilated taps (receptive field (k−1)·d + 1 per layer), or the
   *     base of exponential ones (see {@link TapSpacing})
   * @param taps where the taps look back
   * @param gating the unit: tanh, gated, or LSTM
   * @param weightNorm learn every convolution as g·V/‖V‖ per output channel
   * @param spectralNorm the largest singular value W and U may have (each laid out as (C_out,
   *     C_in·k)) — 0 switches spectral normalization off
   * @param dropout variational dropout rate on the state entering the recurrent convolution
   * @param recurrentScale the norm of each output channel's recurrent filter at initialization:
   *     smaller values make f more contractive at the start
   * @param convolution the kernel dilated convolutions run on (null means {@link
   *     ConvolutionPath#AUTO})
   */
  @RecordBuilder
  public record Config(
      int hiddenSize,
      int inputSize,
      int kernelSize,
      int dilation,
      TapSpacing taps,
      TrellisGating gating,
      boolean weightNorm,
      double spectralNorm,
      double dropout,
      double recurrentScale,
      ConvolutionPath convolution)
      implements TrellisCellConfigBuilder.With {

    /**
     * A plain cell: dilated taps, the tanh unit, no normalization or dropout, the auto convolution
     * path; the with-edits change the rest ({@code withGating}, {@code withWeightNorm}, …).
     */
    public static Config of(
        int hiddenSize, int inputSize, int kernelSize, int dilation, double recurrentScale) {
      return new Config(
          hiddenSize,
          inputSize,
          kernelSize,
          dilation,
          TapSpacing.DILATED,
          TrellisGating.NONE,
          false,
          0,
          0,
          recurrentScale,
          ConvolutionPath.AUTO);
    }

    public Config {
      convolution = convolution == null ? ConvolutionPath.AUTO : convolution;
      taps = taps == null ? TapSpacing.DILATED : taps;
      gating = gating == null ? TrellisGating.NONE : gating;
      CellSupport.require(hiddenSize >= 1, "hiddenSize (H) must be at least 1, got " + hiddenSize);
      CellSupport.require(inputSize >= 1, "inputSize (p) must be at least 1, got " + inputSize);
      CellSupport.require(kernelSize >= 1, "kernelSize (k) must be at least 1, got " + kernelSize);
      CellSupport.require(dilation >= 1, "dilation (d) must be at least 1, got " + dilation);
      if (taps == TapSpacing.EXPONENTIAL) {
        taps.lags(kernelSize, dilation); // refuses lags beyond any sequence
      }
      CellSupport.require(
          gating != TrellisGating.LSTM || hiddenSize % 2 == 0,
          "hiddenSize (H) must be even for the LSTM unit (h and c take half each), got "
              + hiddenSize);
      CellSupport.requireSpectralBound(spectralNorm);
      CellSupport.require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
      CellSupport.requireRecurrentScale(recurrentScale);
    }

    /** TrellisNet's usual shape: kernel 2, dilation 1, tanh, no weight norm, no dropout. */
    public static Config of(int hiddenSize, int inputSize, double recurrentScale) {
      return of(hiddenSize, inputSize, 2, 1, recurrentScale);
    }

    /** Whether the unit is gated (tanh(a) ⊙ σ(b)). */
    public boolean gated() {
      return gating == TrellisGating.GLU;
    }

    /** The channels the recurrent convolution reads: H, or h's H/2 for the LSTM unit. */
    int recurrentInputs() {
      return gating == TrellisGating.LSTM ? hiddenSize / 2 : hiddenSize;
    }

    /** The convolutions' output channels: H, 2H (two halves) or 2H (four gates of H/2). */
    int convolutionChannels() {
      return gating == TrellisGating.NONE ? hiddenSize : 2 * hiddenSize;
    }
  }

  private final Config config;
  private final int[] lags;
  private final Parameter recurrentWeight;
  private final Parameter injectionWeight;
  private final Parameter bias;
  private final Parameter recurrentGain;
  private final Parameter injectionGain;
  private final VariationalDropout dropout;
  private final SpectralNorm recurrentSpectral;
  private final SpectralNorm injectionSpectral;

  public TrellisCell(Config config) {
    super(
        VERSION,
        CellSupport.requireConfig(config, TrellisCell.class).inputSize(),
        config.hiddenSize());
    this.config = config;
    int k = config.kernelSize();
    int convChannels = config.convolutionChannels();
    int reads = config.recurrentInputs();
    lags = config.taps().lags(k, config.dilation());
    // Without weight norm each filter's norm is std·√fan-in ≈ recurrentScale; with it, g says so.
    double recurrentNorm = config.weightNorm() ? 1 : config.recurrentScale();
    double recurrentStd = recurrentNorm / Math.sqrt(reads * k);
    recurrentWeight =
        addParameter(CellSupport.normal("W", new Shape(convChannels, reads, k), recurrentStd));
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
    boolean spectral = config.spectralNorm() > 0;
    recurrentSpectral = spectral ? new SpectralNorm(config.spectralNorm(), 1) : null;
    injectionSpectral = spectral ? new SpectralNorm(config.spectralNorm(), 2) : null;
    dropout = new VariationalDropout(config.dropout());
  }

  public Config config() {
    return config;
  }

  @Override
  public void startPass(NDArray x, boolean training) {
    dropout.resample(x, new Shape(x.getShape().get(0), 1, config.recurrentInputs()), training);
    if (recurrentSpectral != null) {
      recurrentSpectral.startPass(training);
      injectionSpectral.startPass(training);
    }
  }

  /** {@code x̃ = CausalConv(x; U) + b}, shaped (B, C, T) in NCW layout. */
  @Override
  public NDArray inject(ParameterStore parameters, NDArray x, boolean training) {
    NDArray u =
        weight(
            parameters, injectionWeight, injectionGain, injectionSpectral, x.getDevice(), training);
    NDArray b = parameters.getValue(bias, x.getDevice(), training);
    return causalConv(x.transpose(0, 2, 1), u, b);
  }

  @Override
  public NDArray apply(ParameterStore parameters, NDArray z, NDArray injection, boolean training) {
    NDArray w =
        weight(
            parameters, recurrentWeight, recurrentGain, recurrentSpectral, z.getDevice(), training);
    if (config.gating() == TrellisGating.LSTM) {
      return lstm(z, w, injection, training);
    }
    NDArray dropped = dropout.apply(z, training);
    NDArray preActivation = causalConv(dropped.transpose(0, 2, 1), w, null).add(injection);
    NDArray out;
    if (config.gating() == TrellisGating.GLU) {
      NDList halves = preActivation.split(2, 1);
      out = halves.get(0).tanh().mul(ai.djl.nn.Activation.sigmoid(halves.get(1)));
    } else {
      out = preActivation.tanh();
    }
    return out.transpose(0, 2, 1);
  }

  /**
   * TrellisNet's LSTM unit on a state {@code [h, c]} (B, T, H): gates from the convolution of h,
   * the memory cell of the previous position (zero before the start) forgotten by σ(f).
   */
  private NDArray lstm(NDArray z, NDArray w, NDArray injection, boolean training) {
    NDList state = z.split(2, 2);
    NDArray h = dropout.apply(state.get(0), training).transpose(0, 2, 1);
    NDArray c = state.get(1).transpose(0, 2, 1);
    long length = c.getShape().get(2);
    NDArray previousCell = c.pad(new Shape(1, 0), 0).get(new NDIndex(":, :, 0:{}", length));
    NDList gates = causalConv(h, w, null).add(injection).split(4, 1);
    NDArray input = ai.djl.nn.Activation.sigmoid(gates.get(0));
    NDArray output = ai.djl.nn.Activation.sigmoid(gates.get(1));
    NDArray candidate = gates.get(2).tanh();
    NDArray forget = ai.djl.nn.Activation.sigmoid(gates.get(3));
    NDArray cell = forget.mul(previousCell).add(input.mul(candidate));
    return output.mul(cell.tanh()).concat(cell, 1).transpose(0, 2, 1);
  }

  private NDArray weight(
      ParameterStore parameters,
      Parameter direction,
      Parameter gain,
      SpectralNorm spectral,
      Device device,
      boolean training) {
    NDArray v = parameters.getValue(direction, device, training);
    NDArray w =
        gain == null
            ? v
            : CellSupport.weightNormalized(v, parameters.getValue(gain, device, training));
    return spectral == null ? w : spectral.apply(w, direction.getArray().getManager());
  }

  /** A convolution of (B, C_in, T) that sees only the present and the past. */
  private NDArray causalConv(NDArray ncw, NDArray weight, NDArray bias) {
    if (config.taps() == TapSpacing.EXPONENTIAL) {
      return Convolutions.causalAtLags(ncw, weight, bias, lags);
    }
    return Convolutions.causal1d(ncw, weight, bias, config.dilation(), config.convolution());
  }
}
