package org.deqlab.core.torchscript;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.SolverResult;

/**
 * Forward solver steps of a TorchScript sequence cell as the sequence grows. The input at length T
 * is the user's own x cut to its first T positions, or repeated along the length axis to reach T
 * (real inputs rather than noise; a cell whose positions mean something sees repeated content
 * beyond the loaded length). Each solve starts from zeros.
 */
public final class TorchScriptSweep {
  private TorchScriptSweep() {}

  /**
   * One length.
   *
   * @param length T
   * @param steps the solver's steps
   * @param relativeResidual the worst sample's final relative residual
   * @param converged whether the tolerance was reached
   * @param millis the solve's time
   * @param refused why the cell could not be run at this length (empty if it ran)
   */
  public record Point(
      int length,
      int steps,
      double relativeResidual,
      boolean converged,
      double millis,
      String refused) {}

  /**
   * Solves the problem's cell at each length, reporting each point as it is measured.
   *
   * @throws TorchScriptException if the cell's input has no length axis
   */
  public static List<Point> run(
      TorchScriptProblem problem,
      List<Integer> lengths,
      SolverKind solver,
      SolverOptions options,
      Consumer<Point> onPoint) {
    requireSequence(problem);
    TorchScriptCell cell = problem.cell();
    List<Point> points = new ArrayList<>();
    DeqLayer layer = new DeqLayer(cell, solver, options, BackwardMode.oneStep());
    for (int length : lengths) {
      Point point;
      try (NDManager scope = problem.x().getManager().newSubManager()) {
        NDArray x = ofLength(problem.x(), length, scope);
        ParameterStore parameters = new ParameterStore(scope, false);
        try {
          SolverResult solved = layer.solve(parameters, x, IterationListener.NONE);
          point =
              new Point(
                  length,
                  solved.steps(),
                  solved.relativeResidual(),
                  solved.converged(),
                  solved.elapsedMillis(),
                  "");
        } catch (EngineException e) {
          point = new Point(length, 0, Double.NaN, false, 0, TorchScriptFiles.essence(e));
        }
      }
      points.add(point);
      onPoint.accept(point);
    }
    return points;
  }

  /**
   * Refuses a cell whose input has no length axis.
   *
   * @throws TorchScriptException naming the cell and the input's shapes
   */
  public static void requireSequence(TorchScriptProblem problem) {
    if (!problem.cell().hasLengthAxis()) {
      throw new TorchScriptException(
          problem.cell().file(),
          "sweep-length needs a sequence cell: x and z0 of rank ≥ 3 sharing axis 1 (the length);"
              + " the input has x "
              + problem.x().getShape()
              + " and z0 "
              + problem.z0().getShape());
    }
  }

  /** {@code x} cut or repeated along axis 1 to {@code length} positions. */
  public static NDArray ofLength(NDArray x, int length, NDManager manager) {
    long loaded = x.getShape().get(1);
    NDList pieces = new NDList();
    for (long have = 0; have < length; have += loaded) {
      pieces.add(x);
    }
    NDArray tiled = pieces.size() == 1 ? x : NDArrays.concat(pieces, 1);
    NDArray cut = tiled.get(new NDIndex(":, :{}", length));
    cut.attach(manager);
    if (tiled != x) {
      tiled.close();
    }
    return cut;
  }
}
