package org.deqlab.core.memory;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.experiment.LayerKind;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.layer.EquilibriumLayer;
import org.deqlab.core.layer.LayerPass;
import org.deqlab.core.layer.UnrolledLayer;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.SolverWorkspace;

/**
 * Measures what the DEQ paper claims: one training step of a cell as a DEQ (implicit backward)
 * keeps about one application's worth of tensors for the backward pass whatever the effective
 * depth, while a weight-tied stack of depth L keeps L applications'. Memory is read by a {@link
 * MemoryMeter} (the process's resident size on the CPU, the CUDA pool on a GPU), around a loss
 * {@code Σ C⊙z}, after a warm-up step, as the median of three steps; the gradients of every variant
 * are compared with the DEQ's.
 *
 * <p>The DEQ solves in a {@link SolverWorkspace} of the comparison's own. Each step starts with its
 * buffers freed (what solves learned about their sizes kept), so the step allocates them and they
 * count in its peak. The buffers the forward solve leaves in the workspace for the adjoint solve
 * are reported apart from the tensors kept for backward: they are the solver's working memory, not
 * part of the autograd graph.
 */
public final class MemoryComparison {
  private static final int REPEATS = 3;
  private final Cell cell;
  private final NDManager manager;
  private final SolverKind solver;
  private final SolverOptions forward;
  private final SolverOptions backward;
  private final MemoryMeter meter;

  /**
   * @param meter reads the memory of the device the cell's parameters and {@code manager} are on
   */
  public MemoryComparison(
      Cell cell,
      NDManager manager,
      SolverKind solver,
      SolverOptions forward,
      SolverOptions backward,
      MemoryMeter meter) {
    this.meter = meter;
    this.cell = cell;
    this.manager = manager;
    this.solver = solver;
    this.forward = forward;
    this.backward = backward;
  }

  /**
   * Measures the DEQ and then each depth, for input batches of the given shape, reporting each
   * point as soon as it is measured.
   */
  public List<MemoryPoint> run(
      Shape inputShape, List<Integer> depths, Consumer<MemoryPoint> onPoint) {
    Autograd.setRecording(false);
    List<MemoryPoint> points = new ArrayList<>();
    NDArray x = manager.randomNormal(inputShape).toType(cell.dataTypeOf(), false);
    NDArray weights =
        manager.randomNormal(cell.stateShape(inputShape)).toType(cell.dataTypeOf(), false);
    // (B, T, E) sequences: T; (B, C, H, W) images: the side H.
    int length =
        inputShape.dimension() == 4
            ? (int) inputShape.get(2)
            : inputShape.dimension() == 3 ? (int) inputShape.get(1) : 1;
    try (SolverWorkspace workspace = new SolverWorkspace(manager)) {
      DeqLayer deq =
          new DeqLayer(cell, solver, forward, new BackwardMode.Implicit(solver, backward))
              .withWorkspace(workspace);
      measure(deq, workspace, x, weights, null); // warm-up
      Measured reference = median(deq, workspace, x, weights, null);
      MemoryPoint deqPoint = reference.point(LayerKind.DEQ, 0, length, 0);
      points.add(deqPoint);
      onPoint.accept(deqPoint);
      for (int depth : depths) {
        UnrolledLayer unrolled = new UnrolledLayer(cell, depth);
        measure(unrolled, workspace, x, weights, null);
        Measured measured = median(unrolled, workspace, x, weights, reference.gradient);
        MemoryPoint point = measured.point(LayerKind.UNROLLED, depth, length, measured.difference);
        points.add(point);
        onPoint.accept(point);
      }
    }
    return points;
  }

  /**
   * The median of {@value #REPEATS} measured steps, memory and times each on its own: resident
   * memory moves by a megabyte or two from step to step with the allocator's reuse of freed blocks,
   * which one step alone would report as a difference between layers.
   */
  private Measured median(
      EquilibriumLayer layer,
      SolverWorkspace workspace,
      NDArray x,
      NDArray weights,
      double[] reference) {
    List<Measured> runs = new ArrayList<>();
    for (int i = 0; i < REPEATS; i++) {
      runs.add(measure(layer, workspace, x, weights, reference));
    }
    Measured median = runs.get(REPEATS - 1); // loss, gradient and its difference: the last step's
    median.kept = medianOf(runs, m -> m.kept);
    median.workspace = medianOf(runs, m -> m.workspace);
    median.peak = medianOf(runs, m -> m.peak);
    median.forwardMillis = medianOf(runs, m -> m.forwardMillis);
    median.backwardMillis = medianOf(runs, m -> m.backwardMillis);
    return median;
  }

  private static <T extends Comparable<T>> T medianOf(
      List<Measured> runs, Function<Measured, T> value) {
    List<T> values = new ArrayList<>();
    for (Measured run : runs) {
      values.add(value.apply(run));
    }
    Collections.sort(values);
    return values.get(values.size() / 2);
  }

  /** One step; {@code workspace} holds the DEQ's solver buffers (an unrolled layer has none). */
  private Measured measure(
      EquilibriumLayer layer,
      SolverWorkspace workspace,
      NDArray x,
      NDArray weights,
      double[] reference) {
    ParameterStore parameters = new ParameterStore(manager, false);
    List<Parameter> cellParameters = new ArrayList<>(cell.getParameters().values());
    for (Parameter parameter : cellParameters) {
      Autograd.zeroGradient(parameter.getArray());
    }
    workspace.releaseBuffers(); // the step's solver buffers count in its peak
    System.gc();
    Measured measured = new Measured();
    try (NDScope scope = new NDScope()) {
      long before = meter.currentBytes();
      meter.resetPeak();
      long start = System.nanoTime();
      LayerPass pass = layer.forward(parameters, x, true, IterationListener.NONE);
      NDArray loss = Autograd.recording(true, () -> pass.state().mul(weights).sum());
      measured.loss = loss.toType(DataType.FLOAT64, false).getDouble();
      long afterForward = meter.currentBytes();
      long solverBytes = workspace.bufferBytes(); // the forward solve's, idle until the adjoint's
      long middle = System.nanoTime();
      Autograd.backward(loss, false);
      pass.completeBackward();
      long end = System.nanoTime();
      measured.workspace = solverBytes;
      measured.kept = Math.max(0, afterForward - before - solverBytes);
      measured.peak = Math.max(0, meter.peakBytes() - before);
      measured.forwardMillis = (middle - start) / 1e6;
      measured.backwardMillis = (end - middle) / 1e6;
      measured.forwardSteps = pass.forwardStats().map(s -> s.steps()).orElse(0);
    }
    measured.gradient = gradients(cellParameters);
    if (reference != null) {
      double diff = 0;
      double norm = 0;
      for (int i = 0; i < reference.length; i++) {
        diff += (measured.gradient[i] - reference[i]) * (measured.gradient[i] - reference[i]);
        norm += reference[i] * reference[i];
      }
      measured.difference = Math.sqrt(diff / Math.max(norm, 1e-300));
    }
    return measured;
  }

  private static double[] gradients(List<Parameter> parameters) {
    List<double[]> parts = new ArrayList<>();
    int total = 0;
    for (Parameter parameter : parameters) {
      try (NDArray gradient = parameter.getArray().getGradient()) {
        double[] values = gradient.toType(DataType.FLOAT64, false).toDoubleArray();
        parts.add(values);
        total += values.length;
      }
    }
    double[] all = new double[total];
    int offset = 0;
    for (double[] part : parts) {
      System.arraycopy(part, 0, all, offset, part.length);
      offset += part.length;
    }
    return all;
  }

  private static final class Measured {
    long kept;
    long workspace;
    long peak;
    double forwardMillis;
    double backwardMillis;
    int forwardSteps;
    double loss;
    double[] gradient;
    double difference;

    MemoryPoint point(LayerKind layer, int depth, int length, double gradientDifference) {
      return new MemoryPoint(
          layer,
          depth,
          length,
          kept,
          workspace,
          peak,
          forwardMillis,
          backwardMillis,
          forwardSteps,
          loss,
          gradientDifference);
    }
  }
}
