package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Solves {@code z = f(z)} for a batch of independent problems. Each sample keeps its own solver
 * state (Anderson's mixing weights, Broyden's low-rank updates), batched as tensor operations; the
 * solve converges when its worst sample meets the tolerance.
 *
 * <p>This class owns the loop every method shares — residual traces, each sample's lowest iterate,
 * the convergence, divergence and cancellation tests, and per-iteration memory scopes — so that
 * each subclass holds nothing but its update rule. The forward solve records no autograd graph:
 * callers run it with gradient recording off (see {@code org.deqlab.core.engine.Autograd}).
 */
public abstract sealed class FixedPointSolver
    permits DampedIterationSolver, AndersonSolver, BroydenSolver {

  /** Added to ‖f(z)‖ in the relative residual, so a zero equilibrium does not divide by zero. */
  static final double RELATIVE_EPSILON = 1e-9;

  FixedPointSolver() {}

  /** The kind of this solver, for reports. */
  public abstract SolverKind kind();

  /**
   * Starts the rule for one solve, given the evaluated initial guess (in the state's shape); the
   * rule takes its buffers from {@code scope}, which hands them on to the caller's workspace.
   */
  abstract UpdateRule newRule(SolverOptions options, SolveScope scope, Iterate first);

  /**
   * Solves {@code z = f(z)} starting from {@code z0}, whose first axis is the batch.
   *
   * <p>Never throws for numerical trouble: NaN/Inf or a blow-up ends the solve as {@link
   * StopReason#DIVERGED} with the trace so far and the best iterate found. An interrupted thread
   * ends it as {@link StopReason#CANCELLED}.
   *
   * <p>Per iteration the loop itself adds no device work when every sample improves (the usual
   * case): the rule brings the residual norms to the host together with its own numbers, and the
   * lowest iterate is the current one, shared without a copy. Only when some samples got worse does
   * it merge the lowest iterate per sample on the device.
   *
   * <p>The solve allocates its buffers (Anderson's and Broyden's histories) and frees them when it
   * ends; to reuse them across solves, pass a {@link SolverWorkspace}.
   *
   * @param f the map; called with arrays of {@code z0}'s shape
   * @param z0 the initial guess (not modified, not closed)
   * @param options stopping rules and method parameters
   * @param listener told the worst sample's residuals after every iterate
   */
  public final SolverResult solve(
      UnaryOperator<NDArray> f, NDArray z0, SolverOptions options, IterationListener listener) {
    try (SolverWorkspace own = new SolverWorkspace(z0.getManager(), 0)) {
      return solve(f, z0, options, listener, own);
    }
  }

  /**
   * Solves as {@link #solve(UnaryOperator, NDArray, SolverOptions, IterationListener)} does, taking
   * its buffers from {@code workspace} where an earlier solve left fitting ones and leaving them
   * there when it ends well (a solve that met non-finite values frees them), so that the next solve
   * of the same state shape allocates nothing. The caller frees them with {@link
   * SolverWorkspace#releaseBuffers} or {@link SolverWorkspace#close}.
   *
   * @param workspace open; used by this thread only while the solve runs
   * @throws IllegalStateException if the workspace is closed
   */
  public final SolverResult solve(
      UnaryOperator<NDArray> f,
      NDArray z0,
      SolverOptions options,
      IterationListener listener,
      SolverWorkspace workspace) {
    if (workspace == null) {
      throw new IllegalArgumentException(
          "the solver workspace is null: pass one, or call solve without a workspace");
    }
    long start = System.nanoTime();
    Shape shape = z0.getShape();
    if (shape.dimension() < 2 || shape.get(0) < 1) {
      throw new IllegalArgumentException(
          "the initial guess needs a leading batch axis and at least one state axis, got shape "
              + shape);
    }
    int batch = (int) shape.get(0);
    int[] evaluations = {0};
    UnaryOperator<NDArray> counted =
        z -> {
          evaluations[0]++;
          return f.apply(z);
        };

    Trace trace = new Trace(batch, options);
    StopReason reason;
    NDArray equilibrium;
    try (NDScope solveScope = new NDScope();
        SolveScope scope = new SolveScope(workspace)) {
      Iterate current;
      NDArray lowest;
      UpdateRule rule;
      try (NDScope iterationScope = new NDScope()) {
        current = scope.keep(Iterate.evaluate(z0.duplicate(), counted));
        lowest = scope.keep(current.z());
        rule = newRule(options, scope, current);
      }
      for (int iteration = 0; ; iteration++) {
        try (NDScope iterationScope = new NDScope()) {
          boolean[] improved = trace.record(rule.measure(current));
          listener.onIteration(iteration, trace.lastAbsolute(), trace.lastRelative());
          if (lowest == null) {
            // The previous iterate was the lowest and was let go: rebuild it where it still is.
            lowest =
                scope.keep(
                    allTrue(improved)
                        ? current.z()
                        : anyTrue(improved)
                            ? mergePerSample(improved, current.z(), rule.previousIterate(current))
                            : rule.previousIterate(current));
          } else if (allTrue(improved)) {
            scope.release(lowest);
            lowest = scope.keep(current.z()); // shared with the iterate, no copy
          } else if (anyTrue(improved)) {
            NDArray updated = mergePerSample(improved, current.z(), lowest);
            scope.release(lowest);
            lowest = scope.keep(updated);
          }
          reason = trace.stopReason(iteration);
          if (reason == null && Thread.currentThread().isInterrupted()) {
            reason = StopReason.CANCELLED;
          }
          if (reason != null) {
            equilibrium = scope.handOver(lowest);
            if (reason != StopReason.DIVERGED) {
              scope.recycleHistories();
            }
            break;
          }
          if (!rule.readsImageInNext()) {
            scope.release(current.fz()); // the later release of the iterate skips it
          }
          if (lowest == current.z() && rule.rebuildsPreviousIterate()) {
            scope.release(lowest); // the rule may free z once it has stepped from it
            lowest = null;
          }
          Iterate next = scope.keep(rule.next(current, counted));
          scope.release(current);
          current = next;
        }
      }
    }
    // Hand the equilibrium to the caller's scope, if the caller runs in one.
    NDScope.register(equilibrium);
    return trace.result(equilibrium, evaluations[0], reason, System.nanoTime() - start);
  }

  /** Per sample, {@code z} where {@code improved} and {@code lowest} elsewhere. */
  private static NDArray mergePerSample(boolean[] improved, NDArray z, NDArray lowest) {
    Shape shape = z.getShape();
    long[] maskShape = new long[shape.dimension()];
    java.util.Arrays.fill(maskShape, 1);
    maskShape[0] = improved.length;
    // DJL's where does not broadcast: expand the per-sample mask to the state's shape.
    NDArray mask =
        z.getManager()
            .create(improved)
            .toDevice(z.getDevice(), false)
            .reshape(new Shape(maskShape))
            .broadcast(shape);
    return NDArrays.where(mask, z, lowest);
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
    boolean[] record(Residuals residuals) {
      double[] norms = residuals.absolute();
      double[] images = residuals.image();
      int batch = absolute.length;
      double worstAbsolute = 0;
      double worstRelative = 0;
      boolean[] improved = new boolean[batch];
      for (int i = 0; i < batch; i++) {
        absolute[i] = norms[i];
        relative[i] = norms[i] / (images[i] + RELATIVE_EPSILON);
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
          ResidualTrace.ofPrefix(absoluteTrace, length),
          ResidualTrace.ofPrefix(relativeTrace, length),
          lowestStep,
          lowestAbsolute,
          lowestRelative,
          reason,
          nanos);
    }
  }
}
