package org.deqlab.core.cell;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * A multiscale convolutional cell in the manner of MDEQ: the state holds the image at {@code R}
 * resolutions at once — full size with C channels, halved with 2C, halved again with 4C, … — and
 * one application of f updates all of them together, so the DEQ solves for every resolution's
 * equilibrium jointly. Per resolution r a residual block
 *
 * <pre>
 *   a_r = act(Conv(z_r; A_r)),   y_r = act(GN(z_r + Conv(a_r; B_r) + x̃_r))
 * </pre>
 *
 * with the injection {@code x̃_r = Conv(pool_r(x); U_r) + b_r} of the input averaged down to that
 * resolution, then a multiscale fusion: every resolution receives the sum of all blocks' outputs
 * brought to its size, {@code z_r ← act(y_r + Σ_{s≠r} T_{s→r}(y_s))}, a finer s reaching r by
 * average pooling and a k×k convolution, a coarser s by a 1×1 convolution and nearest-neighbour
 * upsampling.
 *
 * <p>Two departures from MDEQ keep f contractive at initialization, measured on the doctor's
 * instances (with MDEQ's layout ρ(J_f) was 1.2 and the float32 solves diverged): the input enters
 * at every resolution, not only the finest, so the sum each group norm divides by its standard
 * deviation is never near zero; and only that one norm per block sits on the path from z back to z
 * (its gain, {@code recurrentScale} at the start, bounds the map's slope), none in the fusion.
 *
 * <p>Shapes: x is (B, inputChannels, S, S) with S divisible by 2^{R−1}; the state z is one vector
 * per sample, (B, N) with N = Σ_r C·2^r·(S/2^r)², the resolutions' (C_r, S_r, S_r) blocks one after
 * the other, so every solver, residual trace and Jacobian probe sees the whole multiscale state;
 * the injection is laid out the same way. The classifier reads {@link #pooledFeatures}: each
 * resolution averaged over space, concatenated. Convolutions run on the configured {@link
 * ConvolutionPath}; spectral normalization (an option) bounds every convolution weight's largest
 * singular value.
 */
public final class MultiscaleCell extends Cell {
  private static final byte VERSION = 1;

  /**
   * The configuration of a {@link MultiscaleCell}.
   *
   * @param channels C, the channels at full resolution (2^r·C at resolution r)
   * @param inputChannels the channels of the input image x
   * @param scales R, the resolutions (at least 1; MDEQ uses 4)
   * @param kernelSize an odd k for the k×k convolutions
   * @param groups group-norm groups, dividing C
   * @param activation the nonlinearity (ReLU in MDEQ)
   * @param recurrentScale the gain each resolution's group norm starts with: smaller values make f
   *     more contractive at the start
   * @param convolution the kernel the convolutions run on (null means {@link ConvolutionPath#AUTO})
   * @param spectralNorm the largest singular value each convolution weight may have (laid out as
   *     (C_out, C_in·k·k); 0 switches spectral normalization off)
   */
  public record Config(
      int channels,
      int inputChannels,
      int scales,
      int kernelSize,
      int groups,
      Activation activation,
      double recurrentScale,
      ConvolutionPath convolution,
      double spectralNorm) {
    public Config {
      convolution = convolution == null ? ConvolutionPath.AUTO : convolution;
      CellSupport.require(channels >= 1, "channels (C) must be at least 1, got " + channels);
      CellSupport.require(
          inputChannels >= 1, "inputChannels must be at least 1, got " + inputChannels);
      CellSupport.require(scales >= 1 && scales <= 4, "scales must be in [1, 4], got " + scales);
      CellSupport.requireOddKernel(kernelSize);
      CellSupport.require(
          groups >= 1 && channels % groups == 0,
          "groups must divide channels (" + channels + "), got " + groups);
      CellSupport.require(activation != null, "activation must be tanh, relu or identity");
      CellSupport.requireRecurrentScale(recurrentScale);
      CellSupport.requireSpectralBound(spectralNorm);
    }

    /** The channels at resolution r: C·2^r. */
    public int channelsAt(int scale) {
      return channels << scale;
    }

    /** The width of {@link #pooledFeatures}: C·(2^R − 1). */
    public int pooledWidth() {
      return channels * ((1 << scales) - 1);
    }
  }

  /** A convolution weight, with its spectral normalization when that is on. */
  private record Conv(Parameter weight, SpectralNorm spectral) {}

  /** Group norm's per-channel gain and shift. */
  private record Norm(Parameter gain, Parameter shift) {}

  /** How the output of resolution {@code from} reaches resolution {@code to} in the fusion. */
  private record Link(int from, int to, Conv conv) {}

  private final Config config;
  private final List<Conv> injection = new ArrayList<>();
  private final List<Parameter> injectionBias = new ArrayList<>();
  private final List<Conv> first = new ArrayList<>();
  private final List<Conv> second = new ArrayList<>();
  private final List<Norm> norms = new ArrayList<>();
  private final List<Link> links = new ArrayList<>();
  private int spectralSeed;

  public MultiscaleCell(Config config) {
    super(VERSION);
    this.config = CellSupport.requireConfig(config, MultiscaleCell.class);
    int k = config.kernelSize();
    for (int r = 0; r < config.scales(); r++) {
      int c = config.channelsAt(r);
      injection.add(conv("U" + r, c, config.inputChannels(), k));
      injectionBias.add(
          addParameter(CellSupport.constant("b" + r, Parameter.Type.BIAS, new Shape(c), 0)));
      first.add(conv("A" + r, c, c, k));
      second.add(conv("B" + r, c, c, k));
      norms.add(norm("N" + r, c, config.recurrentScale()));
    }
    for (int to = 0; to < config.scales(); to++) {
      for (int from = 0; from < config.scales(); from++) {
        if (from == to) {
          continue;
        }
        int size = from < to ? k : 1;
        String name = "F" + from + "to" + to;
        links.add(
            new Link(from, to, conv(name, config.channelsAt(to), config.channelsAt(from), size)));
      }
    }
  }

  private Conv conv(String name, int out, int in, int size) {
    Parameter weight =
        addParameter(
            CellSupport.normal(
                name, new Shape(out, in, size, size), 1 / Math.sqrt((double) in * size * size)));
    SpectralNorm spectral =
        config.spectralNorm() > 0 ? new SpectralNorm(config.spectralNorm(), ++spectralSeed) : null;
    return new Conv(weight, spectral);
  }

  private Norm norm(String name, int channels, double gain) {
    return new Norm(
        addParameter(
            CellSupport.constant(name + "Gain", Parameter.Type.GAMMA, new Shape(channels), gain)),
        addParameter(
            CellSupport.constant(name + "Shift", Parameter.Type.BETA, new Shape(channels), 0)));
  }

  public Config config() {
    return config;
  }

  @Override
  public void startPass(NDArray x, boolean training) {
    if (config.spectralNorm() > 0) {
      for (int r = 0; r < config.scales(); r++) {
        injection.get(r).spectral().startPass(training);
        first.get(r).spectral().startPass(training);
        second.get(r).spectral().startPass(training);
      }
      links.forEach(link -> link.conv().spectral().startPass(training));
    }
  }

  /**
   * {@code x̃_r = Conv(pool_r(x); U_r) + b_r} at every resolution, laid out like the state: (B, N).
   */
  @Override
  public NDArray inject(ParameterStore parameters, NDArray x, boolean training) {
    requireImage(x.getShape());
    Device device = x.getDevice();
    long batch = x.getShape().get(0);
    NDList parts = new NDList(config.scales());
    for (int r = 0; r < config.scales(); r++) {
      NDArray image = r == 0 ? x : averagePool(x, 1 << r);
      parts.add(
          convolve(
                  image,
                  weight(parameters, injection.get(r), device, training),
                  parameters.getValue(injectionBias.get(r), device, training))
              .reshape(batch, -1));
    }
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
  }

  @Override
  public NDArray apply(ParameterStore parameters, NDArray z, NDArray injected, boolean training) {
    Device device = z.getDevice();
    long batch = z.getShape().get(0);
    long side = sideOf(z.getShape().size() / batch);
    List<NDArray> states = split(z, side);
    List<NDArray> injections = split(injected, side);
    List<NDArray> blocks = new ArrayList<>();
    for (int r = 0; r < config.scales(); r++) {
      NDArray state = states.get(r);
      NDArray inner =
          activation(convolve(state, weight(parameters, first.get(r), device, training), null));
      NDArray sum =
          state
              .add(convolve(inner, weight(parameters, second.get(r), device, training), null))
              .add(injections.get(r));
      blocks.add(activation(norm(parameters, norms.get(r), sum, training)));
    }
    NDList fused = new NDList(config.scales());
    for (int to = 0; to < config.scales(); to++) {
      NDArray total = blocks.get(to);
      for (Link link : links) {
        if (link.to() == to) {
          total = total.add(carry(parameters, link, blocks.get(link.from()), training));
        }
      }
      fused.add(activation(total).reshape(batch, -1));
    }
    return fused.size() == 1 ? fused.get(0) : NDArrays.concat(fused, 1);
  }

  /** Brings a block's output at resolution {@code link.from} to resolution {@code link.to}. */
  private NDArray carry(ParameterStore parameters, Link link, NDArray y, boolean training) {
    Device device = y.getDevice();
    NDArray w = weight(parameters, link.conv(), device, training);
    int factor = 1 << Math.abs(link.to() - link.from());
    if (link.from() < link.to()) {
      return convolve(averagePool(y, factor), w, null);
    }
    return upsample(convolve(y, w, null), factor);
  }

  /** Each resolution's (B, C_r, S_r, S_r) block of the flat state. */
  private List<NDArray> split(NDArray z, long side) {
    long batch = z.getShape().get(0);
    List<NDArray> states = new ArrayList<>(config.scales());
    long offset = 0;
    for (int r = 0; r < config.scales(); r++) {
      long s = side >> r;
      long size = config.channelsAt(r) * s * s;
      states.add(
          z.get(new NDIndex(":, {}:{}", offset, offset + size))
              .reshape(batch, config.channelsAt(r), s, s));
      offset += size;
    }
    return states;
  }

  /** Average over {@code factor}×{@code factor} squares: (B, C, h, w) → (B, C, h/f, w/f). */
  private static NDArray averagePool(NDArray y, int factor) {
    Shape shape = y.getShape();
    long h = shape.get(2) / factor;
    long w = shape.get(3) / factor;
    // One axis at a time: PyTorch's mean through DJL takes a single axis here.
    return y.reshape(shape.get(0), shape.get(1), h, factor, w, factor)
        .mean(new int[] {5})
        .mean(new int[] {3});
  }

  /** Nearest-neighbour upsampling: (B, C, h, w) → (B, C, h·f, w·f). */
  private static NDArray upsample(NDArray y, int factor) {
    Shape shape = y.getShape();
    long b = shape.get(0);
    long c = shape.get(1);
    long h = shape.get(2);
    long w = shape.get(3);
    return y.reshape(b, c, h, 1, w, 1)
        .broadcast(new Shape(b, c, h, factor, w, factor))
        .reshape(b, c, h * factor, w * factor);
  }

  private NDArray norm(ParameterStore parameters, Norm norm, NDArray y, boolean training) {
    Device device = y.getDevice();
    return CellSupport.groupNorm(
        y,
        config.groups(),
        parameters.getValue(norm.gain(), device, training),
        parameters.getValue(norm.shift(), device, training));
  }

  private NDArray activation(NDArray y) {
    return config.activation().apply(y);
  }

  private static NDArray weight(
      ParameterStore parameters, Conv conv, Device device, boolean training) {
    return CellSupport.spectral(
        conv.spectral(), conv.weight(), parameters.getValue(conv.weight(), device, training));
  }

  private NDArray convolve(NDArray image, NDArray weight, NDArray bias) {
    return Convolutions.same2d(image, weight, bias, config.convolution());
  }

  /**
   * The pooled features the classifier reads: every resolution averaged over space, concatenated,
   * (B, {@link Config#pooledWidth}).
   */
  @Override
  public NDArray pooledFeatures(NDArray state) {
    long batch = state.getShape().get(0);
    long perSample = state.getShape().size() / batch;
    long side = sideOf(perSample);
    NDList pooled = new NDList(config.scales());
    for (NDArray block : split(state, side)) {
      pooled.add(block.reshape(batch, block.getShape().get(1), -1).mean(new int[] {2}));
    }
    return pooled.size() == 1 ? pooled.get(0) : NDArrays.concat(pooled, 1);
  }

  /** The full-resolution side S of a state with {@code perSample} entries per sample. */
  private long sideOf(long perSample) {
    long unit = 0;
    for (int r = 0; r < config.scales(); r++) {
      unit += (long) config.channelsAt(r) << (2 * (config.scales() - 1 - r));
    }
    long coarse = Math.round(Math.sqrt((double) perSample / unit));
    return coarse << (config.scales() - 1);
  }

  private void requireImage(Shape inputShape) {
    long multiple = 1L << (config.scales() - 1);
    if (inputShape.dimension() != 4
        || inputShape.get(1) != config.inputChannels()
        || inputShape.get(2) != inputShape.get(3)
        || inputShape.get(2) % multiple != 0) {
      throw new IllegalArgumentException(
          "a MultiscaleCell with "
              + config.scales()
              + " scales takes square images x of shape (B, "
              + config.inputChannels()
              + ", S, S) with S a multiple of "
              + multiple
              + ", got "
              + inputShape);
    }
  }

  /** z is (B, N), N = Σ_r C·2^r·(S/2^r)², for x of shape (B, inputChannels, S, S). */
  @Override
  public Shape stateShape(Shape inputShape) {
    requireImage(inputShape);
    long side = inputShape.get(2);
    long size = 0;
    for (int r = 0; r < config.scales(); r++) {
      long s = side >> r;
      size += config.channelsAt(r) * s * s;
    }
    return new Shape(inputShape.get(0), size);
  }

  /** The smallest image the cell takes: side 2^{R−1}. */
  @Override
  public Shape inputShape(long batch) {
    long side = 1L << (config.scales() - 1);
    return new Shape(batch, config.inputChannels(), side, side);
  }
}
