package org.deqlab.core.torchscript;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.deqlab.core.data.Batch;
import org.deqlab.core.data.TrainingData;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.TaskKind;
import org.deqlab.core.io.DeqProblem;
import org.deqlab.core.io.NpzFiles;

/**
 * A user's TorchScript cell with the input it is studied on: {@code x} and the starting point
 * {@code z0} from an {@code .npz}, converted to the module's dtype. Closing it frees the module.
 *
 * @param cell the loaded and checked cell
 * @param x the input
 * @param z0 the starting point (its shape is the state's)
 * @param source the two files, for reports
 * @param gradientCheck the cell's vector–Jacobian products against finite differences on this
 *     input, made on load
 */
public record TorchScriptProblem(
    TorchScriptCell cell,
    NDArray x,
    NDArray z0,
    String source,
    TorchScriptGradientCheck.Result gradientCheck)
    implements DeqProblem {

  /**
   * Reads {@code input} ({@code x} and {@code z0}) into {@code manager}, loads {@code cellFile} on
   * the manager's device and checks the module's forward on them.
   *
   * @throws TorchScriptException naming the file and the problem
   */
  public static TorchScriptProblem load(Path cellFile, Path input, NDManager manager) {
    Map<String, NDArray> arrays = NpzFiles.read(input, manager);
    NDArray x = require(arrays, "x", input);
    NDArray z0 = require(arrays, "z0", input);
    if (!z0.getDataType().isFloating()) {
      throw new TorchScriptException(
          input, "array z0 must be float32 or float64, got " + z0.getDataType());
    }
    if (z0.getShape().dimension() < 1
        || x.getShape().dimension() < 1
        || z0.getShape().get(0) != x.getShape().get(0)) {
      throw new TorchScriptException(
          input,
          "x and z0 must share axis 0 (the batch), got x "
              + x.getShape()
              + " and z0 "
              + z0.getShape());
    }
    Device device = manager.getDevice();
    TorchScriptCell cell = TorchScriptCell.load(cellFile, device, z0, x);
    try {
      DataType type = cell.dataTypeOf();
      NDArray input0 = x.getDataType().isFloating() ? x.toType(type, false) : x;
      NDArray start = z0.toType(type, false);
      TorchScriptGradientCheck.Result check = TorchScriptGradientCheck.run(cell, start, input0);
      return new TorchScriptProblem(cell, input0, start, cellFile + " on " + input, check);
    } catch (RuntimeException e) {
      cell.close();
      throw e;
    }
  }

  /**
   * Loads the module of a config's model section: {@code model.module} checked on {@code
   * model.moduleInput}.
   *
   * @throws TorchScriptException naming the file and the problem
   */
  public static TorchScriptProblem load(ExperimentConfig.Model model, NDManager manager) {
    return load(Path.of(model.module()), Path.of(model.moduleInput()), manager);
  }

  /** One line on the gradient check made on load, for run headers. */
  public String gradientNote() {
    return String.format(
        Locale.ROOT,
        "gradients of %s checked on load against finite differences: %s (worst relative error"
            + " %.1e)%s",
        cell.file().getFileName(),
        gradientCheck.passed() ? "passed" : "FAILED",
        gradientCheck.worstError(),
        gradientCheck.float64().isEmpty() ? "" : "; " + gradientCheck.float64());
  }

  /**
   * Refuses a task whose inputs or targets do not fit the module: the x the task hands the cell
   * must have the shape the module was loaded on (another batch, and another length where the cell
   * has a length axis); the targets of {@code targets} must have the equilibrium's shape; a decoder
   * or classifier head must read as many features as the state has.
   *
   * @throws TorchScriptException naming the field or array to change
   */
  public void requireFits(ExperimentConfig config, TrainingData data) {
    TaskKind kind = config.task().kind();
    try (NDManager scratch = x.getManager().newSubManager()) {
      Batch batch = data.trainBatch(scratch, 1);
      Shape inputs = batch.inputs().getShape();
      long examples = inputs.get(0);
      boolean targets = kind == TaskKind.TARGETS;
      Shape given =
          targets
              ? inputs
              : kind.cellInputShape(
                  examples, kind.images() ? inputs.get(2) : inputs.get(1), config.model());
      Shape expected = accepted(examples, given);
      if (!given.equals(expected)) {
        throw new TorchScriptException(
            cell.file(),
            "takes x of shape "
                + expected
                + " (as loaded on "
                + Path.of(config.model().moduleInput()).getFileName()
                + "), but "
                + (targets
                    ? "x in task.data has " + given
                    : "task "
                        + kind.label()
                        + " gives the cell x of shape "
                        + given
                        + (kind.images()
                            ? ""
                            : " (model.embedding = " + config.model().embedding() + ")")));
      }
      if (targets) {
        Shape state = cell.stateShape(given);
        if (!batch.targets().getShape().equals(state)) {
          throw new TorchScriptException(
              cell.file(),
              "its equilibrium z* has shape "
                  + state
                  + " for x in task.data, but y there has "
                  + batch.targets().getShape());
        }
        return;
      }
      Shape state = cell.stateShape(given);
      long width = kind.images() ? state.get(1) : state.get(state.dimension() - 1);
      int read = config.model().cell().featureWidth(config.model());
      if (width != read) {
        throw new TorchScriptException(
            cell.file(),
            "its state has "
                + width
                + " features (z of shape "
                + state
                + "), but the task's "
                + (kind.images() ? "classifier" : "decoder")
                + " reads model.hidden = "
                + read
                + ": set model.hidden to "
                + width);
      }
    }
  }

  /** The x shape the module takes for {@code examples} rows like {@code given}. */
  private Shape accepted(long examples, Shape given) {
    return cell.hasLengthAxis() && given.dimension() >= 2
        ? cell.inputShape(examples, given.get(1))
        : cell.inputShape(examples);
  }

  /**
   * Refuses training a cell without parameters, or one whose gradients failed the check on load
   * (with the figures).
   *
   * @throws TorchScriptException naming the cell file and the reason
   */
  public void requireTrainable() {
    if (!cell.trainable()) {
      throw new TorchScriptException(cell.file(), "the module has no parameters to train");
    }
    if (!gradientCheck.passed()) {
      throw new TorchScriptException(
          cell.file(),
          "refused for training: its gradients disagree with finite differences on this input ("
              + gradientCheck.disagreements()
              + "); it can still be solved and probed");
    }
  }

  static NDArray require(Map<String, NDArray> arrays, String name, Path file) {
    NDArray array = arrays.get(name);
    if (array == null) {
      throw new TorchScriptException(
          file, "missing array '" + name + "' (found " + arrays.keySet() + ")");
    }
    return array;
  }

  /** The module's parameters by their names in the module. */
  @Override
  public PairList<String, Parameter> namedParameters() {
    return cell.moduleParameters();
  }

  @Override
  public void close() {
    cell.close();
  }
}
