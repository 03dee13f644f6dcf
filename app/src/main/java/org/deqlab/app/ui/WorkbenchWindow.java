package org.deqlab.app.ui;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.deqlab.core.train.Presets;
import org.deqlab.core.train.TrainingConfig;
import org.deqlab.viz.ChartExport;
import org.deqlab.viz.ExportableChart;

/**
 * The workbench window: experiment panel and live controls on the left, the six plots in the
 * middle, run controls on top and a status line at the bottom. It binds to an {@link
 * ExperimentViewModel} and does no engine work itself.
 */
final class WorkbenchWindow {
  private final ExperimentViewModel model;
  private final BorderPane root = new BorderPane();
  private final ConfigSheet sheet = new ConfigSheet();
  private final LiveControls live;
  private final WorkbenchCharts charts;
  private final ComboBox<String> presets = new ComboBox<>();
  private final Button run = new Button("▶ Run");
  private final Button pause = new Button("⏸ Pause");
  private final Button resume = new Button("⏵ Resume");
  private final Button stop = new Button("⏹ Stop");
  private final Button sweep = new Button("Sweep length");
  private final TextField sweepLengths = new TextField("25,50,100,200");
  private final ToggleButton teaching = new ToggleButton("Teaching mode");

  WorkbenchWindow(ExperimentViewModel model) {
    this.model = model;
    this.live = new LiveControls(model);
    this.charts = new WorkbenchCharts(this::export);
    model.attach(charts);
    sheet.show(model.config().get());
    model.config().addListener((obs, before, after) -> {
      if (!model.state().get().active()) {
        sheet.show(after);
      }
      live.refresh();
    });
    model.state().addListener((obs, before, after) -> {
      updateButtons(after);
      live.refresh();
    });

    root.setTop(toolbar());
    root.setLeft(sidePanel());
    root.setCenter(charts.node());
    root.setBottom(statusBar());
    updateButtons(model.state().get());
  }

  Parent root() {
    return root;
  }

  WorkbenchCharts charts() {
    return charts;
  }

  LiveControls liveControls() {
    return live;
  }

  ConfigSheet configSheet() {
    return sheet;
  }

  private ToolBar toolbar() {
    Button open = new Button("Open…");
    open.setTooltip(new Tooltip("Open a saved experiment (.deq.json) and show its plots"));
    open.setOnAction(e -> openExperiment());
    Button save = new Button("Save…");
    save.setTooltip(new Tooltip("Save config, run log and checkpoint location as .deq.json"));
    save.setOnAction(e -> saveExperiment());
    presets.getItems().setAll(Presets.names());
    presets.setValue(model.config().get().name().replace("+custom", ""));
    presets.setTooltip(new Tooltip("Load a ready-made experiment"));
    presets.setOnAction(e -> {
      if (presets.getValue() != null && Presets.names().contains(presets.getValue())) {
        model.config().set(Presets.get(presets.getValue()));
      }
    });
    run.setOnAction(e -> startRun());
    run.setDefaultButton(true);
    pause.setOnAction(e -> model.pause());
    resume.setOnAction(e -> model.resume());
    stop.setOnAction(e -> model.stop());
    sweepLengths.setPrefColumnCount(10);
    sweepLengths.setTooltip(new Tooltip("sequence lengths T to measure, comma-separated"));
    sweep.setTooltip(new Tooltip("Measure forward solver steps versus sequence length on the current model"));
    sweep.setOnAction(e -> startSweep());
    teaching.setTooltip(new Tooltip("Show a plain-words explanation under every plot"));
    teaching.selectedProperty().addListener((obs, was, on) -> charts.setTeachingMode(on));
    return new ToolBar(open, save, new Separator(Orientation.VERTICAL), new Label("Preset"), presets,
        new Separator(Orientation.VERTICAL), run, pause, resume, stop,
        new Separator(Orientation.VERTICAL), sweep, sweepLengths,
        new Separator(Orientation.VERTICAL), teaching);
  }

  private VBox sidePanel() {
    TitledPane experiment = new TitledPane("Experiment", sheet.node());
    experiment.setCollapsible(false);
    VBox.setVgrow(experiment, Priority.ALWAYS);
    TitledPane livePane = new TitledPane("Live settings (apply from the next step)", live.node());
    livePane.setCollapsible(false);
    VBox side = new VBox(6, experiment, livePane);
    side.setPadding(new Insets(6));
    side.setPrefWidth(330);
    side.setMinWidth(280);
    return side;
  }

  private HBox statusBar() {
    ProgressBar progress = new ProgressBar();
    progress.progressProperty().bind(model.progress());
    progress.setPrefWidth(220);
    Label status = new Label();
    status.textProperty().bind(model.status());
    HBox bar = new HBox(10, progress, status);
    bar.setAlignment(Pos.CENTER_LEFT);
    bar.setPadding(new Insets(4, 8, 4, 8));
    return bar;
  }

  private void updateButtons(RunState state) {
    boolean active = state.active();
    run.setDisable(active);
    pause.setDisable(state != RunState.RUNNING);
    resume.setDisable(state != RunState.PAUSED);
    stop.setDisable(!active || state == RunState.STOPPING);
    sweep.setDisable(active);
    presets.setDisable(active);
    sheet.node().setDisable(active);
  }

  /** Validates the experiment panel and starts a run; an invalid field is named in a dialog. */
  void startRun() {
    TrainingConfig config;
    try {
      config = sheet.build();
    } catch (IllegalArgumentException e) {
      error("The experiment has an invalid setting", e.getMessage());
      return;
    }
    model.config().set(config);
    model.start();
  }

  private void startSweep() {
    List<Integer> lengths = new ArrayList<>();
    try {
      for (String part : sweepLengths.getText().split(",")) {
        int length = Integer.parseInt(part.trim());
        if (length < 1) {
          throw new NumberFormatException();
        }
        lengths.add(length);
      }
      model.config().set(sheet.build());
    } catch (NumberFormatException e) {
      error("Sweep lengths", "give positive integers separated by commas, e.g. 25,50,100");
      return;
    } catch (IllegalArgumentException e) {
      error("The experiment has an invalid setting", e.getMessage());
      return;
    }
    model.sweepLengths(lengths, 200);
  }

  private void openExperiment() {
    FileChooser chooser = chooser("Open experiment", "DEQ experiment", "*.deq.json", "*.json");
    File file = chooser.showOpenDialog(window());
    if (file != null) {
      try {
        model.open(file.toPath());
      } catch (IllegalArgumentException e) {
        error("Cannot open " + file.getName(), e.getMessage());
      }
    }
  }

  private void saveExperiment() {
    FileChooser chooser = chooser("Save experiment", "DEQ experiment", "*.deq.json");
    File file = chooser.showSaveDialog(window());
    if (file != null) {
      try {
        model.config().set(sheet.build());
        model.save(file.toPath());
      } catch (IOException | IllegalArgumentException e) {
        error("Cannot save " + file.getName(), e.getMessage());
      }
    }
  }

  private void export(ExportableChart chart, boolean png) {
    String slug = chart.title().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    FileChooser chooser = png ? chooser("Export PNG", "PNG image", "*.png")
        : chooser("Export CSV", "CSV data", "*.csv");
    chooser.setInitialFileName(slug + (png ? ".png" : ".csv"));
    File file = chooser.showSaveDialog(window());
    if (file == null) {
      return;
    }
    try {
      Path path = file.toPath();
      if (png) {
        ChartExport.writePng(chart, path);
      } else {
        ChartExport.writeCsv(chart, path);
      }
      model.status().set("Exported " + path);
    } catch (IOException e) {
      error("Export failed", e.getMessage());
    }
  }

  private FileChooser chooser(String title, String description, String... patterns) {
    FileChooser chooser = new FileChooser();
    chooser.setTitle(title);
    chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(description, patterns));
    Path directory = model.runDirectory().get();
    File initial = directory != null && directory.toFile().isDirectory() ? directory.toFile()
        : new File(System.getProperty("user.dir"));
    chooser.setInitialDirectory(initial);
    return chooser;
  }

  private Window window() {
    return root.getScene() == null ? null : root.getScene().getWindow();
  }

  private void error(String header, String message) {
    Alert alert = new Alert(Alert.AlertType.ERROR, message);
    alert.setHeaderText(header);
    alert.initOwner(window());
    alert.show();
  }
}
