package org.deqlab.app.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.deqlab.core.experiment.LayerKind;
import org.deqlab.core.memory.MemoryPoint;
import org.deqlab.core.text.PositiveIntegers;
import org.deqlab.viz.MemoryChart;

/**
 * The Memory tab: measures one training step of the experiment's cell as a DEQ and as unrolled
 * weight-tied stacks of growing depth, on the engine thread, and plots the memory kept for the
 * backward pass against depth as each point arrives, with every figure in a table beside it.
 */
final class MemoryView {
  private final MemoryViewModel model;
  private final ExperimentEditor editor;
  private final MemoryChart chart = new MemoryChart();
  private final PlotPanel panel;
  private final TextField depths = new TextField("1,2,4,8,16,32");
  private final TextField length = new TextField("100");
  private final TextField batch = new TextField("16");
  private final Button measure = new Button("Measure memory");
  private final ObservableList<MemoryPoint> points = FXCollections.observableArrayList();
  private final BorderPane root = new BorderPane();

  MemoryView(
      MemoryViewModel model,
      ExperimentEditor editor,
      ReadOnlyObjectProperty<RunState> runState,
      StatusModel status,
      PlotPanel.Exporter exporter,
      BiConsumer<String, String> errors) {
    this.model = model;
    this.editor = editor;
    panel = new PlotPanel(chart, Teaching.shortText(chart), exporter);
    panel.setHint(
        "Press 'Measure memory': one training step of the experiment's cell as a DEQ, then as"
            + " unrolled stacks of each depth L. Points appear as they are measured.");
    depths.setPrefColumnCount(12);
    depths.setTooltip(new Tooltip("depths L of the unrolled stacks, comma-separated"));
    length.setPrefColumnCount(4);
    length.setTooltip(
        new Tooltip("sequence length T of the measured batch (image side for shapes)"));
    batch.setPrefColumnCount(3);
    batch.setTooltip(new Tooltip("batch size of the measured step"));
    measure.setId("measure-memory");
    measure.setTooltip(new Tooltip("Measure on the engine thread; the window stays usable"));
    measure.setOnAction(
        e -> {
          try {
            start();
          } catch (IllegalArgumentException error) {
            errors.accept("Memory measurement", error.getMessage());
          }
        });
    measure
        .disableProperty()
        .bind(
            Bindings.createBooleanBinding(
                () -> runState.get().active() || status.engineBusy().get(),
                runState,
                status.engineBusy()));

    Label note =
        new Label(
            "Kept: memory the forward pass holds for the backward pass; solver: the"
                + " buffers the DEQ's forward solve leaves for its adjoint solve; peak: the whole step's high-water"
                + " mark, both included (MiB; forward and backward times in ms). Read from this process's resident size around one training step of"
                + " the experiment's cell, after a warm-up step; the window's own drawing adds a little noise."
                + " Needs an idle engine: stop training first.");
    note.setWrapText(true);
    note.setStyle("-fx-text-fill: #555;");
    HBox controls =
        new HBox(
            8,
            new Label("Depths L"),
            depths,
            new Label("Length T"),
            length,
            new Label("Batch"),
            batch,
            measure);
    controls.setAlignment(Pos.CENTER_LEFT);
    VBox top = new VBox(4, controls, note);
    top.setPadding(new Insets(6));

    SplitPane split = new SplitPane(panel, table());
    split.setDividerPositions(0.56);
    root.setTop(top);
    root.setCenter(split);
    BorderPane.setMargin(split, new Insets(0, 6, 6, 6));
  }

  Node node() {
    return root;
  }

  MemoryChart chart() {
    return chart;
  }

  PlotPanel panel() {
    return panel;
  }

  List<MemoryPoint> points() {
    return List.copyOf(points);
  }

  /** Sets the measurement's sizes (as if typed) — for scripted screenshots and tests. */
  void setSizes(String depthList, int sequenceLength, int batchSize) {
    depths.setText(depthList);
    length.setText(Integer.toString(sequenceLength));
    batch.setText(Integer.toString(batchSize));
  }

  /**
   * Starts a measurement with the fields' values; throws IllegalArgumentException for a bad field.
   */
  CompletableFuture<List<MemoryPoint>> start() {
    List<Integer> depthList = new ArrayList<>();
    for (String part : depths.getText().split(",")) {
      depthList.add(positive(part, "Depths L"));
    }
    int sequenceLength = positive(length.getText(), "Length T");
    int batchSize = positive(batch.getText(), "Batch");
    chart.clear();
    points.clear();
    panel.setCaption("measuring…");
    panel.refresh();
    return model
        .measure(
            editor.draft(),
            depthList,
            sequenceLength,
            batchSize,
            point -> {
              points.add(point);
              if (point.layer() == LayerKind.DEQ) {
                chart.setLevel("DEQ", point.keptMegabytes());
              } else {
                chart.addPointBytes("unrolled", point.depth(), point.keptBytes());
              }
              panel.refresh();
            })
        .whenComplete(
            (all, error) ->
                javafx.application.Platform.runLater(
                    () -> {
                      panel.setCaption(
                          String.format(
                              Locale.ROOT,
                              "T = %d, batch %d%s",
                              sequenceLength,
                              batchSize,
                              error == null ? "" : " · failed"));
                    }));
  }

  /** A positive whole number typed in one of the view's fields, or an error naming the field. */
  private static int positive(String text, String field) {
    try {
      return PositiveIntegers.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }

  private TableView<MemoryPoint> table() {
    TableView<MemoryPoint> table = new TableView<>(points);
    table.setId("memory-table");
    TableColumn<MemoryPoint, String> layer =
        column(
            "layer",
            p ->
                p.layer() == LayerKind.DEQ
                    ? "DEQ, " + p.forwardSteps() + " it."
                    : "L = " + p.depth());
    layer.setMinWidth(78);
    table.getColumns().add(layer);
    table.getColumns().add(column("kept", p -> format("%.1f", p.keptMegabytes())));
    table
        .getColumns()
        .add(
            column(
                "solver",
                p -> p.layer() == LayerKind.DEQ ? format("%.1f", p.workspaceMegabytes()) : "–"));
    table.getColumns().add(column("peak", p -> format("%.1f", p.peakMegabytes())));
    table.getColumns().add(column("fwd", p -> format("%.0f", p.forwardMillis())));
    table.getColumns().add(column("bwd", p -> format("%.0f", p.backwardMillis())));
    TableColumn<MemoryPoint, String> gradient =
        column(
            "∇ vs DEQ",
            p -> p.layer() == LayerKind.DEQ ? "–" : format("%.0e", p.gradientDifference()));
    gradient.setMinWidth(72);
    table.getColumns().add(gradient);
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
    table.setPlaceholder(new Label("No measurement yet"));
    return table;
  }

  private static TableColumn<MemoryPoint, String> column(
      String name, Function<MemoryPoint, String> value) {
    TableColumn<MemoryPoint, String> column = new TableColumn<>(name);
    column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
    column.setSortable(false);
    return column;
  }

  private static String format(String pattern, double value) {
    return String.format(Locale.ROOT, pattern, value);
  }
}
