package org.deqlab.core.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.nio.file.Path;
import java.util.Map;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.io.NpzFiles;
import org.deqlab.core.jacobian.JacobianRegularization;
import org.deqlab.core.jacobian.JacobianRegularizer;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.layer.LayerPass;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolveStats;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.train.AdamOptimizer;

/**
 * Fits a user's TorchScript cell as a DEQ to targets: the loss is the mean squared error between
 * the equilibrium {@code z*(x)} and {@code y}, back-propagated by the implicit function theorem
 * (plus the Jacobian term {@code γ‖J_f(z*)‖²_F/d} when γ > 0), and the module's own parameters are
 * updated in place by the workbench's Adam. The simplest training that needs nothing but the cell:
 * a user with a decoder and a task trains in PyTorch; this shows how the equilibrium, its solver
 * steps and its Jacobian behave while the cell learns.
 */
public final class TorchScriptFit {
  private final TorchScriptCell cell;
  private final Data data;
  private final Settings settings;
  private final ParameterStore parameters;
  private final AdamOptimizer optimizer;
  private int completed;

  /**
   * How to fit.
   *
   * @param steps optimization steps
   * @param batch examples per step (all of them if fewer)
   * @param learningRate Adam's constant learning rate
   * @param jacobianWeight γ of the Jacobian term (0 = off)
   * @param solver forward and backward solver
   * @param forward forward solver options
   * @param backward backward (adjoint) solver options
   * @param clipNorm global gradient-norm clipping (0 = off)
   */
  public record Settings(
      int steps,
      int batch,
      double learningRate,
      double jacobianWeight,
      SolverKind solver,
      SolverOptions forward,
      SolverOptions backward,
      double clipNorm) {
    public Settings {
      require(steps >= 1, "steps must be ≥ 1, got " + steps);
      require(batch >= 1, "batch must be ≥ 1, got " + batch);
      require(
          learningRate > 0 && learningRate < 10,
          "learning rate must be in (0, 10), got " + learningRate);
      require(
          jacobianWeight >= 0 && Double.isFinite(jacobianWeight),
          "Jacobian weight must be ≥ 0, got " + jacobianWeight);
      require(solver != null && forward != null && backward != null, "solver settings missing");
      require(clipNorm >= 0, "clip norm must be ≥ 0, got " + clipNorm);
    }
  }

  /**
   * Training examples: inputs {@code x} (axis 0 the example) and targets {@code y} of the state's
   * shape.
   */
  public record Data(NDArray x, NDArray y, Path source) {
    public long size() {
      return x.getShape().get(0);
    }

    /**
     * Reads {@code x} and {@code y} from an {@code .npz} and checks them against the cell.
     *
     * @throws TorchScriptException naming the file and the array that does not fit
     */
    public static Data load(Path file, TorchScriptCell cell, NDManager manager) {
      Map<String, NDArray> arrays = NpzFiles.read(file, manager);
      NDArray x = TorchScriptProblem.require(arrays, "x", file);
      NDArray y = TorchScriptProblem.require(arrays, "y", file);
      Shape expected = cell.stateShape(x.getShape());
      if (!y.getShape().equals(expected)) {
        throw new TorchScriptException(
            file,
            "array y must have the state's shape "
                + expected
                + " for x of shape "
                + x.getShape()
                + ", got "
                + y.getShape());
      }
      Shape input = cell.inputShape(x.getShape().get(0));
      if (!x.getShape().equals(input)) {
        throw new TorchScriptException(
            file,
            "array x must have shape " + input + " like the cell's input, got " + x.getShape());
      }
      DataType type = cell.dataTypeOf();
      return new Data(
          x.getDataType().isFloating() ? x.toType(type, false) : x, y.toType(type, false), file);
    }
  }

  /**
   * One step's figures.
   *
   * @param step 1-based
   * @param loss the batch's mean squared error before the update
   * @param regularization the weighted Jacobian term (0 when off)
   * @param forward the forward solve
   * @param backward the adjoint solve
   * @param gradientNorm the parameters' gradient norm before clipping
   * @param millis the step's time
   */
  public record Step(
      int step,
      double loss,
      double regularization,
      SolveStats forward,
      SolveStats backward,
      double gradientNorm,
      double millis) {}

  /**
   * @param cell a cell that passed its gradient check (see {@link
   *     TorchScriptProblem#requireTrainable})
   */
  public TorchScriptFit(TorchScriptCell cell, Data data, Settings settings, NDManager manager) {
    this.cell = cell;
    this.data = data;
    this.settings = settings;
    this.parameters = new ParameterStore(manager, false);
    this.optimizer = new AdamOptimizer(0.9, 0.999, 1e-8, 0);
  }

  private DeqLayer layer() {
    return new DeqLayer(
        cell,
        settings.solver(),
        settings.forward(),
        new BackwardMode.Implicit(settings.solver(), settings.backward()));
  }

  /** Takes the next step with the settings' Jacobian weight. */
  public Step step() {
    return step(settings.jacobianWeight());
  }

  /**
   * Takes the next step with Jacobian weight {@code jacobianWeight} (a live setting: it may change
   * from step to step).
   */
  public Step step(double jacobianWeight) {
    if (!(jacobianWeight >= 0) || !Double.isFinite(jacobianWeight)) {
      throw new IllegalArgumentException("Jacobian weight must be ≥ 0, got " + jacobianWeight);
    }
    int step = ++completed;
    long start = System.nanoTime();
    PairList<String, Parameter> trainable = cell.getParameters();
    try (NDScope scope = new NDScope()) {
      long n = data.size();
      long size = Math.min(settings.batch(), n);
      long from = ((step - 1) * size) % n;
      long to = Math.min(from + size, n);
      NDArray x = data.x().get(new NDIndex("{}:{}", from, to));
      NDArray y = data.y().get(new NDIndex("{}:{}", from, to));
      LayerPass pass = layer().forward(parameters, x, true, IterationListener.NONE);
      NDArray loss = Autograd.recording(true, () -> pass.state().sub(y).square().mean());
      double lossValue = loss.toType(DataType.FLOAT64, false).getDouble();
      double regularization = 0;
      if (jacobianWeight > 0) {
        NDArray term =
            new JacobianRegularizer(new JacobianRegularization(jacobianWeight, 1, 1))
                .term(cell, parameters, pass.state(), pass.injection(), true);
        regularization = term.toType(DataType.FLOAT64, false).getDouble();
        Autograd.backward(Autograd.recording(true, () -> loss.add(term)), false);
      } else {
        Autograd.backward(loss, false);
      }
      SolveStats backward = pass.completeBackward().orElse(null);
      double norm = AdamOptimizer.clipGradients(trainable, settings.clipNorm());
      if (!Double.isFinite(lossValue) || !Double.isFinite(norm)) {
        throw new IllegalStateException(
            "training diverged at step "
                + step
                + " (loss "
                + lossValue
                + ", gradient norm "
                + norm
                + "); lower the learning rate or add Jacobian regularization");
      }
      optimizer.update(trainable, settings.learningRate());
      return new Step(
          step,
          lossValue,
          regularization,
          pass.forwardStats().orElse(null),
          backward,
          norm,
          (System.nanoTime() - start) / 1e6);
    }
  }

  /** The mean squared error of the equilibrium on all examples, no graph recorded. */
  public double evaluate() {
    try (NDScope scope = new NDScope()) {
      NDArray z = layer().solve(parameters, data.x(), IterationListener.NONE).equilibrium();
      return z.sub(data.y()).square().mean().toType(DataType.FLOAT64, false).getDouble();
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
