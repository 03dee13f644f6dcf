package org.deqlab.core.numerics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.Random;
import org.deqlab.core.cell.Cell;

/**
 * A float32 cell and its float64 twin holding the same parameter values, with inputs for both: a
 * float32 input x, a state z and a cotangent, and their exact float64 widenings. Whatever differs
 * between the two cells' results comes from float32 arithmetic alone.
 *
 * @param single the float32 cell
 * @param twin the float64 cell
 * @param x32 the input in float32
 * @param x64 the same input widened
 * @param z32 a state (N(0, 0.25) entries) in float32
 * @param z64 the same state widened
 * @param cotangent32 an upstream gradient shaped like z (N(0, 1)) in float32
 * @param cotangent64 the same widened
 */
public record CellTwins(
    Cell single,
    Cell twin,
    NDArray x32,
    NDArray x64,
    NDArray z32,
    NDArray z64,
    NDArray cotangent32,
    NDArray cotangent64) {

  /**
   * Builds the twins in {@code manager} from the engine's random seed {@code seed} (the cell's
   * initializers) and a host generator with the same seed (inputs and jitter).
   */
  public static CellTwins build(CheckedCell subject, NDManager manager, long seed) {
    manager.getEngine().setRandomSeed((int) seed);
    Random random = new Random(seed);
    Cell single = subject.factory().get();
    single.initialize(manager, DataType.FLOAT32);
    jitter(single, random);
    Cell twin = subject.reference().get();
    twin.initialize(manager, DataType.FLOAT64);
    PairList<String, Parameter> from = single.getParameters();
    PairList<String, Parameter> to = twin.getParameters();
    for (int i = 0; i < from.size(); i++) {
      try (NDArray widened = widen(from.valueAt(i).getArray())) {
        to.valueAt(i).getArray().set(widened.toByteBuffer());
      }
    }
    Shape input = subject.inputShape();
    NDArray x32 = gaussian(manager, input, subject.inputScale(), random);
    Shape state = single.stateShape(input);
    NDArray z32 = gaussian(manager, state, 0.5, random);
    NDArray cotangent32 = gaussian(manager, state, 1, random);
    return new CellTwins(
        single, twin, x32, widen(x32), z32, widen(z32), cotangent32, widen(cotangent32));
  }

  /** The cell of the given precision. */
  public Cell cell(DataType dataType) {
    return dataType == DataType.FLOAT64 ? twin : single;
  }

  /**
   * Moves biases and norm parameters off their initial constants (zeros, ones), so that no gradient
   * is compared only at a symmetric point. Weights are kept: they set contractivity.
   */
  private static void jitter(Cell cell, Random random) {
    for (Pair<String, Parameter> entry : cell.getParameters()) {
      Parameter.Type type = entry.getValue().getType();
      boolean additive = type == Parameter.Type.BIAS || type == Parameter.Type.BETA;
      if (!additive && type != Parameter.Type.GAMMA) {
        continue;
      }
      NDArray array = entry.getValue().getArray();
      float[] values = array.toFloatArray();
      for (int i = 0; i < values.length; i++) {
        double noise = 0.1 * random.nextGaussian();
        values[i] = (float) (additive ? values[i] + noise : values[i] * (1 + noise));
      }
      array.set(values);
    }
  }

  private static NDArray gaussian(NDManager manager, Shape shape, double scale, Random random) {
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (scale * random.nextGaussian());
    }
    return manager.create(values, shape);
  }

  private static NDArray widen(NDArray single) {
    return single.toType(DataType.FLOAT64, false);
  }
}
