package org.deqlab.core.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deqlab.core.io.NpzFiles;

/**
 * Inputs {@code x} and targets {@code y} from a user's {@code .npz} (axis 0 the example), for
 * fitting an equilibrium to targets: the task a user's own cell can be trained on without a
 * decoder. Batches go through the examples in order, wrapping around; evaluation takes every
 * example ({@code x_valid} and {@code y_valid} when the file has them, else the training examples
 * themselves, which {@link #describe()} says). Floating arrays are converted to the run's dtype.
 */
public final class TargetData implements TrainingData {
  private final Path file;
  private final NpzFiles.HostArray x;
  private final NpzFiles.HostArray y;
  private final NpzFiles.HostArray validX;
  private final NpzFiles.HostArray validY;
  private final int batchSize;
  private final DataType dataType;

  /**
   * Reads {@code file}.
   *
   * @throws IllegalArgumentException naming the file and the array that is missing or does not fit
   */
  public TargetData(Path file, int batchSize, DataType dataType) {
    this.file = file;
    Map<String, NpzFiles.HostArray> arrays = NpzFiles.readHost(file);
    this.x = require(arrays, "x");
    this.y = require(arrays, "y");
    sameRows(x, y);
    if (arrays.containsKey("x_valid") != arrays.containsKey("y_valid")) {
      throw new IllegalArgumentException(
          "task.data " + file + ": x_valid and y_valid go together (one of them is missing)");
    }
    this.validX = arrays.get("x_valid");
    this.validY = arrays.get("y_valid");
    if (validX != null) {
      sameRows(validX, validY);
    }
    if (!y.dataType().isFloating()) {
      throw new IllegalArgumentException(
          "task.data " + file + ": array y must be float32 or float64, got " + y.dataType());
    }
    this.batchSize = batchSize;
    this.dataType = dataType;
  }

  private NpzFiles.HostArray require(Map<String, NpzFiles.HostArray> arrays, String name) {
    NpzFiles.HostArray array = arrays.get(name);
    if (array == null) {
      throw new IllegalArgumentException(
          "task.data " + file + ": missing array '" + name + "' (found " + arrays.keySet() + ")");
    }
    if (array.shape().dimension() < 1 || array.shape().get(0) < 1) {
      throw new IllegalArgumentException(
          "task.data " + file + ": array " + name + " needs examples along axis 0");
    }
    return array;
  }

  private void sameRows(NpzFiles.HostArray inputs, NpzFiles.HostArray targets) {
    if (inputs.shape().get(0) != targets.shape().get(0)) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "task.data %s: %s %s and %s %s must have as many examples (axis 0)",
              file,
              inputs.name(),
              inputs.shape(),
              targets.name(),
              targets.shape()));
    }
  }

  /** The file the examples come from. */
  public Path file() {
    return file;
  }

  /** Training examples. */
  public long size() {
    return x.shape().get(0);
  }

  /** Mean squared error has no vocabulary; the model ignores it. */
  @Override
  public int vocabularySize() {
    return 1;
  }

  @Override
  public boolean classification() {
    return false;
  }

  @Override
  public boolean reportsBits() {
    return false;
  }

  @Override
  public Batch trainBatch(NDManager manager, int step) {
    long n = size();
    long size = Math.min(batchSize, n);
    long batches = Math.max(1, n / size);
    long from = ((step - 1) % batches) * size;
    return batch(manager, x, y, from, from + size);
  }

  @Override
  public List<Batch> evalBatches(NDManager manager, Split split) {
    NpzFiles.HostArray inputs = validX == null ? x : validX;
    NpzFiles.HostArray targets = validY == null ? y : validY;
    long n = inputs.shape().get(0);
    List<Batch> batches = new ArrayList<>();
    for (long from = 0; from < n; from += batchSize) {
      batches.add(batch(manager, inputs, targets, from, Math.min(n, from + batchSize)));
    }
    return batches;
  }

  private Batch batch(
      NDManager manager,
      NpzFiles.HostArray inputs,
      NpzFiles.HostArray targets,
      long from,
      long to) {
    NDArray in = inputs.rows(manager, from, to);
    if (in.getDataType().isFloating() && in.getDataType() != dataType) {
      in = in.toType(dataType, false);
    }
    NDArray out = targets.rows(manager, from, to);
    if (out.getDataType() != dataType) {
      out = out.toType(dataType, false);
    }
    return new Batch(in, out, 0);
  }

  /** The mean squared error of predicting every target by its mean over the examples. */
  @Override
  public double baselineLoss() {
    int rows = (int) y.shape().get(0);
    int columns = (int) (y.shape().size() / rows);
    double[] values = new double[rows * columns];
    java.nio.ByteBuffer data = y.data().duplicate().order(java.nio.ByteOrder.nativeOrder());
    for (int i = 0; i < values.length; i++) {
      values[i] = y.dataType() == DataType.FLOAT64 ? data.getDouble(i * 8) : data.getFloat(i * 4);
    }
    double squares = 0;
    for (int c = 0; c < columns; c++) {
      double mean = 0;
      for (int r = 0; r < rows; r++) {
        mean += values[r * columns + c] / rows;
      }
      for (int r = 0; r < rows; r++) {
        double d = values[r * columns + c] - mean;
        squares += d * d;
      }
    }
    return squares / values.length;
  }

  @Override
  public String describe() {
    return String.format(
        Locale.ROOT,
        "targets of %s: x %s, y %s%s",
        file,
        x.shape(),
        y.shape(),
        validX == null
            ? "; evaluated on the same examples (no x_valid, y_valid)"
            : "; evaluated on x_valid " + validX.shape());
  }
}
