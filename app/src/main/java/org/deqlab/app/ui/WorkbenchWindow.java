package org.deqlab.app.ui;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Separator;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.deqlab.app.charts.WorkbenchCharts;
import org.deqlab.core.experiment.CellKind;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.Presets;
import org.deqlab.core.run.ExperimentFile;
import org.deqlab.core.run.ExperimentRun;
import org.deqlab.core.train.LiveSettings;
import org.deqlab.viz.ChartExport;
import org.deqlab.viz.ChartPanel;

/**
 * The workbench window: a Playground tab first (a 2-D DEQ seen whole, with the guided lessons);
 * then a Training tab with the six plots of a run and a Memory tab, beside the experiment panel and
 * live controls (hidden while the playground shows, which needs neither); run controls on top,
 * progress, status and the runs folder at the bottom. It binds to the {@link WorkbenchModels} and
 * does no engine work itself.
 */
final class WorkbenchWindow {
  private final WorkbenchModels models;
  private final ExperimentEditor editor;
  private final RunViewModel run;
  private final StatusModel status;
  private final BorderPane root = new BorderPane();
  private final ConfigSheet sheet;
  private final LiveControls live;
  private final WorkbenchCharts charts = new WorkbenchCharts();
  private final Map<ChartPanel, PlotPanel> panels = new LinkedHashMap<>();
  private final MemoryView memory;
  private final PlaygroundView playground;
  private final TabPane tabs = new TabPane();
  private final Tab playgroundTab = new Tab("Playground: a DEQ in 2-D");
  private final Tab trainingTab = new Tab("Training");
  private final Tab memoryTab = new Tab("Memory: DEQ vs unrolled");
  private final Tab pytorchCellTab = new Tab("PyTorch cell");
  private final PyTorchCellView pytorchCell =
      new PyTorchCellView(
          this::chooseAndOpenCell, this::measureCellMemory, this::chooseAndFitCell, this::useCell);

  /** The cell and input shown in the PyTorch cell tab (null before one is opened). */
  private Path shownCell;

  private Path shownInput;
  private Node side;
  private final ComboBox<String> presets = new ComboBox<>();
  private final Button open = new Button("Open…");
  private final Button save = new Button("Save…");
  private final Button runButton = new Button("Run");
  private final Button pause = new Button("Pause");
  private final Button resume = new Button("Resume");
  private final Button stop = new Button("Stop");
  private final Button sweep = new Button("Sweep length");
  private final TextField sweepLengths = new TextField("25,50,100,200");
  private final ToggleButton teaching = new ToggleButton("Teaching mode");

  WorkbenchWindow(WorkbenchModels models) {
    this.models = models;
    this.editor = models.editor;
    this.run = models.run;
    this.status = models.status;
    this.sheet = new ConfigSheet(run.gpuCount(), run.gpuProblem());
    this.live = new LiveControls(editor, run);
    this.memory =
        new MemoryView(models.memory, editor, run.state(), status, this::export, this::error);
    this.playground =
        new PlaygroundView(
            models.playground, Lessons.all(), this::loadLessonExperiment, this::export);
    run.attach(charts);
    charts.training().setSolverStepsShown(false); // they have a plot of their own here
    editor.setDraft(sheet::build);
    for (ChartPanel chart : charts.charts()) {
      panels.put(chart, new PlotPanel(chart, Teaching.shortText(chart), this::export));
    }
    charts.setOnChange(this::refreshPanels);
    charts.describe(editor.config().get());
    sheet.show(editor.config().get());
    editor
        .config()
        .addListener(
            (obs, before, after) -> {
              if (!run.state().get().active()) {
                sheet.show(after);
                charts.describe(after);
              }
              presets.setValue(Presets.names().contains(after.name()) ? after.name() : null);
              live.refresh();
            });
    run.state()
        .addListener(
            (obs, before, after) -> {
              if (before.active() && !after.active()) {
                keepLiveValues();
              }
              updateButtons();
              live.refresh();
            });
    status.engineBusy().addListener((obs, before, after) -> updateButtons());

    root.setTop(toolbar());
    side = sidePanel();
    root.setCenter(buildTabs());
    tabs.getSelectionModel()
        .selectedItemProperty()
        .addListener((obs, before, after) -> showSidePanel(usesExperiment(after)));
    showSidePanel(usesExperiment(tabs.getSelectionModel().getSelectedItem()));
    // A new user starts in the first lesson, which says what to look at.
    playground.showLesson(playground.lessons().get(0));
    root.setBottom(statusBar());
    updateButtons();
  }

  Parent root() {
    return root;
  }

  WorkbenchCharts charts() {
    return charts;
  }

  PlotPanel panel(ChartPanel chart) {
    return panels.get(chart);
  }

  LiveControls liveControls() {
    return live;
  }

  ConfigSheet configSheet() {
    return sheet;
  }

  MemoryView memoryView() {
    return memory;
  }

  TabPane tabs() {
    return tabs;
  }

  PlaygroundView playground() {
    return playground;
  }

  Tab playgroundTab() {
    return playgroundTab;
  }

  Tab trainingTab() {
    return trainingTab;
  }

  /** Whether a tab works on the experiment (the playground and a PyTorch cell do not). */
  private boolean usesExperiment(Tab tab) {
    return tab != playgroundTab && tab != pytorchCellTab;
  }

  /** The experiment panel and live settings: only beside the tabs that use them. */
  private void showSidePanel(boolean shown) {
    root.setLeft(shown ? side : null);
  }

  /**
   * A run ended: its live values (with every edit made while it ran) become the experiment's, so
   * the controls do not snap back to the values the run started with.
   */
  private void keepLiveValues() {
    LiveSettings.Values ended = run.lastRunValues();
    if (ended != null && !ended.equals(editor.values())) {
      try {
        editor.applyLive(values -> ended);
      } catch (IllegalArgumentException e) {
        status.say("The run's live settings could not be kept: " + e.getMessage());
      }
    }
  }

  /** A lesson's experiment goes into the Training tab's panel, unless a run is going. */
  private void loadLessonExperiment(ExperimentConfig config) {
    if (run.state().get().active()) {
      status.say(
          "The lesson's experiment ("
              + config.name()
              + ") was not loaded: stop the run first, then choose the lesson again.");
      return;
    }
    editor.load(config);
    status.say(
        "The lesson loaded the experiment "
            + config.name()
            + " into the Training tab: press Run there when you are ready.");
  }

  WorkbenchModels models() {
    return models;
  }

  private ToolBar toolbar() {
    open.setId("open");
    open.setTooltip(new Tooltip("Open a saved experiment (.deq.json) and show its plots"));
    open.setOnAction(e -> chooseAndOpen());
    save.setId("save");
    save.setTooltip(new Tooltip("Save config, run log and checkpoint location as .deq.json"));
    save.setOnAction(e -> chooseAndSave());
    presets.setId("presets");
    presets.getItems().setAll(Presets.names());
    presets.setValue(
        Presets.names().contains(editor.config().get().name())
            ? editor.config().get().name()
            : null);
    presets.setPromptText("custom");
    presets.setTooltip(new Tooltip("Load a ready-made experiment"));
    presets.setOnAction(
        e -> {
          String name = presets.getValue();
          if (name != null
              && Presets.names().contains(name)
              && !name.equals(editor.config().get().name())) {
            editor.load(Presets.get(name));
          }
        });
    runButton.setId("run");
    runButton.setTooltip(
        new Tooltip("Train the experiment on the left (a new folder under the runs folder below)"));
    runButton.setOnAction(e -> startRun());
    runButton.setDefaultButton(true);
    pause.setId("pause");
    pause.setOnAction(e -> run.pause());
    resume.setId("resume");
    resume.setOnAction(e -> run.resume());
    stop.setId("stop");
    stop.setTooltip(
        new Tooltip("Stop after the current step; the run log and a checkpoint are kept"));
    stop.setOnAction(e -> run.stop());
    sweepLengths.setId("sweep-lengths");
    sweepLengths.setPrefColumnCount(10);
    sweepLengths.setTooltip(new Tooltip("sequence lengths T to measure, comma-separated"));
    sweep.setId("sweep");
    sweep.setTooltip(
        new Tooltip("Measure forward solver steps versus sequence length on the current model"));
    sweep.setOnAction(e -> startSweep());
    teaching.setId("teaching");
    teaching.setTooltip(new Tooltip("Show a plain-words explanation above every plot"));
    teaching.selectedProperty().addListener((obs, was, on) -> setTeachingMode(on));
    return new ToolBar(
        open,
        save,
        new Separator(Orientation.VERTICAL),
        new Label("Preset"),
        presets,
        new Separator(Orientation.VERTICAL),
        runButton,
        pause,
        resume,
        stop,
        new Separator(Orientation.VERTICAL),
        sweep,
        sweepLengths,
        new Separator(Orientation.VERTICAL),
        teaching);
  }

  private VBox sidePanel() {
    TitledPane experiment = new TitledPane("Experiment", sheet.node());
    experiment.setCollapsible(false);
    experiment.setMaxHeight(Double.MAX_VALUE);
    VBox.setVgrow(experiment, Priority.ALWAYS);
    TitledPane livePane = new TitledPane("Live settings (apply from the next step)", live.node());
    livePane.setCollapsible(false);
    VBox side = new VBox(6, experiment, livePane);
    side.setPadding(new Insets(6));
    side.setPrefWidth(345);
    side.setMinWidth(300);
    return side;
  }

  private TabPane buildTabs() {
    GridPane grid = new GridPane();
    grid.setHgap(6);
    grid.setVgap(6);
    grid.setPadding(new Insets(6));
    for (int column = 0; column < 3; column++) {
      ColumnConstraints constraints = new ColumnConstraints();
      constraints.setPercentWidth(100.0 / 3);
      constraints.setHgrow(Priority.ALWAYS);
      grid.getColumnConstraints().add(constraints);
    }
    for (int row = 0; row < 2; row++) {
      RowConstraints constraints = new RowConstraints();
      constraints.setPercentHeight(50);
      constraints.setVgrow(Priority.ALWAYS);
      grid.getRowConstraints().add(constraints);
    }
    // Residuals, loss and solver steps on top; spectral estimates, Ritz values and the length
    // sweep below. Any plot opens in a window of its own from its ⤢ button.
    List<PlotPanel> ordered = new ArrayList<>(panels.values());
    for (int i = 0; i < ordered.size(); i++) {
      grid.add(ordered.get(i), i % 3, i / 3);
    }
    playgroundTab.setContent(playground.node());
    playgroundTab.setId("tab-playground");
    trainingTab.setContent(grid);
    trainingTab.setId("tab-training");
    memoryTab.setContent(memory.node());
    memoryTab.setId("tab-memory");
    pytorchCellTab.setContent(pytorchCell.node());
    pytorchCellTab.setId("tab-pytorch-cell");
    tabs.getTabs().addAll(playgroundTab, trainingTab, memoryTab, pytorchCellTab);
    tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
    return tabs;
  }

  void showMemoryTab() {
    tabs.getSelectionModel().select(memoryTab);
  }

  private HBox statusBar() {
    ProgressBar progress = new ProgressBar();
    progress.setId("progress");
    progress.progressProperty().bind(status.progress());
    progress.setPrefWidth(220);
    Label line = new Label();
    line.setId("status");
    line.textProperty().bind(status.status());
    // A refusal or a failure can be long (what was measured, what to change): wrap to a second
    // line, and the tooltip always holds the whole text.
    line.setWrapText(true);
    line.setMaxHeight(40);
    Tooltip whole = new Tooltip();
    whole.textProperty().bind(status.status());
    whole.setWrapText(true);
    whole.setMaxWidth(700);
    line.setTooltip(whole);
    Label runsFolder = new Label();
    runsFolder.setId("runs-folder");
    runsFolder.textProperty().bind(run.runsRoot().asString("Runs: %s"));
    runsFolder.setMinWidth(Region.USE_PREF_SIZE);
    runsFolder.setStyle("-fx-text-fill: #555;");
    Tooltip where = new Tooltip();
    where
        .textProperty()
        .bind(run.runsRoot().asString("Each run gets a folder of its own under %s"));
    runsFolder.setTooltip(where);
    Button change = new Button("Change…");
    change.setId("change-runs-folder");
    change.setTooltip(new Tooltip("Choose the folder that new runs are written under"));
    change.setOnAction(e -> chooseRunsFolder());
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    HBox.setHgrow(line, Priority.SOMETIMES);
    HBox bar = new HBox(10, progress, line, spacer, runsFolder, change);
    bar.setAlignment(Pos.CENTER_LEFT);
    bar.setPadding(new Insets(4, 8, 4, 8));
    bar.setStyle("-fx-border-color: #ccc transparent transparent transparent;");
    return bar;
  }

  /** Switches teaching mode, as the toolbar toggle does. */
  void setTeaching(boolean on) {
    teaching.setSelected(on);
  }

  private void setTeachingMode(boolean on) {
    for (PlotPanel panel : panels.values()) {
      panel.setTeaching(on);
    }
    for (PlotPanel panel : playground.panels()) {
      panel.setTeaching(on);
    }
    memory.panel().setTeaching(on);
  }

  private void refreshPanels() {
    for (Map.Entry<ChartPanel, PlotPanel> entry : panels.entrySet()) {
      entry.getValue().setHint(charts.hint(entry.getKey()));
    }
    panels
        .get(charts.ritz())
        .setCaption(charts.ritzStep() == 0 ? "" : "at step " + charts.ritzStep());
  }

  private void updateButtons() {
    RunState state = run.state().get();
    boolean active = state.active();
    boolean busy = status.engineBusy().get();
    runButton.setDisable(active || busy);
    pause.setDisable(state != RunState.RUNNING);
    resume.setDisable(state != RunState.PAUSED);
    stop.setDisable(!active || state == RunState.STOPPING);
    sweep.setDisable(active || busy);
    presets.setDisable(active);
    open.setDisable(active);
    sheet.node().setDisable(active);
  }

  /** Validates the experiment panel and starts a run; an invalid field is named in a dialog. */
  CompletableFuture<Void> startRun() {
    ExperimentConfig config;
    try {
      config = sheet.build();
    } catch (IllegalArgumentException e) {
      error("The experiment has an invalid setting", e.getMessage());
      return CompletableFuture.completedFuture(null);
    }
    editor.load(config);
    tabs.getSelectionModel().select(trainingTab);
    return run.start(config);
  }

  /**
   * Starts a length sweep with the lengths in the toolbar field; a bad field is named in a dialog.
   */
  CompletableFuture<Void> startSweep() {
    List<Integer> lengths = new ArrayList<>();
    try {
      for (String part : sweepLengths.getText().split(",")) {
        int length = Integer.parseInt(part.trim());
        if (length < 1) {
          throw new NumberFormatException();
        }
        lengths.add(length);
      }
      editor.load(sheet.build());
    } catch (NumberFormatException e) {
      error(
          "Sweep lengths",
          "give positive integers separated by commas, e.g. 25,50,100 (got '"
              + sweepLengths.getText()
              + "')");
      return CompletableFuture.completedFuture(null);
    } catch (IllegalArgumentException e) {
      error("The experiment has an invalid setting", e.getMessage());
      return CompletableFuture.completedFuture(null);
    }
    tabs.getSelectionModel().select(trainingTab);
    return run.sweep(editor.config().get(), lengths, ExperimentRun.SWEEP_THRESHOLD);
  }

  /**
   * Opens a saved experiment; a file that cannot be used is named in a dialog and changes nothing.
   */
  boolean openFile(Path file) {
    try {
      ExperimentFile saved = ExperimentFile.read(file);
      run.replay(saved); // reads the run log before anything changes
      editor.load(saved.config());
      status.say(
          "Opened "
              + file.getFileName()
              + (saved.runLog() == null
                  ? " (not run yet: press Run)"
                  : ": " + run.step().get() + " steps replayed from its run log"));
      return true;
    } catch (IllegalArgumentException e) {
      error("Cannot open " + file.getFileName(), e.getMessage());
      return false;
    }
  }

  /** Saves the experiment; a problem is named in a dialog. */
  boolean saveFile(Path file) {
    try {
      editor.save(file, run.runLog(), run.checkpoint());
      status.say("Saved " + file);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      error("Cannot save " + file.getFileName(), e.getMessage());
      return false;
    }
  }

  private void chooseRunsFolder() {
    DirectoryChooser chooser = new DirectoryChooser();
    chooser.setTitle("Folder for new runs");
    File current = run.runsRoot().get().toFile();
    if (current.isDirectory()) {
      chooser.setInitialDirectory(current);
    }
    File chosen = chooser.showDialog(window());
    if (chosen != null) {
      run.setRunsRoot(chosen.toPath());
    }
  }

  private void chooseAndOpen() {
    File file =
        chooser("Open experiment", "DEQ experiment", "*.deq.json", "*.json")
            .showOpenDialog(window());
    if (file != null) {
      openFile(file.toPath());
    }
  }

  private void chooseAndOpenCell() {
    File cell =
        chooser("Open PyTorch cell (TorchScript)", "TorchScript module", "*.pt", "*.pth")
            .showOpenDialog(window());
    if (cell == null) {
      return;
    }
    FileChooser inputChooser =
        chooser("Input of " + cell.getName() + ": x and z0", "NumPy archive", "*.npz");
    inputChooser.setInitialDirectory(cell.getParentFile());
    File input = inputChooser.showOpenDialog(window());
    if (input != null) {
      openCell(cell.toPath(), input.toPath());
    }
  }

  /**
   * Loads a TorchScript cell on its input on the engine thread and shows what was found in the
   * PyTorch cell tab; a refusal is named in a dialog.
   */
  CompletableFuture<Void> openCell(Path cell, Path input) {
    pytorchCell.setBusy(true);
    return models
        .pytorchCell
        .open(cell, input, editor.config().get().device())
        .handle(
            afterCellWork(
                "Cannot use " + cell.getFileName() + " as a DEQ cell",
                report -> {
                  shownCell = cell;
                  shownInput = input;
                  pytorchCell.show(report);
                  tabs.getSelectionModel().select(pytorchCellTab);
                }));
  }

  /**
   * What ends every PyTorch-cell action, on the UI thread: the tab is no longer busy, and a failure
   * is named in a dialog with {@code failure} as its title, else {@code success} takes the result.
   */
  private <T> java.util.function.BiFunction<T, Throwable, Void> afterCellWork(
      String failure, java.util.function.Consumer<T> success) {
    return (result, error) -> {
      javafx.application.Platform.runLater(
          () -> {
            pytorchCell.setBusy(false);
            if (error != null) {
              error(failure, PyTorchCellViewModel.refusal(error));
            } else {
              success.accept(result);
            }
          });
      return null;
    };
  }

  /**
   * Measures the shown cell's training-step memory against its unrolled twin at L = 1, 4, 16, 64; a
   * failure is named in a dialog.
   */
  CompletableFuture<Void> measureCellMemory() {
    if (shownCell == null) {
      return CompletableFuture.completedFuture(null);
    }
    pytorchCell.setBusy(true);
    pytorchCell.clearMemory();
    Path cell = shownCell;
    return models
        .pytorchCell
        .memory(
            cell,
            shownInput,
            editor.config().get().device(),
            List.of(1, 4, 16, 64),
            pytorchCell::addMemoryPoint)
        .handle(afterCellWork("Cannot measure the memory of " + cell.getFileName(), points -> {}));
  }

  private void chooseAndFitCell() {
    if (shownCell == null) {
      return;
    }
    FileChooser dataChooser =
        chooser("Targets for " + shownCell.getFileName() + ": x and y", "NumPy archive", "*.npz");
    dataChooser.setInitialDirectory(shownInput.toAbsolutePath().getParent().toFile());
    File data = dataChooser.showOpenDialog(window());
    if (data != null) {
      fitCell(data.toPath());
    }
  }

  /**
   * Trains the shown cell, its equilibrium fitted to the targets of {@code data}, as a run in the
   * Training tab: the one run the window has, with its live knobs, plots, run log and checkpoints
   * (the trained module is written as TorchScript next to each checkpoint).
   */
  CompletableFuture<Void> fitCell(Path data) {
    if (shownCell == null) {
      return CompletableFuture.completedFuture(null);
    }
    if (run.state().get().active()) {
      error("A run is going", "stop the run in the Training tab first, then fit the cell");
      return CompletableFuture.completedFuture(null);
    }
    ExperimentConfig config =
        Presets.torchScriptFit(shownCell, shownInput, data)
            .withDevice(editor.config().get().device());
    editor.load(config);
    return startRun();
  }

  /**
   * Puts the shown cell into the experiment panel's experiment (its task kept; a fit to targets
   * stays one), for a run in the Training tab; the run refuses shapes that do not fit, naming the
   * field to change.
   */
  void useCell() {
    if (shownCell == null) {
      return;
    }
    if (run.state().get().active()) {
      error("A run is going", "stop the run in the Training tab first, then use the cell");
      return;
    }
    ExperimentConfig current = editor.config().get();
    String module = shownCell.toAbsolutePath().normalize().toString();
    String input = shownInput.toAbsolutePath().normalize().toString();
    editor.load(
        current
            .withName(current.name().replaceFirst("\\+.*$", "") + "+" + shownCell.getFileName())
            .withModel(
                current
                    .model()
                    .with(
                        m ->
                            m.cell(CellKind.TORCHSCRIPT)
                                .spectralNorm(0)
                                .module(module)
                                .moduleInput(input))));
    tabs.getSelectionModel().select(trainingTab);
    status.say(
        "The experiment now uses "
            + shownCell.getFileName()
            + " as its cell (task "
            + current.task().kind().label()
            + "): press Run to train it; shapes that do not fit are named when the run starts.");
  }

  PyTorchCellView pytorchCellView() {
    return pytorchCell;
  }

  private void chooseAndSave() {
    FileChooser chooser = chooser("Save experiment", "DEQ experiment", "*.deq.json");
    chooser.setInitialFileName(editor.config().get().name() + ".deq.json");
    File file = chooser.showSaveDialog(window());
    if (file != null) {
      saveFile(file.toPath());
    }
  }

  private void export(ChartPanel chart, boolean png) {
    String slug = ChartExport.slug(chart.title());
    FileChooser chooser =
        png
            ? chooser("Export PNG", "PNG image", "*.png")
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
      status.say("Exported " + path);
    } catch (IOException e) {
      error("Export failed", e.getMessage());
    }
  }

  private FileChooser chooser(String title, String description, String... patterns) {
    FileChooser chooser = new FileChooser();
    chooser.setTitle(title);
    chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(description, patterns));
    Path directory = run.runDirectory().get();
    File initial =
        directory != null && directory.toFile().isDirectory()
            ? directory.toFile()
            : new File(System.getProperty("user.dir"));
    chooser.setInitialDirectory(initial);
    return chooser;
  }

  private Window window() {
    return root.getScene() == null ? null : root.getScene().getWindow();
  }

  private void error(String header, String message) {
    Alert alert = new Alert(Alert.AlertType.ERROR, message);
    alert.setTitle("DEQ Workbench");
    alert.setHeaderText(header);
    alert.getDialogPane().setId("error-dialog");
    if (window() != null) {
      alert.initOwner(window());
    }
    alert.show();
  }
}
