package org.deqlab.app.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ListCell;
import javafx.scene.control.Tooltip;
import org.controlsfx.control.PropertySheet;
import org.controlsfx.property.editor.AbstractPropertyEditor;
import org.controlsfx.property.editor.DefaultPropertyEditorFactory;
import org.controlsfx.property.editor.Editors;
import org.controlsfx.property.editor.PropertyEditor;
import org.deqlab.core.cell.ConvolutionPath;
import org.deqlab.core.cell.TapSpacing;
import org.deqlab.core.cell.TrellisGating;
import org.deqlab.core.experiment.BackwardKind;
import org.deqlab.core.experiment.CellKind;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.ExperimentConfigs;
import org.deqlab.core.experiment.LayerKind;
import org.deqlab.core.experiment.Precision;
import org.deqlab.core.experiment.TaskKind;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.StopCriterion;

/**
 * The experiment panel: every field of a {@link ExperimentConfig} as a property-sheet row, grouped
 * by section (task, model, forward, backward, optimizer, jacobian, run). Edits go to a JSON draft;
 * {@link #build()} turns the draft into a validated config, whose error names the field.
 */
final class ConfigSheet {
  private static final Map<String, List<String>> CHOICES =
      Map.ofEntries(
          Map.entry("task.kind", labels(TaskKind.values(), TaskKind::label)),
          Map.entry("model.cell", labels(CellKind.values(), CellKind::label)),
          Map.entry("model.layer", labels(LayerKind.values(), LayerKind::label)),
          Map.entry("model.convolution", labels(ConvolutionPath.values(), ConvolutionPath::label)),
          Map.entry("model.taps", labels(TapSpacing.values(), TapSpacing::label)),
          Map.entry("model.gating", labels(TrellisGating.values(), TrellisGating::label)),
          Map.entry("forward.solver", labels(SolverKind.values(), SolverKind::label)),
          Map.entry("backward.mode", labels(BackwardKind.values(), BackwardKind::label)),
          Map.entry("backward.solver", labels(SolverKind.values(), SolverKind::label)),
          Map.entry(
              "forward.options.stopCriterion",
              labels(StopCriterion.values(), StopCriterion::label)),
          Map.entry(
              "backward.options.stopCriterion",
              labels(StopCriterion.values(), StopCriterion::label)),
          Map.entry("dtype", labels(Precision.values(), Precision::label)));

  /** Display names of the fields; the path is the tooltip's first word. */
  private static final Map<String, String> LABELS =
      Map.ofEntries(
          Map.entry("name", "name"),
          Map.entry("task.kind", "task"),
          Map.entry("task.sequenceLength", "length T"),
          Map.entry("task.batchSize", "batch size"),
          Map.entry("task.corpus", "corpus"),
          Map.entry("task.evalBatches", "eval batches"),
          Map.entry("model.cell", "cell"),
          Map.entry("model.layer", "layer"),
          Map.entry("model.depth", "unrolled depth L"),
          Map.entry("model.pretrainDepth", "pretrain depth"),
          Map.entry("model.embedding", "embedding width"),
          Map.entry("model.hidden", "state width d"),
          Map.entry("model.heads", "attention heads"),
          Map.entry("model.feedForward", "feed-forward"),
          Map.entry("model.scales", "resolutions (mdeq)"),
          Map.entry("model.kernelSize", "kernel size"),
          Map.entry("model.dilation", "dilation"),
          Map.entry("model.taps", "taps (trellisnet)"),
          Map.entry("model.gating", "unit (trellisnet)"),
          Map.entry("model.dropout", "dropout"),
          Map.entry("model.weightNorm", "weight norm"),
          Map.entry("model.spectralNorm", "spectral norm bound"),
          Map.entry("model.initScale", "init scale"),
          Map.entry("model.convolution", "convolution path"),
          Map.entry("forward.solver", "forward solver"),
          Map.entry("backward.mode", "backward mode"),
          Map.entry("backward.solver", "backward solver"),
          Map.entry("backward.phantomSteps", "phantom steps"),
          Map.entry("backward.phantomDamping", "phantom damping"),
          Map.entry("optimizer.learningRate", "learning rate"),
          Map.entry("optimizer.warmupSteps", "warm-up steps"),
          Map.entry("optimizer.minLearningRate", "min rate"),
          Map.entry("optimizer.clipNorm", "clip norm"),
          Map.entry("optimizer.weightDecay", "weight decay"),
          Map.entry("jacobian.weight", "Jacobian weight γ"),
          Map.entry("jacobian.probes", "Hutchinson probes"),
          Map.entry("jacobian.every", "regularize every"),
          Map.entry("jacobian.probeEvery", "probe every"),
          Map.entry("jacobian.probeProducts", "products per probe"),
          Map.entry("steps", "steps"),
          Map.entry("pretrainSteps", "pretrain steps"),
          Map.entry("evalEvery", "evaluate every"),
          Map.entry("checkpointEvery", "checkpoint every"),
          Map.entry("seed", "seed"),
          Map.entry("device", "device"),
          Map.entry("dtype", "dtype"));

  /** Labels of the solver options, shared by the forward and the backward solver. */
  private static final Map<String, String> OPTION_LABELS =
      Map.ofEntries(
          Map.entry("maxIterations", "max iters"),
          Map.entry("tolerance", "tolerance (eps)"),
          Map.entry("stopCriterion", "stop criterion"),
          Map.entry("andersonMemory", "Anderson memory m"),
          Map.entry("andersonRegularization", "Anderson λ"),
          Map.entry("andersonMixing", "Anderson β"),
          Map.entry("broydenMemory", "Broyden memory"),
          Map.entry("lineSearch", "line search"),
          Map.entry("damping", "damping τ"),
          Map.entry("divergenceFactor", "divergence factor"));

  private static final Map<String, String> DESCRIPTIONS =
      Map.ofEntries(
          Map.entry(
              "forward.options.maxIterations", "f_thres: the most iterations of the forward solve"),
          Map.entry(
              "backward.options.maxIterations",
              "b_thres: the most iterations of the backward (adjoint) solve"),
          Map.entry(
              "forward.options.tolerance", "eps: stop when every sample's residual is below this"),
          Map.entry(
              "backward.options.tolerance",
              "stop the backward solve when every residual is below this"),
          Map.entry("forward.options.stopCriterion", "rel: ‖f(z) − z‖ / ‖f(z)‖; abs: ‖f(z) − z‖"),
          Map.entry(
              "model.layer",
              "deq: solve for the fixed point; unrolled: apply the cell 'depth' times"),
          Map.entry(
              "model.depth", "depth L of the unrolled weight-tied stack (model.layer = unrolled)"),
          Map.entry(
              "model.convolution",
              "auto: the engine's convolution where its float32 gradient is"
                  + " right on this CPU, and where it is not the cheaper fix (unfolded over time, padded to"
                  + " 16 output channels over images; checked before a run); native; padded; unfolded"),
          Map.entry(
              "model.spectralNorm",
              "spectral normalization: every weight of the cell scaled so its largest singular"
                  + " value (power-iteration estimate carried across steps) is at most this;"
                  + " 0 = off (trellisnet, conv, mdeq)"),
          Map.entry(
              "model.taps",
              "trellisnet: dilated taps (0, d, 2d, …) or exponential ones (0 and j·bⁱ, 1 ≤ j < b,"
                  + " in base b = max(2, d)): a dilation schedule folded into one weight-tied layer"),
          Map.entry(
              "model.gating",
              "trellisnet unit: none (tanh), glu (tanh ⊙ σ) or lstm (TrellisNet's LSTM unit, a"
                  + " memory cell with a forget gate; the state holds h and c)"),
          Map.entry(
              "model.scales",
              "mdeq: resolutions in the equilibrium state (full size, halved, …; twice the"
                  + " channels at each halving)"),
          Map.entry(
              "backward.mode",
              "implicit: solve the adjoint fixed point (IFT); phantom: a few damped"
                  + " unrolled steps; one-step: differentiate through one application of f"),
          Map.entry(
              "jacobian.weight",
              "γ: weight of the Jacobian regularization ‖J‖²_F/d in the loss (0 = off)"),
          Map.entry("jacobian.every", "apply the Jacobian regularization every this many steps"),
          Map.entry(
              "jacobian.probeEvery",
              "estimate ρ(J), ‖J‖²_F/d and Ritz values every this many steps"),
          Map.entry(
              "pretrainSteps",
              "the first steps train a shallow unrolled stack (the DEQ papers' warm-up)"),
          Map.entry(
              "device", "where tensors live; GPUs are offered only when the engine sees one"));

  /** Sections in the order a user sets up an experiment. */
  private static final List<String> CATEGORIES =
      List.of("Task", "Model", "Forward solver", "Backward", "Jacobian", "Optimizer", "Run");

  private static final Map<String, String> CATEGORY_OF_SECTION =
      Map.of(
          "task",
          "Task",
          "model",
          "Model",
          "forward",
          "Forward solver",
          "backward",
          "Backward",
          "jacobian",
          "Jacobian",
          "optimizer",
          "Optimizer");

  private final PropertySheet sheet = new PropertySheet();

  /** The JSON labels of an enum's values: the window offers exactly what configs accept. */
  private static <E> List<String> labels(E[] values, java.util.function.Function<E, String> label) {
    return java.util.Arrays.stream(values).map(label).toList();
  }

  private final ReadOnlyIntegerProperty gpuCount;
  private ObjectNode draft;

  /**
   * @param gpuCount CUDA devices the engine sees (-1 while it starts), for the device choice
   */
  ConfigSheet(ReadOnlyIntegerProperty gpuCount) {
    this.gpuCount = gpuCount;
    sheet.setId("experiment-sheet");
    sheet.setMode(PropertySheet.Mode.CATEGORY);
    sheet.setSearchBoxVisible(true);
    sheet.setModeSwitcherVisible(false);
    sheet.setCategoryComparator(
        (a, b) -> Integer.compare(CATEGORIES.indexOf(a), CATEGORIES.indexOf(b)));
    DefaultPropertyEditorFactory defaults = new DefaultPropertyEditorFactory();
    sheet.setPropertyEditorFactory(
        item -> {
          Field field = (Field) item;
          if (field.path.equals("device")) {
            return new DeviceEditor(field, gpuCount);
          }
          List<String> choices = CHOICES.get(field.path);
          if (choices != null) {
            return Editors.createChoiceEditor(item, choices);
          }
          PropertyEditor<?> editor = defaults.call(item);
          return editor;
        });
  }

  PropertySheet node() {
    return sheet;
  }

  /** Shows a config for editing. */
  void show(ExperimentConfig config) {
    draft = ExperimentConfigs.JSON.valueToTree(config);
    List<PropertySheet.Item> items = new ArrayList<>();
    collect(draft, "", items);
    sheet.getItems().setAll(items);
  }

  /** The edited config; throws IllegalArgumentException naming the field if a value is invalid. */
  ExperimentConfig build() {
    return ExperimentConfigs.fromJson(draft.deepCopy(), "experiment panel");
  }

  /** The draft value at a dotted path (e.g. {@code forward.options.maxIterations}), as shown. */
  Object value(String path) {
    return field(path).getValue();
  }

  /** Sets the draft value at a dotted path, as an edit in the panel would. */
  void setValue(String path, Object value) {
    field(path).setValue(value);
  }

  private Field field(String path) {
    for (PropertySheet.Item item : sheet.getItems()) {
      if (((Field) item).path.equals(path)) {
        return (Field) item;
      }
    }
    throw new IllegalArgumentException("no field " + path + " in the experiment panel");
  }

  private void collect(ObjectNode node, String prefix, List<PropertySheet.Item> items) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> entry = fields.next();
      String path = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
      if (entry.getValue().isObject()) {
        collect((ObjectNode) entry.getValue(), path, items);
      } else {
        items.add(new Field(node, entry.getKey(), path));
      }
    }
  }

  /** One leaf of the config: reads and writes the draft in place. */
  private static final class Field implements PropertySheet.Item {
    private final ObjectNode parent;
    private final String key;
    private final String path;

    Field(ObjectNode parent, String key, String path) {
      this.parent = parent;
      this.key = key;
      this.path = path;
    }

    @Override
    public Class<?> getType() {
      JsonNode value = parent.get(key);
      if (value.isBoolean()) {
        return Boolean.class;
      } else if (value.isIntegralNumber()) {
        return value.canConvertToInt() ? Integer.class : Long.class;
      } else if (value.isNumber()) {
        return Double.class;
      }
      return String.class;
    }

    @Override
    public String getCategory() {
      int dot = path.indexOf('.');
      return dot < 0 ? "Run" : CATEGORY_OF_SECTION.getOrDefault(path.substring(0, dot), "Run");
    }

    @Override
    public String getName() {
      String label = LABELS.get(path);
      if (label != null) {
        return label;
      }
      if (path.contains(".options.")) {
        String option = OPTION_LABELS.getOrDefault(key, key);
        if (path.startsWith("forward.") && key.equals("maxIterations")) {
          return "f_thres (" + option + ")";
        }
        if (path.startsWith("backward.")) {
          return key.equals("maxIterations") ? "b_thres (" + option + ")" : option;
        }
        return option;
      }
      return key;
    }

    @Override
    public String getDescription() {
      return path + ": " + DESCRIPTIONS.getOrDefault(path, getName());
    }

    @Override
    public Object getValue() {
      JsonNode value = parent.get(key);
      if (value.isBoolean()) {
        return value.booleanValue();
      } else if (value.isIntegralNumber()) {
        return value.canConvertToInt() ? (Object) value.intValue() : (Object) value.longValue();
      } else if (value.isNumber()) {
        return value.doubleValue();
      }
      return value.asText();
    }

    @Override
    public void setValue(Object value) {
      if (value instanceof Boolean b) {
        parent.put(key, b);
      } else if (value instanceof Integer i) {
        parent.put(key, i);
      } else if (value instanceof Long l) {
        parent.put(key, l);
      } else if (value instanceof Number n) {
        parent.put(key, n.doubleValue());
      } else if (value != null) {
        parent.put(key, value.toString());
      }
    }

    @Override
    public Optional<ObservableValue<? extends Object>> getObservableValue() {
      return Optional.empty();
    }
  }

  /** A device choice in which an absent GPU is shown greyed out, with the reason as tooltip. */
  private static final class DeviceEditor extends AbstractPropertyEditor<String, ComboBox<String>> {
    private static final String CPU = "cpu";
    private static final String GPU = "gpu";

    DeviceEditor(PropertySheet.Item item, ReadOnlyIntegerProperty gpuCount) {
      super(item, new ComboBox<>());
      ComboBox<String> box = getEditor();
      box.setId("device-choice");
      fill(box, gpuCount.get());
      gpuCount.addListener((obs, before, after) -> fill(box, after.intValue()));
      box.setCellFactory(
          list ->
              new ListCell<>() {
                @Override
                protected void updateItem(String value, boolean empty) {
                  super.updateItem(value, empty);
                  setText(
                      empty
                          ? null
                          : value
                              + (!empty && unavailable(value, gpuCount.get())
                                  ? "  (unavailable)"
                                  : ""));
                  boolean unavailable = !empty && unavailable(value, gpuCount.get());
                  setDisable(unavailable);
                  setOpacity(unavailable ? 0.45 : 1);
                  setTooltip(unavailable ? new Tooltip(gpuReason(gpuCount.get())) : null);
                }
              });
    }

    private static void fill(ComboBox<String> box, int gpus) {
      String selected = box.getValue();
      List<String> options = new ArrayList<>(List.of(CPU));
      if (gpus <= 0) {
        options.add(GPU);
      }
      for (int i = 0; i < gpus; i++) {
        options.add("gpu:" + i);
      }
      box.setItems(FXCollections.observableArrayList(options));
      box.setValue(selected);
      box.setTooltip(new Tooltip(gpus > 0 ? gpus + " GPU(s) available" : gpuReason(gpus)));
    }

    private static boolean unavailable(String value, int gpus) {
      return value.startsWith(GPU) && gpus <= 0;
    }

    static String gpuReason(int gpus) {
      return gpus < 0
          ? "GPU: the engine is still starting; wait a moment"
          : "No GPU: the engine sees no CUDA device (this build ships PyTorch's CPU natives;"
              + " CUDA natives and a driver are needed for gpu)";
    }

    @Override
    protected ObservableValue<String> getObservableValue() {
      return getEditor().valueProperty();
    }

    @Override
    public void setValue(String value) {
      getEditor().setValue(value);
    }
  }
}
