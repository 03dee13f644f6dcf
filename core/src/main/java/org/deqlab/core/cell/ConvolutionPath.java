package org.deqlab.core.cell;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.deqlab.core.text.Labelled;

/**
 * Which kernel a cell's convolutions run on. The engine's own convolution (oneDNN on the CPU) is
 * the fast one, but on AVX-512 CPUs with PyTorch 2.7.1 the <em>input</em> gradient of a float32
 * convolution is silently wrong whenever its output channels are not a multiple of 16 (relative
 * errors 0.2–4, sometimes NaN; forward and weight gradient are right; see the README's known
 * issues). Two ways around it, with their costs measured by {@code ./deq bench}: the padded path
 * runs the same kernel with the output channels padded by zero filters to a multiple of 16 (where
 * its gradient is right) and drops the extra channels; the unfolded path builds the convolution
 * from shifted slices and one matrix product and does not use the kernel at all.
 */
public enum ConvolutionPath implements Labelled {
  /**
   * Per convolution: where the native kernel's gradient is known to be wrong (a float32 or
   * lower-precision convolution on the CPU whose output channels are not a multiple of 16) the
   * cheaper of the two ways around it, as measured by {@code ./deq bench}: {@link #UNFOLDED} for
   * 1-D convolutions (their k shifted slices and one product cost 1.1× the native VJP, padding
   * 1.4×), {@link #PADDED} for 2-D ones (1.15×, where unfolding k² slices costs 1.6–1.9×); {@link
   * #NATIVE} elsewhere. {@code ./deq doctor} checks the choice on the machine at hand, and the
   * training commands move to {@link #UNFOLDED} if it fails there.
   */
  AUTO,
  /** The engine's convolution kernel everywhere. */
  NATIVE,
  /**
   * The engine's kernel with the output channels padded by zero filters to a multiple of 16 (a
   * no-op where they already are one); the padding channels are dropped from the result.
   */
  PADDED,
  /** Shifted slices stacked along the channels and one matrix product (im2col) everywhere. */
  UNFOLDED;

  /**
   * Output channels whose oneDNN blocking (16 on AVX-512, 8 on AVX2) gave exact gradients here: 16,
   * 32 and 48 did, 1–15, 17, 20, 24, 31, 33 and 40 did not.
   */
  public static final int SAFE_CHANNEL_MULTIPLE = 16;

  /**
   * The concrete path ({@link #NATIVE}, {@link #PADDED} or {@link #UNFOLDED}) for one convolution.
   *
   * @param device where it runs
   * @param dataType the dtype of its input
   * @param outputChannels the channels it produces
   * @param spatialAxes 1 for a convolution over time, 2 over an image
   */
  public ConvolutionPath resolve(
      Device device, DataType dataType, long outputChannels, int spatialAxes) {
    if (this != AUTO) {
      return this;
    }
    boolean cpu = !device.isGpu();
    boolean reducedPrecision = dataType != DataType.FLOAT64;
    if (!cpu || !reducedPrecision || outputChannels % SAFE_CHANNEL_MULTIPLE == 0) {
      return NATIVE;
    }
    return spatialAxes == 1 ? UNFOLDED : PADDED;
  }

  @Override
  public String toString() {
    return label();
  }
}
