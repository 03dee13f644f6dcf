package org.deqlab.core.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.layer.LayerPass;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.SolverResult;
import org.deqlab.core.solver.SolverWorkspace;

/**
 * Times one workload — a cell on a fixed input — the way the targets are stated: the cost
 * of one f evaluation, each solver's steps and time per solve, the overhead ratio {@code solve time
 * / (evaluations × f time)} (how much the solver's own bookkeeping adds), and the implicit
 * backward's time. Medians over repeated runs after warm-up. The solves of one workload share a
 * {@link SolverWorkspace}, as a training run's do, so repeated solves allocate no buffers.
 */
public final class SolverBenchmark {

  /**
   * One solver on one workload.
   *
   * @param workload what was solved, e.g. {@code mlp d=256 b=64}
   * @param solver the solver
   * @param steps iterates evaluated (median run)
   * @param evaluations f evaluations (median run)
   * @param stopReason why the median run stopped
   * @param relativeResidual final worst-sample relative residual
   * @param solveMillis median time per solve
   * @param evaluationMillis median time of one f evaluation alone
   * @param overheadRatio solve time / (evaluations × f time)
   * @param backwardMillis median time of the implicit backward (adjoint solve + one backprop)
   * @param backwardSteps adjoint solver steps
   */
  public record Row(
      String workload,
      String solver,
      int steps,
      int evaluations,
      String stopReason,
      double relativeResidual,
      double solveMillis,
      double evaluationMillis,
      double overheadRatio,
      double backwardMillis,
      int backwardSteps) {}

  /**
   * Untimed runs first: the solver loop is Java that the JIT compiles only after it has run for a
   * while; with two warm-up solves the MLP overhead read 2.6, with ten 1.8.
   */
  private static final int WARM_UP = 10;

  private final int repeats;

  public SolverBenchmark(int repeats) {
    this.repeats = repeats;
  }

  public List<Row> run(
      String workload,
      Cell cell,
      NDManager manager,
      NDArray x,
      List<SolverKind> solvers,
      SolverOptions options) {
    Autograd.setRecording(false);
    ParameterStore parameters = new ParameterStore(manager, false);
    NDArray injection = Autograd.noGrad(() -> cell.inject(parameters, x, false));
    UnaryOperator<NDArray> f = z -> cell.apply(parameters, z, injection, false);
    double evaluationMillis = evaluationMillis(f, cell, x);
    List<Row> rows = new ArrayList<>();
    try (SolverWorkspace workspace = new SolverWorkspace(manager)) {
      for (SolverKind kind : solvers) {
        NDArray z0 = cell.initialState(x);
        double[] times = new double[repeats];
        SolverResult last = null;
        for (int r = -WARM_UP; r < repeats; r++) {
          try (NDScope scope = new NDScope()) {
            long start = System.nanoTime();
            SolverResult result =
                Autograd.noGrad(
                    () -> kind.solver().solve(f, z0, options, IterationListener.NONE, workspace));
            double millis = (System.nanoTime() - start) / 1e6;
            if (r >= 0) {
              times[r] = millis;
              last = result;
            }
          }
        }
        double solveMillis = median(times);
        double[] backward = backward(cell, parameters, x, kind, options, workspace);
        rows.add(
            new Row(
                workload,
                kind.label(),
                last.steps(),
                last.functionEvaluations(),
                last.stopReason().label(),
                last.relativeResidual(),
                solveMillis,
                evaluationMillis,
                solveMillis / (last.functionEvaluations() * evaluationMillis),
                backward[0],
                (int) backward[1]));
      }
    }
    return rows;
  }

  private double evaluationMillis(UnaryOperator<NDArray> f, Cell cell, NDArray x) {
    NDArray z =
        x.getManager()
            .randomNormal(cell.stateShape(x.getShape()))
            .toType(x.getDataType(), false)
            .mul(0.1);
    int calls = 20;
    double[] times = new double[repeats];
    for (int r = -WARM_UP; r < repeats; r++) {
      long start = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        try (NDScope scope = new NDScope()) {
          f.apply(z).toType(DataType.FLOAT32, false);
        }
      }
      if (r >= 0) {
        times[r] = (System.nanoTime() - start) / 1e6 / calls;
      }
    }
    return median(times);
  }

  /** {median backward millis, adjoint steps} of the implicit backward for loss Σ z*. */
  private double[] backward(
      Cell cell,
      ParameterStore parameters,
      NDArray x,
      SolverKind kind,
      SolverOptions options,
      SolverWorkspace workspace) {
    DeqLayer layer = DeqLayer.implicit(cell, kind, options).withWorkspace(workspace);
    double[] times = new double[repeats];
    int steps = 0;
    for (int r = -1; r < repeats; r++) {
      try (NDScope scope = new NDScope()) {
        LayerPass pass = layer.forward(parameters, x, true, IterationListener.NONE);
        NDArray loss = Autograd.recording(true, () -> pass.state().sum());
        Autograd.backward(loss, false);
        long start = System.nanoTime();
        steps = pass.completeBackward().map(s -> s.steps()).orElse(0);
        if (r >= 0) {
          times[r] = (System.nanoTime() - start) / 1e6;
        }
      }
      cell.getParameters().values().forEach(p -> Autograd.zeroGradient(p.getArray()));
    }
    return new double[] {median(times), steps};
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
