package org.deqlab.core.cell;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;

/** What the cells share: builders for their parameters, weight normalization, shape checks. */
final class CellSupport {
  private static final double NORM_EPSILON = 1e-5;

  private CellSupport() {}

  /** A weight drawn from N(0, std²). */
  static Parameter normal(String name, Shape shape, double std) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.WEIGHT)
        .optShape(shape)
        .optInitializer(new NormalInitializer((float) std))
        .build();
  }

  /** A parameter of the given type that starts at a constant. */
  static Parameter constant(String name, Parameter.Type type, Shape shape, double value) {
    return Parameter.builder()
        .setName(name)
        .setType(type)
        .optShape(shape)
        .optInitializer(new ConstantInitializer((float) value))
        .build();
  }

  /**
   * Weight normalization {@code W = g · V / ‖V‖}, the norm taken per output channel (axis 0) over
   * all other axes: the direction V and the length g are learned separately.
   */
  static NDArray weightNormalized(NDArray direction, NDArray gain) {
    int rank = direction.getShape().dimension();
    int[] rest = new int[rank - 1];
    for (int axis = 1; axis < rank; axis++) {
      rest[axis - 1] = axis;
    }
    long[] gainShape = new long[rank];
    java.util.Arrays.fill(gainShape, 1);
    gainShape[0] = gain.getShape().get(0);
    NDArray norm = direction.square().sum(rest, true).sqrt();
    return direction.mul(gain.reshape(new Shape(gainShape))).div(norm);
  }

  /** The weight normalized by {@code spectral}, or the weight itself when there is none. */
  static NDArray spectral(SpectralNorm spectral, Parameter owner, NDArray weight) {
    return spectral == null ? weight : spectral.apply(weight, owner.getArray().getManager());
  }

  /**
   * Group norm of y (B, C, …): each sample's channels in {@code groups} groups, normalized over
   * (C/G, …) to zero mean and unit variance, then scaled by {@code gain} and shifted by {@code
   * shift} per channel.
   */
  static NDArray groupNorm(NDArray y, int groups, NDArray gain, NDArray shift) {
    Shape shape = y.getShape();
    long channels = shape.get(1);
    NDArray grouped = y.reshape(shape.get(0), groups, -1);
    NDArray centered = grouped.sub(grouped.mean(new int[] {2}, true));
    NDArray variance = centered.square().mean(new int[] {2}, true);
    NDArray normalized = centered.div(variance.add(NORM_EPSILON).sqrt()).reshape(shape);
    long[] perChannel = new long[shape.dimension()];
    java.util.Arrays.fill(perChannel, 1);
    perChannel[1] = channels;
    Shape broadcast = new Shape(perChannel);
    return normalized.mul(gain.reshape(broadcast)).add(shift.reshape(broadcast));
  }

  /** Checks that x is a sequence (B, T, inputSize), naming the expected shape otherwise. */
  static void requireSequence(Shape inputShape, int inputSize) {
    if (inputShape.dimension() != 3 || inputShape.get(2) != inputSize) {
      throw new IllegalArgumentException(
          "a sequence cell takes x of shape (B, T, " + inputSize + "), got " + inputShape);
    }
  }

  /** The config a cell was given, refused when absent (the message names the cell). */
  static <C> C requireConfig(C config, Class<? extends Cell> cell) {
    require(config != null, "a " + cell.getSimpleName() + " needs a config");
    return config;
  }

  /**
   * Requires {@code recurrentScale}, the gain of a cell's recurrent weight, positive and finite.
   */
  static void requireRecurrentScale(double recurrentScale) {
    require(
        recurrentScale > 0 && Double.isFinite(recurrentScale),
        "recurrentScale must be a positive finite number, got " + recurrentScale);
  }

  /** Requires a spectral-normalization bound: 0 (off) or positive and finite. */
  static void requireSpectralBound(double spectralNorm) {
    require(
        spectralNorm >= 0 && Double.isFinite(spectralNorm),
        "spectralNorm must be 0 (off) or a positive bound, got " + spectralNorm);
  }

  /** Requires an odd kernel size ≥ 1 (so "same" padding keeps an image's size). */
  static void requireOddKernel(int kernelSize) {
    require(
        kernelSize >= 1 && kernelSize % 2 == 1,
        "kernelSize (k) must be an odd number ≥ 1, got " + kernelSize);
  }

  /** Throws an {@link IllegalArgumentException} with {@code message} unless {@code condition}. */
  static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
