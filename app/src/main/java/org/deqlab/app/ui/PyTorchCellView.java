package org.deqlab.app.ui;

import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import org.deqlab.core.experiment.LayerKind;
import org.deqlab.core.jacobian.JacobianReport;
import org.deqlab.core.jacobian.RitzValue;
import org.deqlab.core.memory.MemoryPoint;
import org.deqlab.core.solver.SolveStats;
import org.deqlab.core.torchscript.TorchScriptGradientCheck;
import org.deqlab.core.torchscript.TorchScriptStudy;
import org.deqlab.viz.MemoryChart;
import org.deqlab.viz.RitzPlaneChart;
import org.deqlab.viz.SeriesChart;

/**
 * The "PyTorch cell" tab, with its "Open PyTorch cell…" button (here rather than in the toolbar,
 * which a 1280-pixel screen fills already): what the workbench found in a user's TorchScript cell —
 * the files and shapes, the gradient check on load with its figures (and the refusal for training
 * when it failed), every solver's residual trace, and the Jacobian at the equilibrium with its Ritz
 * values.
 */
final class PyTorchCellView {
  private static final String[] COLORS = {"#1f5fbf", "#d2452b", "#1a9641", "#7b3294"};

  private final Label header = new Label("Open a PyTorch cell (TorchScript) to look at it here.");
  private final Label check = new Label();
  private final Label jacobian = new Label();
  private final SeriesChart residuals =
      new SeriesChart(
          "Residual traces of the PyTorch cell",
          "solver iteration",
          "#",
          "relative residual ‖f(z) − z‖ / ‖f(z)‖",
          "1",
          true,
          "Each solver's relative residual per iteration on the cell's input, from its z0.");
  private final RitzPlaneChart ritz = new RitzPlaneChart();
  private final Button open = new Button("Open PyTorch cell…");
  private final Button memory = new Button("Memory: DEQ vs unrolled");
  private final MemoryChart memoryChart = new MemoryChart();
  private final Button fit = new Button("Fit to targets…");
  private final Button use = new Button("Use in the experiment");
  private final VBox root;
  private boolean shown;

  /**
   * @param onOpen asks for the files and opens them
   * @param onMemory measures the open cell's memory
   * @param onFit asks for targets and fits the cell to them as a run
   * @param onUse puts the cell into the experiment panel's task
   */
  PyTorchCellView(Runnable onOpen, Runnable onMemory, Runnable onFit, Runnable onUse) {
    action(
        use,
        "pytorch-cell-use",
        "Put this cell into the experiment in the Training tab (model.cell torchscript), keeping"
            + " its task: press Run there to train it on copy-memory, char-lm or shapes when its"
            + " shapes fit (x of width model.embedding, a state of model.hidden features)",
        onUse);
    action(
        fit,
        "pytorch-cell-fit",
        "Train the cell: its equilibrium z*(x) fitted to targets y (an .npz with x and y) by the"
            + " implicit backward and Adam, as a run in the Training tab — live f_thres, b_thres,"
            + " tolerance, γ and learning rate, run log, checkpoints; the trained module is"
            + " written as TorchScript next to every checkpoint",
        onFit);
    action(
        memory,
        "pytorch-cell-memory",
        "One training step of this cell as a DEQ (implicit backward) and as its unrolled twin (the"
            + " module applied L = 1, 4, 16, 64 times with autograd): memory kept for the"
            + " backward pass",
        onMemory);
    memoryChart.setId("pytorch-cell-memory-chart");
    open.setId("open-pytorch-cell");
    open.setTooltip(
        new Tooltip(
            "Open your own cell saved from PyTorch as TorchScript (forward(z, x) returns the next"
                + " z), then an .npz with its input x and start z0: the window checks its"
                + " gradients, solves it with every solver and probes its Jacobian"));
    open.setOnAction(e -> onOpen.run());
    header.setId("pytorch-cell-header");
    header.setWrapText(true);
    check.setId("pytorch-cell-check");
    check.setWrapText(true);
    check.setMinHeight(Region.USE_PREF_SIZE); // the figures stay whole; the charts give way
    jacobian.setId("pytorch-cell-jacobian");
    jacobian.setWrapText(true);
    residuals.setId("pytorch-cell-residuals");
    GridPane charts = new GridPane();
    charts.setHgap(6);
    charts.setVgap(6);
    for (int i = 0; i < 2; i++) {
      ColumnConstraints column = new ColumnConstraints();
      column.setPercentWidth(50);
      column.setHgrow(Priority.ALWAYS);
      charts.getColumnConstraints().add(column);
      RowConstraints row = new RowConstraints();
      row.setPercentHeight(50);
      row.setVgrow(Priority.ALWAYS);
      charts.getRowConstraints().add(row);
    }
    charts.add(residuals, 0, 0);
    charts.add(ritz, 1, 0);
    charts.add(memoryChart, 0, 1, 2, 1);
    VBox.setVgrow(charts, Priority.ALWAYS);
    open.setMinWidth(Region.USE_PREF_SIZE); // the header wraps, the button keeps its words
    HBox top = new HBox(10, open, memory, fit, use);
    header.setMinHeight(Region.USE_PREF_SIZE);
    top.setAlignment(Pos.CENTER_LEFT);
    root = new VBox(6, top, header, check, jacobian, charts);
    root.setPadding(new Insets(8));
  }

  /** A button that acts on the open cell: disabled until one is shown, its words kept whole. */
  private static void action(Button button, String id, String tip, Runnable onAction) {
    button.setId(id);
    button.setTooltip(new Tooltip(tip));
    button.setDisable(true);
    button.setMinWidth(Region.USE_PREF_SIZE);
    button.setOnAction(e -> onAction.run());
  }

  Node node() {
    return root;
  }

  /** Disables the buttons while the engine works on the cell; memory needs a cell shown. */
  void setBusy(boolean busy) {
    open.setDisable(busy);
    memory.setDisable(busy || !shown);
    fit.setDisable(busy || !shown);
    use.setDisable(busy || !shown);
  }

  /** Clears the memory chart for a new measurement. */
  void clearMemory() {
    memoryChart.clear();
  }

  /** Adds a measured point: the DEQ as a level, the unrolled stacks by depth. */
  void addMemoryPoint(MemoryPoint point) {
    if (point.layer() == LayerKind.DEQ) {
      memoryChart.setLevel("DEQ", point.keptMegabytes());
    } else {
      memoryChart.addPointBytes("unrolled", point.depth(), point.keptBytes());
    }
  }

  MemoryChart memoryChart() {
    return memoryChart;
  }

  SeriesChart residuals() {
    return residuals;
  }

  /** Shows a look at a cell (on the UI thread). */
  void show(TorchScriptStudy.Report report) {
    shown = true;
    memory.setDisable(false);
    fit.setDisable(false);
    use.setDisable(false);
    memoryChart.clear();
    header.setText(
        String.format(
            Locale.ROOT,
            "%s — x %s, z %s, %,d parameters",
            report.source(),
            report.inputShape(),
            report.stateShape(),
            report.parameterCount()));
    TorchScriptGradientCheck.Result result = report.gradientCheck();
    StringBuilder text =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Gradient check on load (VJPs vs finite differences, float32): %s, worst relative"
                    + " error %.2e (tolerance %.0e)",
                result.passed() ? "passed" : "FAILED",
                result.worstError(),
                TorchScriptGradientCheck.TOLERANCE));
    for (TorchScriptGradientCheck.Agreement agreement : result.agreements()) {
      text.append("\n  ").append(agreement);
    }
    if (!result.passed()) {
      text.append(
          "\nRefused for training. Solves and probes below use these same VJPs: read the"
              + " Jacobian with care.");
    }
    if (report.parameterCount() == 0) {
      text.append("\nThe module has no parameters: it cannot be trained.");
    }
    check.setText(text.toString());
    check.setStyle(result.passed() ? "" : "-fx-text-fill: #b2182b;");

    residuals.clear();
    for (int i = 0; i < report.solves().size(); i++) {
      TorchScriptStudy.Solve solve = report.solves().get(i);
      SolveStats stats = solve.stats();
      double[] relative = stats.relativeTrace().toArray();
      double[] iterations = new double[relative.length];
      for (int k = 0; k < relative.length; k++) {
        iterations[k] = k + 1;
      }
      String name =
          String.format(
              Locale.ROOT, "%s: %d steps, %s", solve.solver(), stats.steps(), stats.stopReason());
      residuals.setSeries(name, COLORS[i % COLORS.length], false, true, iterations, relative);
    }

    JacobianReport probe = report.jacobian();
    jacobian.setText(
        String.format(
            Locale.ROOT,
            "Jacobian at z*: spectral radius %.4f (power), %.4f (Arnoldi); ‖J‖²_F/d = %.4f ± %.4f"
                + " (Hutchinson)%s",
            probe.powerRadius(),
            probe.arnoldiRadius(),
            probe.frobeniusSquaredPerDimension(),
            probe.frobeniusStandardError(),
            probe.arnoldiRadius() < 1
                ? "; ρ < 1: plain iteration converges here"
                : "; ρ ≥ 1: plain iteration does not converge here"));
    double[] re = probe.ritzValues().stream().mapToDouble(RitzValue::re).toArray();
    double[] im = probe.ritzValues().stream().mapToDouble(RitzValue::im).toArray();
    ritz.showRitzValues(re, im);
  }
}
