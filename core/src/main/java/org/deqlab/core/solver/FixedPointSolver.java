package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Solves {@code z = f(z)} for a batch of independent problems. Each sample keeps its own solver
 * state (Anderson's mixing weights, Broyden's low-rank updates), batched as tensor operations; the
 * solve converges when its worst sample meets the tolerance.
 *
 * <p>This class owns the loop every method shares — residual traces, each sample's lowest
 * iterate, the convergence, divergence and cancellation tests, and per-iteration memory scopes —
 * so that each subclass holds nothing but its update rule. The forward solve records no autograd
 * graph: callers run it with gradient recording off (see {@code org.deqlab.core.engine.Autograd}).
 */
public abstract sealed class FixedPointSolver
    permits DampedIterationSolver, AndersonSolver, BroydenSolver {

  /** Added to ‖f(z)‖ in the relative residual, so a zero equilibrium does not divide by zero. */
  static final double RELATIVE_EPSILON = 1e-9;

  FixedPointSolver() {}

  /** The kind of this solver, for reports. */
  public abstract SolverKind kind();

  /** Starts the rule for one solve, given the evaluated initial guess (flattened to batch × dim). */
  abstract UpdateRule newRule(SolverOptions options, SolveWorkspace workspace, Iterate first);

  /**
   * Solves {@code z = f(z)} starting from {@code z0}, whose first axis is the batch.
   *
   * <p>Never throws for numerical trouble: NaN/Inf or a blow-up ends the solve as {@link
   * StopReason#DIVERGED} with the trace so far and the best iterate found. An interrupted thread
   * ends it as {@link StopReason#CANCELLED}.
   *
   * @param f the map; called with arrays of {@code z0}'s shape
   * @param z0 the initial guess (not modified, not closed)
   * @param options stopping rules and method parameters
   * @param listener told the worst sample's residuals after every iterate
   */
  public final SolverResult solve(
      UnaryOperator<NDArray> f, NDArray z0, SolverOptions options, IterationListener listener) {
    long start = System.nanoTime();
    Shape shape = z0.getShape();
    if (shape.dimension() < 1 || shape.get(0) < 1) {
      throw new IllegalArgumentException(
          "the initial guess needs a leading batch axis, got shape " + shape);
    }
    int batch = (int) shape.get(0);
    long dim = shape.size() / batch;
    int[] evaluations = {0};
    boolean flat = shape.dimension() == 2;
    UnaryOperator<NDArray> flatF =
        z -> {
          evaluations[0]++;
          return flat ? f.apply(z) : f.apply(z.reshape(shape)).reshape(batch, dim);
        };

    Trace trace = new Trace(batch, options);
    StopReason reason;
    NDArray equilibrium;
    try (NDScope solveScope = new NDScope();
        SolveWorkspace workspace = new SolveWorkspace()) {
      Iterate current;
      NDArray lowest;
      UpdateRule rule;
      try (NDScope iterationScope = new NDScope()) {
        current = workspace.keep(Iterate.evaluate(flat ? z0.duplicate() : z0.reshape(batch, dim), flatF));
        lowest = workspace.keep(current.z());
        rule = newRule(options, workspace, current);
      }
      Iterate previous = null;
      for (int iteration = 0; ; iteration++) {
        try (NDScope iterationScope = new NDScope()) {
          boolean[] improved = trace.record(current);
          listener.onIteration(iteration, trace.lastAbsolute(), trace.lastRelative());
          if (allTrue(improved)) {
            workspace.release(lowest);
            lowest = workspace.keep(current.z()); // shared with the iterate, no copy
          } else if (anyTrue(improved)) {
            // DJL's where does not broadcast: expand the per-sample mask to the state's shape.
            NDArray mask =
                z0.getManager().create(improved).toDevice(current.z().getDevice(), false)
                    .reshape(batch, 1).broadcast(current.z().getShape());
            NDArray updated = NDArrays.where(mask, current.z(), lowest);
            workspace.release(lowest);
            lowest = workspace.keep(updated);
          }
          reason = trace.stopReason(iteration);
          if (reason == null && Thread.currentThread().isInterrupted()) {
            reason = StopReason.CANCELLED;
          }
          if (reason != null) {
            equilibrium = lowest.reshape(shape);
            NDScope.unregister(equilibrium);
            workspace.release(lowest); // the reshaped view keeps the storage alive
            break;
          }
          Iterate next = workspace.keep(rule.next(current, flatF));
          workspace.release(previous);
          previous = null;
          if (rule.keepsPrevious()) {
            previous = current;
          } else {
            workspace.release(current);
          }
          current = next;
        }
      }
    }
    // Hand the equilibrium to the caller's scope, if the caller runs in one.
    NDScope.register(equilibrium);
    return trace.result(equilibrium, evaluations[0], reason, System.nanoTime() - start);
  }

  private static boolean allTrue(boolean[] flags) {
    for (boolean flag : flags) {
      if (!flag) {
        return false;
      }
    }
    return true;
  }

  private static boolean anyTrue(boolean[] flags) {
    for (boolean flag : flags) {
      if (flag) {
        return true;
      }
    }
    return false;
  }

  /** Host-side bookkeeping: traces, per-sample lowest residuals, stop tests. */
  private static final class Trace {
    private final SolverOptions options;
    private final double[] absolute;
    private final double[] relative;
    private final double[] lowestAbsolute;
    private final double[] lowestRelative;
    private double[] absoluteTrace = new double[16];
    private double[] relativeTrace = new double[16];
    private int length;
    private boolean nonFinite;

    Trace(int batch, SolverOptions options) {
      this.options = options;
      absolute = new double[batch];
      relative = new double[batch];
      lowestAbsolute = new double[batch];
      lowestRelative = new double[batch];
      Arrays.fill(lowestAbsolute, Double.POSITIVE_INFINITY);
      Arrays.fill(lowestRelative, Double.POSITIVE_INFINITY);
    }

    /** Records an iterate's residuals; returns which samples reached a new lowest residual. */
    boolean[] record(Iterate iterate) {
      // Two small norms stacked, rather than one norm of the stacked tensors: no (2, batch, dim) copy.
      NDArray norms =
          NDArrays.stack(
              new NDList(iterate.residual().norm(new int[] {1}), iterate.fz().norm(new int[] {1})));
      double[] values = hostValues(norms);
      int batch = absolute.length;
      double worstAbsolute = 0;
      double worstRelative = 0;
      boolean[] improved = new boolean[batch];
      for (int i = 0; i < batch; i++) {
        absolute[i] = values[i];
        relative[i] = values[i] / (values[batch + i] + RELATIVE_EPSILON);
        if (!Double.isFinite(absolute[i]) || !Double.isFinite(relative[i])) {
          nonFinite = true;
          worstAbsolute = Double.NaN;
          worstRelative = Double.NaN;
          continue;
        }
        worstAbsolute = Math.max(worstAbsolute, absolute[i]);
        worstRelative = Math.max(worstRelative, relative[i]);
        double metric = options.stopCriterion().of(absolute[i], relative[i]);
        double best = options.stopCriterion().of(lowestAbsolute[i], lowestRelative[i]);
        if (metric < best) {
          improved[i] = true;
          lowestAbsolute[i] = absolute[i];
          lowestRelative[i] = relative[i];
        }
      }
      append(worstAbsolute, worstRelative);
      return improved;
    }

    private void append(double worstAbsolute, double worstRelative) {
      if (length == absoluteTrace.length) {
        absoluteTrace = Arrays.copyOf(absoluteTrace, length * 2);
        relativeTrace = Arrays.copyOf(relativeTrace, length * 2);
      }
      absoluteTrace[length] = worstAbsolute;
      relativeTrace[length] = worstRelative;
      length++;
    }

    private static double[] hostValues(NDArray array) {
      if (array.getDataType() == DataType.FLOAT64) {
        return array.toDoubleArray();
      }
      float[] floats = array.toType(DataType.FLOAT32, false).toFloatArray();
      double[] values = new double[floats.length];
      for (int i = 0; i < floats.length; i++) {
        values[i] = floats[i];
      }
      return values;
    }

    double lastAbsolute() {
      return absoluteTrace[length - 1];
    }

    double lastRelative() {
      return relativeTrace[length - 1];
    }

    /** The reason to stop after this iterate, or null to go on. */
    StopReason stopReason(int iteration) {
      if (nonFinite) {
        return StopReason.DIVERGED;
      }
      double worstLowest = 0;
      for (int i = 0; i < lowestAbsolute.length; i++) {
        worstLowest =
            Math.max(worstLowest, options.stopCriterion().of(lowestAbsolute[i], lowestRelative[i]));
      }
      if (worstLowest <= options.tolerance()) {
        return StopReason.CONVERGED;
      }
      double initial = absoluteTrace[0];
      if (initial > 0 && lastAbsolute() > options.divergenceFactor() * initial) {
        return StopReason.DIVERGED;
      }
      if (iteration + 1 >= options.maxIterations()) {
        return StopReason.MAX_ITERATIONS;
      }
      return null;
    }

    SolverResult result(NDArray equilibrium, int evaluations, StopReason reason, long nanos) {
      double[] metricTrace =
          options.stopCriterion() == StopCriterion.ABSOLUTE ? absoluteTrace : relativeTrace;
      int lowestStep = 0;
      for (int k = 1; k < length; k++) {
        if (metricTrace[k] < metricTrace[lowestStep]) {
          lowestStep = k;
        }
      }
      return new SolverResult(
          equilibrium,
          length,
          evaluations,
          Arrays.copyOf(absoluteTrace, length),
          Arrays.copyOf(relativeTrace, length),
          lowestStep,
          lowestAbsolute,
          lowestRelative,
          reason,
          nanos);
    }
  }
}
