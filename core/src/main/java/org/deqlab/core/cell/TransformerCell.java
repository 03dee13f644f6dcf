package org.deqlab.core.cell;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import org.deqlab.core.engine.Autograd;

/**
 * The weight-tied cell of the DEQ-Transformer (a Universal-Transformer layer):
 *
 * <pre>
 *   h = LN₁(Attn(z) + z + x̃),   f(z, x̃) = LN₂(h + FF(h)),   FF(h) = relu(h W₁ᵀ + b₁) W₂ᵀ + b₂
 * </pre>
 *
 * where Attn is multi-head causal self-attention over the T positions of {@code z + PE} (PE the
 * sinusoidal positional encoding) and {@code x̃ = x Uᵀ + b} the input injection. Causal masking
 * lets position t attend only to positions ≤ t.
 *
 * <p>Optionally each head also adds a learned bias {@code r_h[t − s]} to the score of query t on
 * key s, one value per distance up to a maximum (larger distances share the last one). Like the
 * content-independent positional term of Transformer-XL's relative attention (which the
 * DEQ-Transformer uses), it lets a head look a fixed distance back whatever the content — what copy
 * memory needs, and what absolute sinusoids alone make slow to learn. It starts at 0.
 *
 * <p>Shapes: x is (B, T, inputSize), z is (B, T, hiddenSize). Everything in f that does not depend
 * on z is paid once per pass in {@link #inject}: the injection it returns is (B, T, 4·H), the
 * residual injection {@code x Uᵀ + b} in the first H channels and the positional part of the
 * query/key/value projections {@code PE·W_qkvᵀ} in the other 3·H.
 *
 * <p>Variational dropout (an option) drops the attention output and the feed-forward output before
 * their residual sums, with one mask per pass shared by every position.
 */
public final class TransformerCell extends SequenceCell {
  private static final byte VERSION = 1;
  private static final float NORM_EPSILON = 1e-5f;

  /** Added to the scores of future positions: exp underflows to exactly 0 in float32 and 64. */
  private static final double MASKED_SCORE = -1e9;

  /**
   * The relative bias is stored as r and used as {@value}·r: an optimizer step of size η moves a
   * score by {@value}·η, so a head can learn to single out one distance among hundreds in hundreds
   * of steps rather than thousands (each entry gets gradient from few positions).
   */
  private static final double RELATIVE_BIAS_SCALE = 10;

  /**
   * The configuration of a {@link TransformerCell}.
   *
   * @param hiddenSize H, the width of the state z (the model dimension)
   * @param inputSize p, the width of the input x
   * @param heads attention heads; must divide H
   * @param feedForwardSize the width of the position-wise feed-forward part
   * @param dropout variational dropout rate on the attention and feed-forward outputs
   * @param recurrentScale multiplies the standard deviation of every weight applied to z (attention
   *     and feed-forward) at initialization: smaller values make f more contractive
   * @param relativeDistances distances with their own learned relative-position bias per head (0
   *     switches the bias off)
   */
  public record Config(
      int hiddenSize,
      int inputSize,
      int heads,
      int feedForwardSize,
      double dropout,
      double recurrentScale,
      int relativeDistances) {

    /** Without the relative-position bias. */
    public Config(
        int hiddenSize,
        int inputSize,
        int heads,
        int feedForwardSize,
        double dropout,
        double recurrentScale) {
      this(hiddenSize, inputSize, heads, feedForwardSize, dropout, recurrentScale, 0);
    }

    public Config {
      CellSupport.require(
          relativeDistances >= 0,
          "relativeDistances must be ≥ 0 (0 = no relative-position bias), got "
              + relativeDistances);
      CellSupport.require(hiddenSize >= 1, "hiddenSize (H) must be at least 1, got " + hiddenSize);
      CellSupport.require(inputSize >= 1, "inputSize (p) must be at least 1, got " + inputSize);
      CellSupport.require(
          heads >= 1 && hiddenSize % heads == 0,
          "heads must be at least 1 and divide hiddenSize (" + hiddenSize + "), got " + heads);
      CellSupport.require(
          feedForwardSize >= 1, "feedForwardSize must be at least 1, got " + feedForwardSize);
      CellSupport.require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
      CellSupport.requireRecurrentScale(recurrentScale);
    }
  }

  private final Config config;
  private final Parameter projection; // W_qkv (3H, H)
  private final Parameter output; // W_o (H, H)
  private final Parameter outputBias;
  private final Parameter injectionWeight; // U (H, p)
  private final Parameter injectionBias;
  private final Parameter norm1Gain;
  private final Parameter norm1Bias;
  private final Parameter feedForward1; // W₁ (F, H)
  private final Parameter feedForward1Bias;
  private final Parameter feedForward2; // W₂ (H, F)
  private final Parameter feedForward2Bias;
  private final Parameter norm2Gain;
  private final Parameter norm2Bias;
  private final Parameter relativeBias; // r (heads, distances), or null
  private final VariationalDropout attentionDropout;
  private final VariationalDropout feedForwardDropout;

  public TransformerCell(Config config) {
    super(
        VERSION,
        CellSupport.requireConfig(config, TransformerCell.class).inputSize(),
        config.hiddenSize());
    this.config = config;
    int h = config.hiddenSize();
    int f = config.feedForwardSize();
    double s = config.recurrentScale();
    projection = addParameter(CellSupport.normal("qkv", new Shape(3L * h, h), s / Math.sqrt(h)));
    output = addParameter(CellSupport.normal("out", new Shape(h, h), s / Math.sqrt(h)));
    outputBias = addParameter(bias("outBias", h));
    injectionWeight =
        addParameter(
            CellSupport.normal(
                "U", new Shape(h, config.inputSize()), 1 / Math.sqrt(config.inputSize())));
    injectionBias = addParameter(bias("b", h));
    norm1Gain =
        addParameter(CellSupport.constant("norm1Gain", Parameter.Type.GAMMA, new Shape(h), 1));
    norm1Bias =
        addParameter(CellSupport.constant("norm1Bias", Parameter.Type.BETA, new Shape(h), 0));
    feedForward1 = addParameter(CellSupport.normal("ff1", new Shape(f, h), s / Math.sqrt(h)));
    feedForward1Bias = addParameter(bias("ff1Bias", f));
    feedForward2 = addParameter(CellSupport.normal("ff2", new Shape(h, f), s / Math.sqrt(f)));
    feedForward2Bias = addParameter(bias("ff2Bias", h));
    norm2Gain =
        addParameter(CellSupport.constant("norm2Gain", Parameter.Type.GAMMA, new Shape(h), 1));
    norm2Bias =
        addParameter(CellSupport.constant("norm2Bias", Parameter.Type.BETA, new Shape(h), 0));
    relativeBias =
        config.relativeDistances() == 0
            ? null
            : addParameter(
                CellSupport.constant(
                    "relativeBias",
                    Parameter.Type.WEIGHT,
                    new Shape(config.heads(), config.relativeDistances()),
                    0));
    attentionDropout = new VariationalDropout(config.dropout());
    feedForwardDropout = new VariationalDropout(config.dropout());
  }

  private static Parameter bias(String name, int size) {
    return CellSupport.constant(name, Parameter.Type.BIAS, new Shape(size), 0);
  }

  public Config config() {
    return config;
  }

  @Override
  public void startPass(NDArray x, boolean training) {
    Shape mask = new Shape(x.getShape().get(0), 1, config.hiddenSize());
    attentionDropout.resample(x, mask, training);
    feedForwardDropout.resample(x, mask, training);
  }

  /** {@code [x Uᵀ + b, PE·W_qkvᵀ]}, shaped (B, T, 4·H). */
  @Override
  public NDArray inject(ParameterStore parameters, NDArray x, boolean training) {
    Device device = x.getDevice();
    NDArray u = parameters.getValue(injectionWeight, device, training);
    NDArray b = parameters.getValue(injectionBias, device, training);
    NDArray wqkv = parameters.getValue(projection, device, training);
    long batch = x.getShape().get(0);
    long length = x.getShape().get(1);
    NDArray residual = x.matMul(u.transpose()).add(b);
    NDArray encoding =
        sinusoids(x.getManager(), length, config.hiddenSize(), x.getDataType(), device);
    NDArray positional =
        encoding
            .matMul(wqkv.transpose())
            .broadcast(new Shape(batch, length, 3L * config.hiddenSize()));
    return residual.concat(positional, 2);
  }

  @Override
  public NDArray apply(ParameterStore parameters, NDArray z, NDArray injection, boolean training) {
    Device device = z.getDevice();
    int h = config.hiddenSize();
    NDList injected = injection.split(new long[] {h}, 2);
    NDArray attended = attention(parameters, z, injected.get(1), training);
    NDArray g1 = parameters.getValue(norm1Gain, device, training);
    NDArray b1 = parameters.getValue(norm1Bias, device, training);
    NDArray hidden =
        layerNorm(attentionDropout.apply(attended, training).add(z).add(injected.get(0)), g1, b1);

    NDArray w1 = parameters.getValue(feedForward1, device, training);
    NDArray c1 = parameters.getValue(feedForward1Bias, device, training);
    NDArray w2 = parameters.getValue(feedForward2, device, training);
    NDArray c2 = parameters.getValue(feedForward2Bias, device, training);
    NDArray fed =
        ai.djl.nn.Activation.relu(hidden.matMul(w1.transpose()).add(c1))
            .matMul(w2.transpose())
            .add(c2);
    NDArray g2 = parameters.getValue(norm2Gain, device, training);
    NDArray b2 = parameters.getValue(norm2Bias, device, training);
    return layerNorm(hidden.add(feedForwardDropout.apply(fed, training)), g2, b2);
  }

  /**
   * Multi-head causal self-attention of {@code z + PE}, whose projections are {@code z·W_qkvᵀ} plus
   * the positional part precomputed in the injection; returns (B, T, H) after W_o.
   */
  private NDArray attention(
      ParameterStore parameters, NDArray z, NDArray positionalQkv, boolean training) {
    Device device = z.getDevice();
    long batch = z.getShape().get(0);
    long length = z.getShape().get(1);
    int h = config.hiddenSize();
    int heads = config.heads();
    long headSize = h / heads;
    NDArray wqkv = parameters.getValue(projection, device, training);
    NDList qkv = z.matMul(wqkv.transpose()).add(positionalQkv).split(3, 2);
    NDArray q = splitHeads(qkv.get(0), batch, length, heads, headSize);
    NDArray k = splitHeads(qkv.get(1), batch, length, heads, headSize);
    NDArray v = splitHeads(qkv.get(2), batch, length, heads, headSize);
    NDArray scores =
        Autograd.scaled(q.matMul(k.transpose(0, 1, 3, 2)), 1 / Math.sqrt(headSize))
            .add(futureMask(z.getManager(), length, z.getDataType(), device));
    if (relativeBias != null) {
      scores = scores.add(relativeScores(parameters, z.getManager(), length, device, training));
    }
    NDArray mixed = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(batch, length, h);
    NDArray wo = parameters.getValue(output, device, training);
    NDArray bo = parameters.getValue(outputBias, device, training);
    return mixed.matMul(wo.transpose()).add(bo);
  }

  /** (heads, T, T): r_h[min(t − s, last)] for query t and key s ≤ t (0 distance for s > t). */
  private NDArray relativeScores(
      ParameterStore parameters, NDManager manager, long length, Device device, boolean training) {
    int heads = config.heads();
    int last = config.relativeDistances() - 1;
    // Built by native ops, not from a Java array: gather keeps its index for the backward pass,
    // and an array created from Java data lives in a buffer Java frees when its handle closes.
    NDArray position = manager.arange(0f, (float) length, 1f, DataType.FLOAT32, device);
    NDArray distances =
        position
            .reshape(length, 1)
            .sub(position.reshape(1, length))
            .clip(0, last)
            .toType(DataType.INT64, false)
            .reshape(1, length * length)
            .broadcast(new Shape(heads, length * length));
    NDArray r = parameters.getValue(relativeBias, device, training);
    return Autograd.scaled(
        r.gather(distances, 1).reshape(heads, length, length), RELATIVE_BIAS_SCALE);
  }

  /** (B, T, H) → (B, heads, T, H/heads). */
  private static NDArray splitHeads(NDArray x, long batch, long length, int heads, long headSize) {
    return x.reshape(batch, length, heads, headSize).transpose(0, 2, 1, 3);
  }

  /** (T, T): {@value #MASKED_SCORE} where the key's position is after the query's, else 0. */
  private static NDArray futureMask(
      NDManager manager, long length, DataType dataType, Device device) {
    NDArray position = manager.arange(0f, (float) length, 1f, DataType.FLOAT32, device);
    return position
        .reshape(1, length)
        .gt(position.reshape(length, 1))
        .toType(dataType, false)
        .mul(MASKED_SCORE);
  }

  private static NDArray layerNorm(NDArray x, NDArray gain, NDArray bias) {
    return LayerNorm.layerNorm(x, new Shape(gain.getShape().get(0)), gain, bias, NORM_EPSILON)
        .singletonOrThrow();
  }

  /**
   * The sinusoidal positional encoding of "Attention Is All You Need", (T, H): channel 2i holds
   * {@code sin(t / 10000^(2i/H))} and channel 2i+1 the cosine of the same angle.
   */
  static NDArray sinusoids(
      NDManager manager, long length, int width, DataType dataType, Device device) {
    double[] table = new double[Math.toIntExact(length * width)];
    for (int t = 0; t < length; t++) {
      for (int c = 0; c < width; c++) {
        double angle = t / Math.pow(10000, (double) (c - c % 2) / width);
        table[t * width + c] = c % 2 == 0 ? Math.sin(angle) : Math.cos(angle);
      }
    }
    return manager
        .create(table, new Shape(length, width))
        .toType(dataType, false)
        .toDevice(device, false);
  }
}
