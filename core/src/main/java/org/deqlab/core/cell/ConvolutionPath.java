package org.deqlab.core.cell;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/**
 * Which kernel a cell's convolutions run on. The engine's own convolution (oneDNN on the CPU) is
 * the fast one, but on AVX-512 CPUs with PyTorch 2.7.1 the <em>input</em> gradient of a float32
 * convolution is silently wrong whenever its output channels are not a multiple of 16 (relative
 * errors 0.2–4, sometimes NaN; forward and weight gradient are right; see the README's known
 * issues). The unfolded path builds the convolution from shifted slices and one matrix product,
 * whose gradients are exact, at a measured cost ({@code ./deq bench}).
 */
public enum ConvolutionPath {
  /**
   * Per convolution: {@link #UNFOLDED} where the native kernel's gradient is known to be wrong (a
   * float32 or lower-precision convolution on the CPU whose output channels are not a multiple of
   * 16), {@link #NATIVE} elsewhere. {@code ./deq doctor} and the training commands verify the
   * choice on the machine at hand.
   */
  AUTO,
  /** The engine's convolution kernel everywhere. */
  NATIVE,
  /** Shifted slices stacked along the channels and one matrix product (im2col) everywhere. */
  UNFOLDED;

  /** Output channels whose oneDNN blocking (16 on AVX-512, 8 on AVX2) has exact gradients. */
  private static final int SAFE_CHANNEL_MULTIPLE = 16;

  /**
   * The concrete path ({@link #NATIVE} or {@link #UNFOLDED}) for one convolution.
   *
   * @param device where it runs
   * @param dataType the dtype of its input
   * @param outputChannels the channels it produces
   */
  public ConvolutionPath resolve(Device device, DataType dataType, long outputChannels) {
    if (this != AUTO) {
      return this;
    }
    boolean cpu = !device.isGpu();
    boolean reducedPrecision = dataType != DataType.FLOAT64;
    return cpu && reducedPrecision && outputChannels % SAFE_CHANNEL_MULTIPLE != 0
        ? UNFOLDED
        : NATIVE;
  }

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code auto}, {@code native} or {@code unfolded}, naming the allowed values on error. */
  @JsonCreator
  public static ConvolutionPath parse(String text) {
    for (ConvolutionPath path : values()) {
      if (path.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return path;
      }
    }
    throw new IllegalArgumentException("convolution must be one of "
        + Arrays.toString(Arrays.stream(values()).map(ConvolutionPath::label).toArray())
        + ", got '" + text + "'");
  }

  @Override
  public String toString() {
    return label();
  }
}
