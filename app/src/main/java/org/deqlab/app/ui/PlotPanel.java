package org.deqlab.app.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.deqlab.viz.ChartExport;
import org.deqlab.viz.ChartPanel;

/**
 * One plot of the workbench in its frame: a heading with a caption, buttons to reset the zoom, open
 * the plot in a large window of its own, explain it and export it (PNG, CSV), a plain-words "what
 * am I looking at" line shown in teaching mode, and a hint over the empty plot saying what will
 * fill it.
 */
final class PlotPanel extends BorderPane {
  /** Exports a chart as a PNG image ({@code png}) or its data as CSV. */
  interface Exporter {
    void export(ChartPanel chart, boolean png);
  }

  private final ChartPanel chart;
  private final Label caption = new Label();
  private final Label teaching;
  private final Label hint = new Label();
  private final Button enlarge = smallButton("⤢", "");
  private Stage detached;
  private Pane home;
  private Region placeholder;

  PlotPanel(ChartPanel chart, String teachingText, Exporter exporter) {
    this.chart = chart;
    chart.setTitleVisible(false); // the heading above names the plot
    String slug = ChartExport.slug(chart.title());
    setId("plot-" + slug);

    Label title = new Label(chart.title());
    title.setStyle("-fx-font-weight: bold; -fx-font-size: 13px;");
    caption.setStyle("-fx-text-fill: #666;");
    Button reset = smallButton("⟲", "Reset zoom and pan (drag to zoom, middle/right-drag to pan)");
    reset.setOnAction(e -> chart.resetZoom());
    enlarge.setTooltip(
        new Tooltip("Open this plot in a window of its own (close that window to bring it back)"));
    enlarge.setOnAction(e -> toggleDetached());
    enlarge.setId("enlarge-" + slug);
    Button explain = smallButton("?", "What am I looking at? (the full explanation)");
    explain.setOnAction(e -> explain());
    MenuItem png = new MenuItem("PNG image…");
    png.setId("png-" + slug);
    png.setOnAction(e -> exporter.export(chart, true));
    MenuItem csv = new MenuItem("CSV data…");
    csv.setId("csv-" + slug);
    csv.setOnAction(e -> exporter.export(chart, false));
    MenuButton export = new MenuButton("Export", null, png, csv);
    export.setTooltip(new Tooltip("Export this plot as a PNG image or its data as CSV"));
    export.setStyle("-fx-font-size: 11px; -fx-padding: 0 2 0 2;");
    export.setFocusTraversable(false);
    export.setMinWidth(Region.USE_PREF_SIZE);
    title.setMinWidth(Region.USE_PREF_SIZE);
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    HBox header = new HBox(4, title, caption, spacer, reset, enlarge, explain, export);
    header.setAlignment(Pos.CENTER_LEFT);
    header.setPadding(new Insets(0, 2, 2, 4));

    teaching = new Label(teachingText);
    teaching.setWrapText(true);
    teaching.setMinHeight(Region.USE_PREF_SIZE);
    teaching.setStyle(
        "-fx-background-color: #fff8dc; -fx-padding: 4 6 4 6; -fx-font-size: 12px;"
            + " -fx-border-color: #e6d9a8;");
    teaching.setMaxWidth(Double.MAX_VALUE);
    teaching.setVisible(false);
    teaching.setManaged(false);

    hint.setWrapText(true);
    hint.setMaxWidth(320);
    hint.setMouseTransparent(true);
    hint.setStyle(
        "-fx-background-color: rgba(255,255,255,0.9); -fx-padding: 8; -fx-text-fill: #555;"
            + " -fx-border-color: #ccc; -fx-font-size: 12px;");
    StackPane plot = new StackPane(chart.node(), hint);
    StackPane.setAlignment(hint, Pos.CENTER);
    plot.setMinSize(0, 0);

    setTop(new VBox(2, header, teaching));
    setCenter(plot);
    setMinSize(0, 0);
    setStyle(
        "-fx-border-color: #c8c8c8; -fx-border-radius: 3; -fx-padding: 3; -fx-background-color: white;");
  }

  ChartPanel chart() {
    return chart;
  }

  void setTeaching(boolean on) {
    teaching.setVisible(on);
    teaching.setManaged(on);
  }

  boolean teachingShown() {
    return teaching.isVisible();
  }

  String teachingText() {
    return teaching.getText();
  }

  void setCaption(String text) {
    caption.setText(text);
  }

  /** Shows {@code text} over the plot while it has no data. */
  void setHint(String text) {
    hint.setText(text);
    refresh();
  }

  /** Shows the hint only while the plot is empty. */
  void refresh() {
    boolean empty = chart.dataSets().isEmpty() && !hint.getText().isEmpty();
    hint.setVisible(empty);
  }

  boolean hintShown() {
    return hint.isVisible();
  }

  String hintText() {
    return hint.getText();
  }

  /** Whether the plot is shown in a window of its own. */
  boolean isDetached() {
    return detached != null;
  }

  /**
   * Moves the plot into a large window of its own, or back into its place in the layout; a label
   * holds its place meanwhile, so the layout around it does not move.
   */
  void toggleDetached() {
    if (detached != null) {
      detached.close(); // the close handler puts the panel back
      return;
    }
    if (!(getParent() instanceof Pane parent)) {
      return;
    }
    home = parent;
    Label note =
        new Label("“" + chart.title() + "” is open in its own window (close it to return)");
    note.setWrapText(true);
    note.setStyle("-fx-text-fill: #777;");
    StackPane holder = new StackPane(note);
    holder.setMinSize(0, 0);
    holder.getProperties().putAll(getProperties()); // grid position and span
    placeholder = holder;
    int index = parent.getChildren().indexOf(this);
    parent.getChildren().set(index, holder);
    Stage stage = new Stage();
    stage.setTitle(chart.title() + " — DEQ Workbench");
    BorderPane content = new BorderPane(this);
    content.setPadding(new Insets(6));
    stage.setScene(new Scene(content, 1100, 720));
    if (home.getScene() != null && home.getScene().getWindow() != null) {
      stage.initOwner(home.getScene().getWindow());
    }
    stage.setOnHidden(e -> reattach(content));
    detached = stage;
    enlarge.setText("⤡");
    stage.show();
  }

  private void reattach(BorderPane content) {
    content.setCenter(null);
    int index = home.getChildren().indexOf(placeholder);
    if (index >= 0) {
      home.getChildren().set(index, this);
    }
    detached = null;
    placeholder = null;
    enlarge.setText("⤢");
  }

  private void explain() {
    TextArea text = new TextArea(chart.explanation());
    text.setWrapText(true);
    text.setEditable(false);
    text.setPrefSize(520, 260);
    Alert alert = new Alert(Alert.AlertType.INFORMATION, "", ButtonType.CLOSE);
    alert.setTitle("What am I looking at?");
    alert.setHeaderText(chart.title());
    alert.getDialogPane().setContent(text);
    if (getScene() != null) {
      alert.initOwner(getScene().getWindow());
    }
    alert.show();
  }

  private static Button smallButton(String text, String help) {
    Button button = new Button(text);
    button.setTooltip(new Tooltip(help));
    button.setStyle("-fx-font-size: 11px; -fx-padding: 1 6 1 6;");
    button.setFocusTraversable(false);
    button.setMinWidth(Region.USE_PREF_SIZE);
    return button;
  }
}
