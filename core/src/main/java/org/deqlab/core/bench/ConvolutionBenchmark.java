package org.deqlab.core.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.cell.ConvolutionPath;
import org.deqlab.core.cell.DetachedParameterStore;
import org.deqlab.core.engine.Autograd;

/**
 * The price of the padded and unfolded convolution paths: a convolutional cell's f evaluation and
 * its vector–Jacobian product (what every solver iteration and every adjoint iteration costs) timed
 * on the engine's native kernel and on each way around it, with the same parameters and input.
 * Medians over repeated runs after warm-up.
 */
public final class ConvolutionBenchmark {
  private static final int WARM_UP = 5;
  private static final int CALLS = 10;

  private final int repeats;

  public ConvolutionBenchmark(int repeats) {
    this.repeats = repeats;
  }

  /**
   * One workload on one path.
   *
   * @param workload e.g. {@code trellisnet H=8 T=200 b=16}
   * @param path native, padded or unfolded
   * @param autoChoice the path {@code auto} takes for this workload here
   * @param forwardMillis one f evaluation without a graph
   * @param vjpMillis one recorded f evaluation and its VJP w.r.t. z
   * @param vjpRatio this path's VJP time over the native path's
   */
  public record Row(
      String workload,
      String path,
      String autoChoice,
      double forwardMillis,
      double vjpMillis,
      double vjpRatio) {}

  /**
   * Times {@code cells} (built for a path) on input {@code x} on every explicit path.
   *
   * @param outputChannels the recurrent convolution's output channels (for the auto choice)
   * @param spatialAxes 1 for convolutions over time, 2 over images (for the auto choice)
   */
  public List<Row> run(
      String workload,
      Function<ConvolutionPath, Cell> cells,
      NDArray x,
      long outputChannels,
      int spatialAxes) {
    NDManager manager = x.getManager();
    Autograd.setRecording(false);
    String auto =
        ConvolutionPath.AUTO
            .resolve(x.getDevice(), x.getDataType(), outputChannels, spatialAxes)
            .label();
    Cell nativeCell = cells.apply(ConvolutionPath.NATIVE);
    nativeCell.initialize(manager, x.getDataType());
    double[] nativeTimes = time(nativeCell, x);
    List<Row> rows = new ArrayList<>();
    rows.add(new Row(workload, "native", auto, nativeTimes[0], nativeTimes[1], 1.0));
    for (ConvolutionPath path : List.of(ConvolutionPath.PADDED, ConvolutionPath.UNFOLDED)) {
      Cell cell = cells.apply(path);
      cell.initialize(manager, x.getDataType());
      for (int i = 0; i < nativeCell.getParameters().size(); i++) {
        Parameter from = nativeCell.getParameters().valueAt(i);
        cell.getParameters().valueAt(i).getArray().set(from.getArray().toByteBuffer());
      }
      double[] times = time(cell, x);
      rows.add(
          new Row(workload, path.label(), auto, times[0], times[1], times[1] / nativeTimes[1]));
    }
    return rows;
  }

  /** {forward millis, VJP millis}, medians. */
  private double[] time(Cell cell, NDArray x) {
    ParameterStore parameters = new ParameterStore(x.getManager(), false);
    // As in the adjoint solve: products w.r.t. z only, the parameters detached.
    ParameterStore detached = new DetachedParameterStore(x.getManager());
    NDArray injection = Autograd.noGrad(() -> cell.inject(parameters, x, false));
    Shape state = cell.stateShape(x.getShape());
    NDArray z = x.getManager().randomNormal(state).toType(x.getDataType(), false).mul(0.5);
    NDArray cotangent = x.getManager().randomNormal(state).toType(x.getDataType(), false);
    double[] forward = new double[repeats];
    double[] vjp = new double[repeats];
    for (int r = -WARM_UP; r < repeats; r++) {
      long start = System.nanoTime();
      for (int i = 0; i < CALLS; i++) {
        try (NDScope scope = new NDScope()) {
          Autograd.noGrad(() -> cell.apply(parameters, z, injection, false))
              .toType(DataType.FLOAT32, false);
        }
      }
      double forwardMillis = (System.nanoTime() - start) / 1e6 / CALLS;
      start = System.nanoTime();
      for (int i = 0; i < CALLS; i++) {
        try (NDScope scope = new NDScope()) {
          NDArray point = z.duplicate();
          point.setRequiresGradient(true);
          NDArray image =
              Autograd.recording(true, () -> cell.apply(detached, point, injection, false));
          Autograd.backward(image, cotangent, false);
          point.getGradient().toType(DataType.FLOAT32, false);
        }
      }
      double vjpMillis = (System.nanoTime() - start) / 1e6 / CALLS;
      if (r >= 0) {
        forward[r] = forwardMillis;
        vjp[r] = vjpMillis;
      }
    }
    return new double[] {median(forward), median(vjp)};
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
