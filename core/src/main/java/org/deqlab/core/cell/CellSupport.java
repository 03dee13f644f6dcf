package org.deqlab.core.cell;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;

/** What the cells share: builders for their parameters, weight normalization, shape checks. */
final class CellSupport {
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

  /** Checks that x is a sequence (B, T, inputSize), naming the expected shape otherwise. */
  static void requireSequence(Shape inputShape, int inputSize) {
    if (inputShape.dimension() != 3 || inputShape.get(2) != inputSize) {
      throw new IllegalArgumentException(
          "a sequence cell takes x of shape (B, T, " + inputSize + "), got " + inputShape);
    }
  }

  /** Throws an {@link IllegalArgumentException} with {@code message} unless {@code condition}. */
  static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
