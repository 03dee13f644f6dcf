package org.deqlab.app.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.DoubleFunction;
import java.util.function.UnaryOperator;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.playground.Eigenvalues2;
import org.deqlab.core.playground.PlaneMapKind;
import org.deqlab.core.playground.Playground;
import org.deqlab.core.playground.PlaygroundScene;
import org.deqlab.core.playground.PlaygroundScene.FixedPoint;
import org.deqlab.core.playground.PlaygroundScene.SolverPath;
import org.deqlab.core.playground.PlaygroundSetup;
import org.deqlab.core.playground.Point2;
import org.deqlab.viz.PhasePlane;
import org.deqlab.viz.RitzPlaneChart;
import org.deqlab.viz.SeriesChart;

/**
 * The Playground tab: a DEQ in the plane, seen whole. The plane shows the field {@code f(z) − z},
 * the fixed points (filled where plain iteration is attracted, rings where it is repelled), the
 * DEQ's equilibrium (star) and the paths of the four solvers from a start point the user drags;
 * beside it the residual per iteration, the eigenvalues of {@code J_f(z*)} against the unit circle,
 * and the unrolled stack against the DEQ (gradient gap and memory per depth). Controls on the left
 * set the map, its weights, the input and the solvers; the guided lessons above them set up a scene
 * and say what to look at. It binds to a {@link PlaygroundViewModel} and computes nothing itself.
 */
final class PlaygroundView {
  static final String FIXED_POINT_COLOR = "#1f77b4";
  static final String DAMPED_COLOR = "#9467bd";
  static final String ANDERSON_COLOR = "#2ca02c";
  static final String BROYDEN_COLOR = "#d62728";
  static final String UNROLLED_COLOR = "#222222";

  private static final String INTRODUCTION =
      "Five short lessons: fixed points, root finders, when iteration fails, implicit gradients,"
          + " memory. Each sets up the plane and asks you to move one thing.";

  private final PlaygroundViewModel model;
  private final List<Lesson> lessons;
  private final Consumer<ExperimentConfig> experimentLoader;
  private final BorderPane root = new BorderPane();
  private final PhasePlane plane = new PhasePlane();
  private final SeriesChart residuals =
      new SeriesChart(
          "Residual per iteration",
          "iteration",
          "#",
          "‖f(z) − z‖",
          "1",
          true,
          "How far each solver's iterate still is from a fixed point, ‖f(z) − z‖ (log scale),"
              + " against its iteration: the same story as the Training tab's residual traces, for"
              + " the 2-D map on the left. Plain iteration's line falls by about a factor ρ per step;"
              + " Anderson and Broyden fall faster, and keep falling where ρ ≥ 1 makes plain"
              + " iteration climb.");
  private final RitzPlaneChart eigenvalues =
      new RitzPlaneChart(
          "Eigenvalues of J_f(z*)",
          "eigenvalues",
          "The two eigenvalues of the Jacobian J_f at the DEQ's equilibrium z*, exact (a 2×2"
              + " matrix has them in closed form), against the dashed unit circle. Their largest"
              + " modulus is the spectral radius ρ. Inside the circle (ρ < 1), plain iteration near"
              + " z* shrinks its error by about ρ per step: a complex pair makes it spiral, a"
              + " negative real one makes it oscillate from side to side. Outside the circle it runs"
              + " away from z*, though a root finder such as Broyden may still find it.");
  private final SeriesChart gradientGap =
      new SeriesChart(
          "Unrolled gradient vs DEQ gradient",
          "depth L",
          "layers",
          "‖∂ℓ/∂x unrolled − ∂ℓ/∂x DEQ‖",
          "1",
          true,
          "For the loss ℓ = ½‖z‖² of the output, the gradient with respect to the input x"
              + " back-propagated through an unrolled weight-tied stack of L layers, compared with"
              + " the DEQ's implicit gradient at z* (one linear solve, u = z* + J_fᵀ u). Where ρ < 1"
              + " the gap shrinks about like ρ^L: a deep enough stack and the DEQ agree. It levels"
              + " off where z* itself is only as exact as the solver tolerance.");
  private final SeriesChart memory =
      new SeriesChart(
          "Memory kept for backward",
          "depth L",
          "layers",
          "kept",
          "bytes",
          false,
          "What the backward pass needs to keep, against depth: the unrolled stack keeps every"
              + " layer's state (L + 1 states of 2 numbers), so its line grows with L; the DEQ keeps"
              + " only z*, whatever the depth or the number of solver steps. In 2-D the numbers are"
              + " tiny; the Memory tab measures the same on a real cell.");
  private final ComboBox<PlaneMapKind> mapChoice = new ComboBox<>();
  private final Slider scale = slider("pg-scale", 0, 2.5, 0.01);
  private final Slider rotation = slider("pg-rotation", -180, 180, 1);
  private final Slider inputX = slider("pg-x1", -2, 2, 0.01);
  private final Slider inputY = slider("pg-x2", -2, 2, 0.01);
  private final Slider damping = slider("pg-damping", 0.05, 1, 0.01);
  private final Slider andersonMemory = slider("pg-memory", 1, 10, 1);
  private final Slider toleranceExponent = slider("pg-tolerance", -10, -2, 1);
  private final Slider maxIterations = slider("pg-iterations", 5, 300, 1);
  private final Slider depth = slider("pg-depth", 1, PlaygroundSetup.MAX_DEPTH, 1);
  private final Label spectral = readout("pg-rho");
  private final Label steps = readout("pg-steps");
  private final Label gradients = readout("pg-gradients");
  private final Label timing = readout("pg-timing");
  private final ComboBox<Lesson> lessonChoice = new ComboBox<>();
  private final Label lessonTitle = new Label();
  private final Label lessonLook = new Label();
  private final Label lessonTask = new Label();
  private final List<PlotPanel> panels = new ArrayList<>();
  private boolean refreshing;
  private long drawnScenes;
  private long changedAtNanos;
  private double lastRedrawMillis = Double.NaN;

  PlaygroundView(
      PlaygroundViewModel model,
      List<Lesson> lessons,
      Consumer<ExperimentConfig> experimentLoader,
      PlotPanel.Exporter exporter) {
    this.model = model;
    this.lessons = List.copyOf(lessons);
    this.experimentLoader = experimentLoader;
    plane.setId("pg-plane");
    plane.setExtent(Playground.EXTENT);
    plane.setOnHandleMoved((x, y) -> change(s -> s.withStart(round(x), round(y))));
    for (var chart : List.of(residuals, eigenvalues, gradientGap, memory)) {
      PlotPanel panel = new PlotPanel(chart, chart.explanation(), exporter);
      panel.setHint(""); // filled with the first scene, a moment after the tab opens
      panels.add(panel);
    }
    root.setId("playground");
    root.setLeft(sidePanel());
    root.setCenter(plots());
    showSetup(model.setup().get());
    model.setup().addListener((obs, before, after) -> showSetup(after));
    model.scene().addListener((obs, before, after) -> draw(after));
    model.problem().addListener((obs, before, after) -> timing.setText(after));
  }

  Node node() {
    return root;
  }

  PhasePlane plane() {
    return plane;
  }

  SeriesChart residualChart() {
    return residuals;
  }

  RitzPlaneChart eigenvalueChart() {
    return eigenvalues;
  }

  SeriesChart gradientChart() {
    return gradientGap;
  }

  SeriesChart memoryChart() {
    return memory;
  }

  List<PlotPanel> panels() {
    return panels;
  }

  /** Scenes drawn so far (tests wait on this rather than on time). */
  long drawnScenes() {
    return drawnScenes;
  }

  /**
   * Milliseconds from the last change of a control to the end of drawing its scene (computing it on
   * the playground thread included), or NaN before the first change.
   */
  double lastRedrawMillis() {
    return lastRedrawMillis;
  }

  Slider scaleSlider() {
    return scale;
  }

  Slider depthSlider() {
    return depth;
  }

  List<Lesson> lessons() {
    return lessons;
  }

  /** Sets up {@code lesson}: its playground scene, and its experiment if it has one. */
  void showLesson(Lesson lesson) {
    lessonChoice.setValue(lesson);
  }

  Lesson lesson() {
    return lessonChoice.getValue();
  }

  /** Leaves the lessons (the scene stays as it is): for settings that come from elsewhere. */
  void clearLesson() {
    lessonChoice.setValue(null);
    lessonTitle.setText("");
    lessonLook.setText(INTRODUCTION);
    lessonTask.setText("");
  }

  private void applyLesson(Lesson lesson) {
    if (lesson == null) {
      return;
    }
    lessonTitle.setText(lesson.title());
    lessonLook.setText(lesson.look());
    lessonTask.setText("Try: " + lesson.task());
    model.load(lesson.playground());
    if (lesson.experiment() != null) {
      experimentLoader.accept(lesson.experiment());
    }
  }

  private Node sidePanel() {
    VBox lessonBox = lessonPane();
    TitledPane lessonPane = new TitledPane("Guided lessons", lessonBox);
    lessonPane.setId("lesson-pane");
    TitledPane controls = new TitledPane("The map and the solvers", controls());
    controls.setCollapsible(false);
    VBox side = new VBox(6, lessonPane, controls, readouts());
    side.setPadding(new Insets(6));
    ScrollPane scroll = new ScrollPane(side);
    scroll.setFitToWidth(true);
    scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
    scroll.setPrefWidth(350);
    scroll.setMinWidth(300);
    return scroll;
  }

  private VBox lessonPane() {
    lessonChoice.setId("lesson-choice");
    lessonChoice.getItems().setAll(lessons);
    lessonChoice.setPromptText("Choose a lesson");
    lessonChoice.setConverter(
        new StringConverter<>() {
          @Override
          public String toString(Lesson lesson) {
            return lesson == null ? "" : lesson.title();
          }

          @Override
          public Lesson fromString(String text) {
            return null;
          }
        });
    lessonChoice.setMaxWidth(Double.MAX_VALUE);
    lessonChoice.valueProperty().addListener((obs, before, after) -> applyLesson(after));
    Button previous = new Button("◀");
    previous.setId("lesson-previous");
    previous.setTooltip(new Tooltip("Previous lesson"));
    previous.setOnAction(e -> step(-1));
    Button next = new Button("▶");
    next.setId("lesson-next");
    next.setTooltip(new Tooltip("Next lesson"));
    next.setOnAction(e -> step(1));
    Button again = new Button("↺");
    again.setTooltip(new Tooltip("Set this lesson's scene up again"));
    again.setOnAction(e -> applyLesson(lessonChoice.getValue()));
    HBox.setHgrow(lessonChoice, Priority.ALWAYS);
    HBox chooser = new HBox(4, previous, lessonChoice, next, again);
    chooser.setAlignment(Pos.CENTER_LEFT);
    lessonTitle.setId("lesson-title");
    lessonTitle.setStyle("-fx-font-weight: bold;");
    lessonTitle.setWrapText(true);
    lessonLook.setId("lesson-look");
    lessonLook.setWrapText(true);
    lessonTask.setId("lesson-task");
    lessonTask.setWrapText(true);
    lessonTask.setStyle(
        "-fx-background-color: #fff8dc; -fx-padding: 4 6 4 6; -fx-border-color: #e6d9a8;");
    lessonTask.visibleProperty().bind(lessonTask.textProperty().isNotEmpty());
    lessonTask.managedProperty().bind(lessonTask.visibleProperty());
    lessonLook.setText(INTRODUCTION);
    for (Label label : List.of(lessonTitle, lessonLook, lessonTask)) {
      label.setMinHeight(Region.USE_PREF_SIZE);
      label.setMaxWidth(Double.MAX_VALUE);
    }
    return new VBox(6, chooser, lessonTitle, lessonLook, lessonTask);
  }

  private void step(int direction) {
    int index = lessons.indexOf(lessonChoice.getValue());
    int next = Math.max(0, Math.min(lessons.size() - 1, index + direction));
    lessonChoice.setValue(lessons.get(index < 0 ? 0 : next));
  }

  private GridPane controls() {
    mapChoice.setId("pg-map");
    mapChoice.getItems().setAll(PlaneMapKind.values());
    mapChoice.setTooltip(new Tooltip("which 2-D map f(z) to explore"));
    mapChoice
        .valueProperty()
        .addListener(
            (obs, before, after) -> {
              if (after != null) {
                change(s -> s.withMap(after));
              }
            });
    onChange(scale, v -> s -> s.withScale(v));
    onChange(rotation, v -> s -> s.withRotationDegrees(v));
    onChange(inputX, v -> s -> s.withInput(v, s.inputY()));
    onChange(inputY, v -> s -> s.withInput(s.inputX(), v));
    onChange(damping, v -> s -> s.withDamping(v));
    onChange(andersonMemory, v -> s -> s.withAndersonMemory((int) Math.round(v)));
    onChange(toleranceExponent, v -> s -> s.withTolerance(Math.pow(10, Math.round(v))));
    onChange(maxIterations, v -> s -> s.withMaxIterations((int) Math.round(v)));
    onChange(depth, v -> s -> s.withDepth((int) Math.round(v)));
    GridPane grid = new GridPane();
    grid.setHgap(6);
    grid.setVgap(4);
    int row = 0;
    grid.addRow(row++, new Label("map"), mapChoice);
    Label formula = new Label();
    formula.setId("pg-formula");
    formula.setWrapText(true);
    formula.setStyle("-fx-font-family: monospace; -fx-font-size: 11px;");
    mapChoice
        .valueProperty()
        .addListener((obs, before, after) -> formula.setText(after == null ? "" : after.formula()));
    grid.add(formula, 0, row++, 3, 1);
    row =
        sliderRow(
            grid,
            row,
            "scale s",
            scale,
            "W = s·R(θ): how strongly f stretches",
            v -> fmt("%.2f", v));
    row =
        sliderRow(
            grid,
            row,
            "rotation θ",
            rotation,
            "W = s·R(θ): rotation in degrees",
            v -> fmt("%.0f°", v));
    row =
        sliderRow(
            grid, row, "input x₁", inputX, "first component of the input x", v -> fmt("%.2f", v));
    row =
        sliderRow(
            grid, row, "input x₂", inputY, "second component of the input x", v -> fmt("%.2f", v));
    row =
        sliderRow(
            grid,
            row,
            "damping τ",
            damping,
            "damped iteration z ← (1−τ) z + τ f(z)",
            v -> fmt("%.2f", v));
    row =
        sliderRow(
            grid,
            row,
            "Anderson m",
            andersonMemory,
            "how many past iterates Anderson mixes",
            v -> fmt("%.0f", v));
    row =
        sliderRow(
            grid,
            row,
            "tolerance",
            toleranceExponent,
            "converged when ‖f(z) − z‖ ≤ this",
            v -> fmt("1e%.0f", v));
    row =
        sliderRow(
            grid,
            row,
            "max iterations",
            maxIterations,
            "most iterations per solve",
            v -> fmt("%.0f", v));
    sliderRow(
        grid,
        row,
        "depth L",
        depth,
        "layers of the unrolled stack compared with the DEQ",
        v -> fmt("%.0f", v));
    ColumnConstraints names = new ColumnConstraints();
    names.setMinWidth(Region.USE_PREF_SIZE);
    ColumnConstraints sliders = new ColumnConstraints();
    sliders.setHgrow(Priority.ALWAYS);
    ColumnConstraints values = new ColumnConstraints(48);
    grid.getColumnConstraints().addAll(names, sliders, values);
    return grid;
  }

  private VBox readouts() {
    Label heading = new Label("At the DEQ's equilibrium z*");
    heading.setStyle("-fx-font-weight: bold;");
    VBox box = new VBox(4, heading, spectral, steps, gradients, timing);
    box.setPadding(new Insets(4, 6, 4, 6));
    box.setStyle("-fx-border-color: #ddd; -fx-background-color: #fafafa;");
    return box;
  }

  private Node plots() {
    Label title = new Label("The plane: f(z) − z, fixed points and solver paths");
    title.setStyle("-fx-font-weight: bold; -fx-font-size: 13px;");
    Label help =
        new Label(
            "arrows: f(z) − z · ● attracting / ○ repelling fixed point (plain iteration) · ★ the"
                + " DEQ's z* · dashed: unrolled stack of depth L");
    help.setWrapText(true);
    help.setStyle("-fx-text-fill: #555; -fx-font-size: 11px;");
    help.setMinHeight(Region.USE_PREF_SIZE);
    BorderPane planePanel = new BorderPane(plane);
    planePanel.setTop(new VBox(2, title, help));
    planePanel.setStyle(
        "-fx-border-color: #c8c8c8; -fx-border-radius: 3; -fx-padding: 3; -fx-background-color:"
            + " white;");
    planePanel.setMinSize(0, 0);
    GridPane grid = new GridPane();
    grid.setHgap(6);
    grid.setVgap(6);
    grid.setPadding(new Insets(6));
    ColumnConstraints first = new ColumnConstraints();
    first.setPercentWidth(46);
    ColumnConstraints second = new ColumnConstraints();
    second.setPercentWidth(27);
    ColumnConstraints third = new ColumnConstraints();
    third.setPercentWidth(27);
    grid.getColumnConstraints().addAll(first, second, third);
    for (int i = 0; i < 2; i++) {
      RowConstraints row = new RowConstraints();
      row.setPercentHeight(50);
      row.setVgrow(Priority.ALWAYS);
      grid.getRowConstraints().add(row);
    }
    grid.add(planePanel, 0, 0, 1, 2);
    grid.add(panels.get(0), 1, 0);
    grid.add(panels.get(1), 2, 0);
    grid.add(panels.get(2), 1, 1);
    grid.add(panels.get(3), 2, 1);
    return grid;
  }

  /** Shows the settings in the controls (without sending them back to the model). */
  private void showSetup(PlaygroundSetup s) {
    refreshing = true;
    try {
      mapChoice.setValue(s.map());
      scale.setValue(s.scale());
      rotation.setValue(s.rotationDegrees());
      inputX.setValue(s.inputX());
      inputY.setValue(s.inputY());
      damping.setValue(s.damping());
      andersonMemory.setValue(s.andersonMemory());
      toleranceExponent.setValue(Math.round(Math.log10(s.tolerance())));
      maxIterations.setValue(s.maxIterations());
      depth.setValue(s.depth());
    } finally {
      refreshing = false;
    }
  }

  private void draw(PlaygroundScene scene) {
    if (scene == null) {
      return;
    }
    drawPlane(scene);
    drawCharts(scene);
    drawReadouts(scene);
    drawnScenes++;
    if (changedAtNanos != 0 && scene.setup().equals(model.setup().get())) {
      lastRedrawMillis = (System.nanoTime() - changedAtNanos) / 1e6;
      changedAtNanos = 0;
    }
    timing.setText(
        fmt("scene computed in %.1f ms (engine solvers, float64)", scene.solveMillis())
            + (Double.isNaN(lastRedrawMillis)
                ? ""
                : fmt("; last change drawn after %.0f ms", lastRedrawMillis)));
  }

  private void drawPlane(PlaygroundScene scene) {
    var field = scene.field();
    int n = field.positions().size();
    double[] x = new double[n];
    double[] y = new double[n];
    double[] u = new double[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = field.positions().get(i).x();
      y[i] = field.positions().get(i).y();
      u[i] = field.residuals().get(i).x();
      v[i] = field.residuals().get(i).y();
    }
    plane.setField(x, y, u, v);
    List<PhasePlane.Path> paths = new ArrayList<>();
    List<Point2> unrolled = scene.depth().trajectory();
    paths.add(path("unrolled, L = " + scene.depth().layers(), UNROLLED_COLOR, 1.4, true, unrolled));
    for (SolverPath solverPath : scene.paths()) {
      paths.add(
          path(
              label(solverPath, scene.setup()),
              color(solverPath.name()),
              solverPath.name().equals("fixed-point") ? 2.2 : 1.6,
              false,
              solverPath.iterates()));
    }
    plane.setPaths(paths);
    List<PhasePlane.Marker> markers = new ArrayList<>();
    for (FixedPoint point : scene.fixedPoints()) {
      markers.add(
          new PhasePlane.Marker(
              point.point().x(),
              point.point().y(),
              point.attracting() ? "#333333" : "#777777",
              point.attracting(),
              false,
              fmt("ρ %.2f", point.spectralRadius())));
    }
    FixedPoint equilibrium = scene.equilibrium();
    if (equilibrium != null) {
      markers.add(
          new PhasePlane.Marker(
              equilibrium.point().x(), equilibrium.point().y(), "#ffcc00", true, true, ""));
    }
    plane.setMarkers(markers);
    plane.setHandle(scene.setup().startX(), scene.setup().startY());
    plane.setCaption(scene.setup().map().formula());
    plane.redraw();
  }

  private static PhasePlane.Path path(
      String name, String color, double width, boolean dashed, List<Point2> points) {
    double[] x = new double[points.size()];
    double[] y = new double[points.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = points.get(i).x();
      y[i] = points.get(i).y();
    }
    return new PhasePlane.Path(name, color, width, dashed, true, x, y);
  }

  private static String label(SolverPath path, PlaygroundSetup setup) {
    return switch (path.name()) {
          case "damped" -> fmt("damped τ=%.2f", setup.damping());
          case "anderson" -> "anderson m=" + setup.andersonMemory();
          default -> path.name();
        }
        + " ("
        + path.steps()
        + ")";
  }

  static String color(String solver) {
    return switch (solver) {
      case "fixed-point" -> FIXED_POINT_COLOR;
      case "damped" -> DAMPED_COLOR;
      case "anderson" -> ANDERSON_COLOR;
      default -> BROYDEN_COLOR;
    };
  }

  private void drawCharts(PlaygroundScene scene) {
    for (SolverPath path : scene.paths()) {
      double[] iterations = new double[path.residuals().length()];
      for (int i = 0; i < iterations.length; i++) {
        iterations[i] = i;
      }
      residuals.setSeries(
          path.name(), color(path.name()), false, true, iterations, path.residuals().toArray());
    }
    FixedPoint equilibrium = scene.equilibrium();
    if (equilibrium == null) {
      eigenvalues.clear();
    } else {
      Eigenvalues2 values = equilibrium.eigenvalues();
      eigenvalues.showRitzValues(values.realParts(), values.imaginaryParts());
    }
    var study = scene.depth();
    double[] gaps = study.gradientGap();
    int[] kept = study.unrolledValuesKept();
    double[] depths = new double[gaps.length];
    double[] unrolledBytes = new double[gaps.length];
    double[] deqBytes = new double[gaps.length];
    for (int i = 0; i < gaps.length; i++) {
      depths[i] = i + 1;
      unrolledBytes[i] = (double) kept[i] * study.bytesPerValue();
      deqBytes[i] = (double) study.deqValuesKept() * study.bytesPerValue();
    }
    int chosen = study.layers();
    gradientGap.setSeries("unrolled vs DEQ", UNROLLED_COLOR, false, false, depths, gaps);
    gradientGap.setSeries(
        "L = " + chosen,
        BROYDEN_COLOR,
        false,
        true,
        new double[] {chosen},
        new double[] {gaps[chosen - 1]});
    keepOnly(gradientGap, "unrolled vs DEQ", "L = " + chosen);
    memory.setSeries("unrolled stack", UNROLLED_COLOR, false, false, depths, unrolledBytes);
    memory.setSeries("DEQ (z* only)", ANDERSON_COLOR, true, false, depths, deqBytes);
    memory.setSeries(
        "L = " + chosen,
        BROYDEN_COLOR,
        false,
        true,
        new double[] {chosen},
        new double[] {unrolledBytes[chosen - 1]});
    keepOnly(memory, "unrolled stack", "DEQ (z* only)", "L = " + chosen);
  }

  private static void keepOnly(SeriesChart chart, String... names) {
    for (String name : chart.seriesNames()) {
      if (!List.of(names).contains(name)) {
        chart.removeSeries(name);
      }
    }
  }

  private void drawReadouts(PlaygroundScene scene) {
    FixedPoint equilibrium = scene.equilibrium();
    if (equilibrium == null) {
      spectral.setText(
          "No solver converged from this start: no equilibrium to analyse. Try Broyden's"
              + " maximum iterations, a smaller s, or another start point.");
    } else {
      Eigenvalues2 e = equilibrium.eigenvalues();
      String pair =
          e.complex()
              ? fmt("λ = %.3f ± %.3fi", e.firstReal(), Math.abs(e.firstImaginary()))
              : fmt("λ = %.3f, %.3f", e.firstReal(), e.secondReal());
      spectral.setText(
          fmt("z* = (%.3f, %.3f)%n", equilibrium.point().x(), equilibrium.point().y())
              + pair
              + fmt(
                  "%nρ = %.3f %s · ‖J‖²_F/2 = %.3f%n",
                  equilibrium.spectralRadius(),
                  equilibrium.spectralRadius() < 1
                      ? "< 1: plain iteration converges near z*"
                      : "≥ 1: plain iteration runs away from z*",
                  equilibrium.frobeniusPerDimension())
              + nearEquilibrium(e));
    }
    StringBuilder table = new StringBuilder("Iterations (stop reason):");
    for (SolverPath path : scene.paths()) {
      table.append(fmt("%n  %-12s %4d  %s", path.name(), path.steps(), path.stopReason().label()));
    }
    steps.setText(table.toString());
    var study = scene.depth();
    gradients.setText(
        fmt(
            "∂ℓ/∂x, ℓ = ½‖z‖²:%n  unrolled L=%d: (%.5f, %.5f)%n  DEQ (implicit): (%.5f, %.5f)",
            study.layers(),
            study.unrolledGradient().x(),
            study.unrolledGradient().y(),
            study.implicitGradient().x(),
            study.implicitGradient().y()));
  }

  /** How plain iteration moves near z*, read off the eigenvalues: the story of the unit circle. */
  static String nearEquilibrium(Eigenvalues2 e) {
    boolean inside = e.spectralRadius() < 1;
    if (e.complex()) {
      double degrees = Math.toDegrees(Math.abs(Math.atan2(e.firstImaginary(), e.firstReal())));
      return fmt(
          "Near z* plain iteration spirals %s, turning %.0f° per step.",
          inside ? "in" : "out", degrees);
    }
    double dominant =
        Math.abs(e.firstReal()) >= Math.abs(e.secondReal()) ? e.firstReal() : e.secondReal();
    if (dominant < 0) {
      return inside
          ? "Near z* plain iteration jumps from side to side, closing in."
          : "Near z* plain iteration jumps from side to side, ever wider (an oscillation).";
    }
    return inside
        ? "Near z* plain iteration creeps in from one side."
        : "Near z* plain iteration drifts away along one direction.";
  }

  private void change(UnaryOperator<PlaygroundSetup> edit) {
    if (!refreshing) {
      changedAtNanos = System.nanoTime();
      model.update(edit);
    }
  }

  private void onChange(Slider slider, DoubleFunction<UnaryOperator<PlaygroundSetup>> edit) {
    slider
        .valueProperty()
        .addListener((obs, before, after) -> change(edit.apply(after.doubleValue())));
  }

  private static int sliderRow(
      GridPane grid,
      int row,
      String name,
      Slider slider,
      String help,
      DoubleFunction<String> format) {
    Label label = new Label(name);
    label.setTooltip(new Tooltip(help));
    slider.setTooltip(new Tooltip(help));
    Label value = new Label(format.apply(slider.getValue()));
    value.setId(slider.getId() + "-value");
    slider.valueProperty().addListener((obs, b, a) -> value.setText(format.apply(a.doubleValue())));
    grid.addRow(row, label, slider, value);
    return row + 1;
  }

  private static Slider slider(String id, double min, double max, double step) {
    Slider slider = new Slider(min, max, min);
    slider.setId(id);
    slider.setBlockIncrement(step);
    slider.setMajorTickUnit(step);
    slider.setMinorTickCount(0);
    slider.setSnapToTicks(step >= 1);
    slider.setPrefWidth(150);
    return slider;
  }

  private static Label readout(String id) {
    Label label = new Label();
    label.setId(id);
    label.setWrapText(true);
    label.setMinHeight(Region.USE_PREF_SIZE);
    label.setStyle("-fx-font-family: monospace; -fx-font-size: 11px;");
    return label;
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static String fmt(String format, Object... values) {
    return String.format(Locale.ROOT, format, values);
  }
}
