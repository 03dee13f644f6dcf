package org.deqlab.app.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.train.TrainingConfig;
import org.deqlab.core.train.TrainingConfigs;

/**
 * The experiment panel: every field of a {@link TrainingConfig} as a property-sheet row, grouped
 * by section (task, model, forward, backward, optimizer, jacobian, run). Edits go to a JSON draft;
 * {@link #build()} turns the draft into a validated config, whose error names the field.
 */
final class ConfigSheet {
  private static final Map<String, List<String>> CHOICES = Map.ofEntries(
      Map.entry("task.kind", List.of("copy-memory", "char-lm", "shapes")),
      Map.entry("model.cell", List.of("transformer", "trellisnet", "conv", "mlp")),
      Map.entry("model.layer", List.of("deq", "unrolled")),
      Map.entry("forward.solver", List.of("anderson", "broyden", "fixed-point")),
      Map.entry("backward.mode", List.of("implicit", "phantom", "one-step")),
      Map.entry("backward.solver", List.of("anderson", "broyden", "fixed-point")),
      Map.entry("forward.options.stopCriterion", List.of("rel", "abs")),
      Map.entry("backward.options.stopCriterion", List.of("rel", "abs")),
      Map.entry("dtype", List.of("float32", "float64")));
  private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
      Map.entry("forward.options.maxIterations", "f_thres: the most iterations of the forward solve"),
      Map.entry("backward.options.maxIterations", "b_thres: the most iterations of the backward (adjoint) solve"),
      Map.entry("forward.options.tolerance", "eps: stop when every sample's residual is below this"),
      Map.entry("model.layer", "deq: solve for the fixed point; unrolled: apply the cell 'depth' times"),
      Map.entry("model.depth", "depth L of the unrolled weight-tied stack"),
      Map.entry("jacobian.weight", "γ: weight of the Jacobian regularization ‖J‖²_F/d in the loss"),
      Map.entry("device", "where tensors live; GPUs are listed only when the engine sees one"));

  private final PropertySheet sheet = new PropertySheet();
  private ObjectNode draft;

  ConfigSheet() {
    sheet.setMode(PropertySheet.Mode.CATEGORY);
    sheet.setSearchBoxVisible(true);
    sheet.setModeSwitcherVisible(false);
    DefaultPropertyEditorFactory defaults = new DefaultPropertyEditorFactory();
    sheet.setPropertyEditorFactory(item -> {
      Field field = (Field) item;
      if (field.path.equals("device")) {
        return new DeviceEditor(field);
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
  void show(TrainingConfig config) {
    draft = TrainingConfigs.JSON.valueToTree(config);
    List<PropertySheet.Item> items = new ArrayList<>();
    collect(draft, "", items);
    sheet.getItems().setAll(items);
  }

  /** The edited config; throws IllegalArgumentException naming the field if a value is invalid. */
  TrainingConfig build() {
    return TrainingConfigs.fromJson(draft.deepCopy(), "experiment panel");
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
      return dot < 0 ? "run" : path.substring(0, dot);
    }

    @Override
    public String getName() {
      int dot = path.indexOf('.');
      return dot < 0 ? path : path.substring(dot + 1);
    }

    @Override
    public String getDescription() {
      return DESCRIPTIONS.getOrDefault(path, path);
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

    DeviceEditor(PropertySheet.Item item) {
      super(item, new ComboBox<>());
      int gpus = DeqEngine.gpuCount();
      List<String> options = new ArrayList<>(List.of(CPU));
      for (int i = 0; i < Math.max(1, gpus); i++) {
        options.add(gpus == 0 ? GPU : "gpu:" + i);
      }
      ComboBox<String> box = getEditor();
      box.setItems(FXCollections.observableArrayList(options));
      box.setCellFactory(list -> new ListCell<>() {
        @Override
        protected void updateItem(String value, boolean empty) {
          super.updateItem(value, empty);
          setText(empty ? null : value);
          boolean unavailable = !empty && value.startsWith(GPU) && gpus == 0;
          setDisable(unavailable);
          setOpacity(unavailable ? 0.4 : 1);
          setTooltip(unavailable ? new Tooltip(gpuReason()) : null);
        }
      });
    }

    static String gpuReason() {
      return "No GPU: the engine sees no CUDA device (this build ships PyTorch's CPU natives;"
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
