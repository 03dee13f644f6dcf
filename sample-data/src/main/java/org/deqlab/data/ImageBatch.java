package org.deqlab.data;

import java.util.Arrays;

/**
 * A batch of single- or multi-channel images with one class label each. Pixels are stored as one
 * flat {@code float[]} in NCHW order (image, channel, row, column), which is the layout convolution
 * layers expect, so the trainer can wrap it in a tensor of shape {@link #shape()} without
 * reordering.
 *
 * <p>The arrays are handed over, not copied: neither the producer nor the consumer should modify
 * them afterwards.
 *
 * @param pixels {@code count × channels × height × width} values, NCHW order
 * @param labels class index of each image, in {@code [0, classCount)}
 * @param channels channels per image (1 for grey)
 * @param height rows per image
 * @param width columns per image
 * @param classCount number of classes the labels are drawn from
 */
public record ImageBatch(
    float[] pixels, int[] labels, int channels, int height, int width, int classCount) {

  public ImageBatch {
    if (pixels == null || labels == null) {
      throw new IllegalArgumentException("pixels and labels must both be non-null arrays");
    }
    requirePositive(channels, "channels");
    requirePositive(height, "height");
    requirePositive(width, "width");
    requirePositive(classCount, "classCount");
    if (labels.length < 1) {
      throw new IllegalArgumentException("labels must hold at least 1 image's label, got 0");
    }
    long expected = (long) labels.length * channels * height * width;
    if (pixels.length != expected) {
      throw new IllegalArgumentException(
          "pixels must hold count×channels×height×width = "
              + labels.length
              + "×"
              + channels
              + "×"
              + height
              + "×"
              + width
              + " = "
              + expected
              + " values, got "
              + pixels.length);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classCount) {
        throw new IllegalArgumentException(
            "labels[" + i + "] must be in [0, " + classCount + "), got " + labels[i]);
      }
    }
  }

  /** Number of images. */
  public int count() {
    return labels.length;
  }

  /** Values per image: {@code channels × height × width}. */
  public int pixelsPerImage() {
    return channels * height * width;
  }

  /** Tensor shape {@code {count, channels, height, width}}. */
  public long[] shape() {
    return new long[] {count(), channels, height, width};
  }

  /**
   * Images {@code from} (inclusive) to {@code to} (exclusive) as a new batch with copied arrays;
   * the trainer uses it to cut minibatches.
   */
  public ImageBatch slice(int from, int to) {
    if (from < 0 || to > count() || from >= to) {
      throw new IllegalArgumentException(
          "slice must satisfy 0 ≤ from < to ≤ " + count() + ", got from=" + from + ", to=" + to);
    }
    int per = pixelsPerImage();
    return new ImageBatch(
        Arrays.copyOfRange(pixels, from * per, to * per),
        Arrays.copyOfRange(labels, from, to),
        channels,
        height,
        width,
        classCount);
  }

  /** How many images carry each label, indexed by label. */
  public int[] labelCounts() {
    int[] counts = new int[classCount];
    for (int label : labels) {
      counts[label]++;
    }
    return counts;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ImageBatch that
        && channels == that.channels
        && height == that.height
        && width == that.width
        && classCount == that.classCount
        && Arrays.equals(labels, that.labels)
        && Arrays.equals(pixels, that.pixels);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(pixels) * 31 + Arrays.hashCode(labels);
  }

  @Override
  public String toString() {
    return "ImageBatch[count="
        + count()
        + ", channels="
        + channels
        + ", height="
        + height
        + ", width="
        + width
        + ", classCount="
        + classCount
        + "]";
  }

  private static void requirePositive(int value, String field) {
    if (value < 1) {
      throw new IllegalArgumentException(field + " must be at least 1, got " + value);
    }
  }
}
