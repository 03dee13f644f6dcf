package org.deqlab.core.cell;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;

/**
 * The convolutions the cells use, each on the {@link ConvolutionPath} asked for. The padded form
 * appends zero filters (and zero biases) until the output channels are a multiple of {@value
 * ConvolutionPath#SAFE_CHANNEL_MULTIPLE}, runs the engine's kernel and keeps the first channels.
 * The unfolded form of a convolution with a k-tap kernel stacks the k shifted views of the (padded)
 * input along the channel axis, tap by tap, and multiplies once by the kernel laid out to match:
 * {@code y = W' · [x_0; x_1; …; x_{k−1}]} with {@code W'[o, j·C + c] = W[o, c, j]}; slicing,
 * concatenation and matrix products have exact gradients everywhere.
 */
public final class Convolutions {
  private Convolutions() {}

  /**
   * A causal, dilated 1-D convolution of {@code ncw} (B, C_in, T): position t sees positions t −
   * (k−1)·d … t only (left padding with zeros). Returns (B, C_out, T).
   *
   * @param weight (C_out, C_in, k)
   * @param bias (C_out), or null
   */
  public static NDArray causal1d(
      NDArray ncw, NDArray weight, NDArray bias, int dilation, ConvolutionPath path) {
    Shape kernel = weight.getShape();
    long outChannels = kernel.get(0);
    int taps = (int) kernel.get(2);
    int padding = (taps - 1) * dilation;
    NDArray padded = padding == 0 ? ncw : ncw.pad(new Shape(padding, 0), 0);
    ConvolutionPath resolved = path.resolve(ncw.getDevice(), ncw.getDataType(), outChannels, 1);
    if (resolved != ConvolutionPath.UNFOLDED) {
      boolean widen = resolved == ConvolutionPath.PADDED;
      NDArray out =
          Conv1d.conv1d(
                  padded,
                  widen ? widened(weight) : weight,
                  widen && bias != null ? widened(bias) : bias,
                  new Shape(1),
                  new Shape(0),
                  new Shape(dilation),
                  1)
              .singletonOrThrow();
      return widen ? firstChannels(out, outChannels) : out;
    }
    long length = ncw.getShape().get(2);
    NDList shifted = new NDList(taps);
    for (int j = 0; j < taps; j++) {
      shifted.add(padded.get(new NDIndex(":, :, {}:{}", j * dilation, j * dilation + length)));
    }
    NDArray columns = taps == 1 ? shifted.get(0) : NDArrays.concat(shifted, 1);
    NDArray laidOut = weight.transpose(0, 2, 1).reshape(outChannels, -1);
    NDArray out = laidOut.matMul(columns);
    return bias == null ? out : out.add(bias.reshape(1, outChannels, 1));
  }

  /**
   * A causal 1-D convolution of {@code ncw} (B, C_in, T) whose tap j sees position t − lags[j]
   * (zeros before the start), computed unfolded: the shifted views stacked along the channels and
   * one matrix product, so no convolution kernel runs (any lags, any channel count, exact
   * gradients). Returns (B, C_out, T).
   *
   * @param weight (C_out, C_in, k) with k = lags.length
   * @param bias (C_out), or null
   */
  public static NDArray causalAtLags(NDArray ncw, NDArray weight, NDArray bias, int[] lags) {
    long outChannels = weight.getShape().get(0);
    int farthest = java.util.Arrays.stream(lags).max().orElse(0);
    NDArray padded = farthest == 0 ? ncw : ncw.pad(new Shape(farthest, 0), 0);
    long length = ncw.getShape().get(2);
    NDList shifted = new NDList(lags.length);
    for (int lag : lags) {
      int from = farthest - lag;
      shifted.add(padded.get(new NDIndex(":, :, {}:{}", from, from + length)));
    }
    NDArray columns = lags.length == 1 ? shifted.get(0) : NDArrays.concat(shifted, 1);
    NDArray laidOut = weight.transpose(0, 2, 1).reshape(outChannels, -1);
    NDArray out = laidOut.matMul(columns);
    return bias == null ? out : out.add(bias.reshape(1, outChannels, 1));
  }

  /** The array with zeros appended along axis 0 up to a multiple of the safe channel count. */
  private static NDArray widened(NDArray array) {
    Shape shape = array.getShape();
    long channels = shape.get(0);
    long multiple = ConvolutionPath.SAFE_CHANNEL_MULTIPLE;
    long extra = (multiple - channels % multiple) % multiple;
    if (extra == 0) {
      return array;
    }
    long[] zerosShape = shape.getShape().clone();
    zerosShape[0] = extra;
    NDArray zeros =
        array.getManager().zeros(new Shape(zerosShape), array.getDataType(), array.getDevice());
    return array.concat(zeros, 0);
  }

  /** Channels 0 … {@code channels − 1} of a (B, C, …) result. */
  private static NDArray firstChannels(NDArray out, long channels) {
    return out.getShape().get(1) == channels ? out : out.get(new NDIndex(":, 0:{}", channels));
  }

  /**
   * A 2-D convolution of {@code nchw} (B, C_in, H, W) with a square, odd kernel and "same" padding
   * (k/2 zeros on every side), stride 1. Returns (B, C_out, H, W).
   *
   * @param weight (C_out, C_in, k, k)
   * @param bias (C_out), or null
   */
  public static NDArray same2d(NDArray nchw, NDArray weight, NDArray bias, ConvolutionPath path) {
    Shape kernel = weight.getShape();
    long outChannels = kernel.get(0);
    int size = (int) kernel.get(2);
    int padding = size / 2;
    ConvolutionPath resolved = path.resolve(nchw.getDevice(), nchw.getDataType(), outChannels, 2);
    if (resolved != ConvolutionPath.UNFOLDED) {
      boolean widen = resolved == ConvolutionPath.PADDED;
      NDArray out =
          Conv2d.conv2d(
                  nchw,
                  widen ? widened(weight) : weight,
                  widen && bias != null ? widened(bias) : bias,
                  new Shape(1, 1),
                  new Shape(padding, padding),
                  new Shape(1, 1),
                  1)
              .singletonOrThrow();
      return widen ? firstChannels(out, outChannels) : out;
    }
    Shape image = nchw.getShape();
    long height = image.get(2);
    long width = image.get(3);
    NDArray padded =
        padding == 0 ? nchw : nchw.pad(new Shape(padding, padding, padding, padding), 0);
    NDList shifted = new NDList(size * size);
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < size; j++) {
        shifted.add(padded.get(new NDIndex(":, :, {}:{}, {}:{}", i, i + height, j, j + width)));
      }
    }
    NDArray columns =
        (size == 1 ? shifted.get(0) : NDArrays.concat(shifted, 1))
            .reshape(image.get(0), -1, height * width);
    NDArray laidOut = weight.transpose(0, 2, 3, 1).reshape(outChannels, -1);
    NDArray out = laidOut.matMul(columns).reshape(image.get(0), outChannels, height, width);
    return bias == null ? out : out.add(bias.reshape(1, outChannels, 1, 1));
  }
}
