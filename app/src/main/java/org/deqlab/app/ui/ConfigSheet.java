package org.deqlab.app.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyStringProperty;
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
  /** Display names and tooltips of the fields (ConfigFields.properties). */
  private static final ResourceBundle WORDS =
      ResourceBundle.getBundle("org.deqlab.app.ui.ConfigFields");

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
  private final ReadOnlyStringProperty gpuProblem;
  private ObjectNode draft;

  /**
   * @param gpuCount CUDA devices the engine sees (-1 while it starts), for the device choice
   */
  ConfigSheet(ReadOnlyIntegerProperty gpuCount, ReadOnlyStringProperty gpuProblem) {
    this.gpuCount = gpuCount;
    this.gpuProblem = gpuProblem;
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
            return new DeviceEditor(field, gpuCount, gpuProblem);
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

  private static String word(String key, String otherwise) {
    return WORDS.containsKey(key) ? WORDS.getString(key) : otherwise;
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
      String label = word("label." + path, null);
      if (label != null) {
        return label;
      }
      if (path.contains(".options.")) {
        String option = word("option." + key, key);
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
      return path + ": " + word("about." + path, getName());
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

  /**
   * A device choice ({@code auto}, {@code cpu}, each usable {@code cuda:N}); without a usable GPU,
   * {@code cuda} is shown greyed out with the engine's reason as its tooltip.
   */
  private static final class DeviceEditor extends AbstractPropertyEditor<String, ComboBox<String>> {
    private static final String CUDA = "cuda";

    DeviceEditor(
        PropertySheet.Item item,
        ReadOnlyIntegerProperty gpuCount,
        ReadOnlyStringProperty gpuProblem) {
      super(item, new ComboBox<>());
      ComboBox<String> box = getEditor();
      box.setId("device-choice");
      fill(box, gpuCount.get(), gpuProblem.get());
      gpuCount.addListener((obs, before, after) -> fill(box, after.intValue(), gpuProblem.get()));
      box.setCellFactory(
          list ->
              new ListCell<>() {
                @Override
                protected void updateItem(String value, boolean empty) {
                  super.updateItem(value, empty);
                  boolean unavailable = !empty && unavailable(value, gpuCount.get());
                  setText(empty ? null : value + (unavailable ? "  (unavailable)" : ""));
                  setDisable(unavailable);
                  setOpacity(unavailable ? 0.45 : 1);
                  setTooltip(
                      unavailable
                          ? new Tooltip(gpuReason(gpuCount.get(), gpuProblem.get()))
                          : null);
                }
              });
    }

    private static void fill(ComboBox<String> box, int gpus, String problem) {
      String selected = box.getValue();
      List<String> options = new ArrayList<>(List.of("auto", "cpu"));
      if (gpus <= 0) {
        options.add(CUDA);
      }
      for (int i = 0; i < gpus; i++) {
        options.add(CUDA + ":" + i);
      }
      box.setItems(FXCollections.observableArrayList(options));
      box.setValue(selected);
      box.setTooltip(
          new Tooltip(
              gpus > 0
                  ? gpus + " GPU(s) usable; auto takes cuda:0"
                  : "auto runs on the CPU: " + gpuReason(gpus, problem)));
    }

    private static boolean unavailable(String value, int gpus) {
      return value.startsWith(CUDA) && gpus <= 0;
    }

    static String gpuReason(int gpus, String problem) {
      return gpus < 0 ? "the engine is still starting; wait a moment" : "no usable GPU: " + problem;
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
