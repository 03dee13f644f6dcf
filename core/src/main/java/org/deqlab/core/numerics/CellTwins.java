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
import org.deqlab.core.engine.DeqEngine;

/**
 * A cell under test and its float64 twin holding the same parameter values, with inputs for both:
 * an input x, a state z and a cotangent, and their exact float64 widenings. The cell under test is
 * float32 on the device being checked (or float64 there, to compare devices alone); the twin is
 * float64, on the same device or on the CPU. Whatever differs between the two cells' results comes
 * from the arithmetic alone.
 *
 * @param single the cell under test
 * @param twin the float64 reference cell
 * @param x32 the input, as the cell under test gets it
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
    return build(subject, manager, DataType.FLOAT32, manager, seed);
  }

  /**
   * Builds the cell under test in {@code manager} (its device) with {@code dataType}, and its
   * float64 twin in {@code referenceManager}, which may be on another device.
   */
  public static CellTwins build(
      CheckedCell subject,
      NDManager manager,
      DataType dataType,
      NDManager referenceManager,
      long seed) {
    manager.getEngine().setRandomSeed((int) seed);
    Random random = new Random(seed);
    // Drawn on the host whatever the devices: a GPU's generator would draw another cell (on the
    // H200
    // a barely contractive one, whose unconverged Broyden solves parted between the devices), so
    // every device checks the very cell the CPU's checks verified.
    NDManager host = DeqEngine.hostManager(referenceManager);
    Cell seeded = subject.factory().get();
    seeded.initialize(host, DataType.FLOAT32);
    jitter(seeded, random);
    Cell single =
        dataType == DataType.FLOAT32 && manager.getDevice().equals(host.getDevice())
            ? seeded
            : widened(subject.factory().get(), seeded, manager, dataType);
    Cell twin = widened(subject.reference().get(), seeded, referenceManager, DataType.FLOAT64);
    Shape input = subject.inputShape();
    NDArray x = gaussian(manager, input, subject.inputScale(), random);
    Shape state = single.stateShape(input);
    NDArray z = gaussian(manager, state, 0.5, random);
    NDArray cotangent = gaussian(manager, state, 1, random);
    return new CellTwins(
        single,
        twin,
        x.toType(dataType, false),
        widen(x, referenceManager),
        z.toType(dataType, false),
        widen(z, referenceManager),
        cotangent.toType(dataType, false),
        widen(cotangent, referenceManager));
  }

  /** {@code cell} initialized in {@code manager} with {@code from}'s parameter values. */
  private static Cell widened(Cell cell, Cell from, NDManager manager, DataType dataType) {
    cell.initialize(manager, dataType);
    PairList<String, Parameter> source = from.getParameters();
    PairList<String, Parameter> target = cell.getParameters();
    for (int i = 0; i < source.size(); i++) {
      // a copy even in the same dtype: closing it must not close the source's parameter
      try (NDArray values = source.valueAt(i).getArray().toType(dataType, true)) {
        target.valueAt(i).getArray().set(values.toByteBuffer());
      }
    }
    return cell;
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

  /** Widened exactly and copied into {@code manager} (on its device). */
  private static NDArray widen(NDArray single, NDManager manager) {
    try (NDArray wide = widen(single)) {
      return manager.create(wide.toDoubleArray(), wide.getShape());
    }
  }
}
