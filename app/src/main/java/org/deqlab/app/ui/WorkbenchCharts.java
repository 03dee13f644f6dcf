package org.deqlab.app.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import org.deqlab.app.experiment.LengthSweep;
import org.deqlab.core.train.TrainingEvent;
import org.deqlab.viz.ExportableChart;
import org.deqlab.viz.MemoryChart;
import org.deqlab.viz.ResidualTraceChart;
import org.deqlab.viz.RitzPlaneChart;
import org.deqlab.viz.SpectralChart;
import org.deqlab.viz.StepsVsLengthChart;
import org.deqlab.viz.TrainingCurveChart;

/**
 * The workbench's six plots in a grid, each with its title, export buttons and (in teaching mode)
 * a plain-words explanation. It is the {@link ChartSink} that turns engine events into chart
 * updates, used by the window and by the headless {@code ./deq run}.
 */
final class WorkbenchCharts implements ChartSink {
  /** At most this many solves of one batch are drawn; older ones are only faded history anyway. */
  private static final int TRACES_PER_BATCH = 5;

  final ResidualTraceChart residuals = new ResidualTraceChart();
  final TrainingCurveChart training = new TrainingCurveChart();
  final SpectralChart spectral = new SpectralChart();
  final StepsVsLengthChart lengths = new StepsVsLengthChart();
  final RitzPlaneChart ritz = new RitzPlaneChart();
  final MemoryChart memory = new MemoryChart();
  private final GridPane grid = new GridPane();
  private final List<Label> explanations = new ArrayList<>();
  private final List<ExportableChart> charts =
      List.of(residuals, training, spectral, lengths, ritz, memory);
  private final List<double[]> sweepLengths = new ArrayList<>();
  private final java.util.Map<String, List<double[]>> sweepSeries = new java.util.LinkedHashMap<>();

  interface Exporter {
    void export(ExportableChart chart, boolean png);
  }

  WorkbenchCharts(Exporter exporter) {
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
    for (int i = 0; i < charts.size(); i++) {
      grid.add(panel(charts.get(i), exporter), i % 3, i / 3);
    }
  }

  Node node() {
    return grid;
  }

  List<ExportableChart> charts() {
    return charts;
  }

  void setTeachingMode(boolean on) {
    for (Label explanation : explanations) {
      explanation.setVisible(on);
      explanation.setManaged(on);
    }
  }

  private Node panel(ExportableChart chart, Exporter exporter) {
    Label title = new Label(chart.title());
    title.setStyle("-fx-font-weight: bold;");
    Button png = new Button("PNG");
    png.setTooltip(new Tooltip("Export this plot as a PNG image"));
    png.setOnAction(e -> exporter.export(chart, true));
    Button csv = new Button("CSV");
    csv.setTooltip(new Tooltip("Export this plot's data as CSV"));
    csv.setOnAction(e -> exporter.export(chart, false));
    HBox header = new HBox(6, title, spacer(), png, csv);
    header.setAlignment(Pos.CENTER_LEFT);
    Label explanation = new Label(chart.explanation());
    explanation.setWrapText(true);
    explanation.setStyle("-fx-background-color: #fff8dc; -fx-padding: 4; -fx-font-size: 11px;");
    explanation.setVisible(false);
    explanation.setManaged(false);
    explanation.setMaxHeight(90);
    explanations.add(explanation);
    BorderPane panel = new BorderPane(chart.node());
    panel.setTop(new VBox(2, header, explanation));
    panel.setStyle("-fx-border-color: #ccc; -fx-border-radius: 3; -fx-padding: 3;");
    return panel;
  }

  private static Node spacer() {
    javafx.scene.layout.Region region = new javafx.scene.layout.Region();
    HBox.setHgrow(region, Priority.ALWAYS);
    return region;
  }

  @Override
  public void show(List<TrainingEvent> events) {
    List<TrainingEvent.Step> steps = new ArrayList<>();
    for (TrainingEvent event : events) {
      if (event instanceof TrainingEvent.Step step) {
        steps.add(step);
        training.addStep(step.step(), step.loss(),
            step.forward() == null ? Double.NaN : step.forward().steps(),
            step.backward() == null ? Double.NaN : step.backward().steps());
        if (Double.isFinite(step.spectralRadius())) {
          spectral.addPoint(step.step(), step.spectralRadius(), step.frobenius());
        }
      } else if (event instanceof TrainingEvent.Evaluation evaluation) {
        training.addEvaluation(evaluation.step(), evaluation.loss());
      } else if (event instanceof TrainingEvent.SettingChanged change) {
        training.markEvent(change.step(), change.description());
        spectral.markEvent(change.step(), change.description());
      }
    }
    for (TrainingEvent.Step step : steps.subList(Math.max(0, steps.size() - TRACES_PER_BATCH), steps.size())) {
      if (step.forward() != null) {
        residuals.showForward(step.forward().absoluteTrace(), step.forward().relativeTrace());
      }
      if (step.backward() != null) {
        residuals.showBackward(step.backward().absoluteTrace(), step.backward().relativeTrace());
      }
    }
  }

  @Override
  public void showSweepPoint(String series, LengthSweep.Point point) {
    List<double[]> points = sweepSeries.computeIfAbsent(series, s -> new ArrayList<>());
    points.add(new double[] {point.length(), point.meanSteps()});
    double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
    double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
    lengths.setSeries(series, x, y);
  }

  @Override
  public void showRitzValues(double[] real, double[] imaginary) {
    ritz.showRitzValues(real, imaginary);
  }

  @Override
  public void clear() {
    residuals.clear();
    training.clear();
    spectral.clear();
    sweepSeries.clear();
    sweepLengths.clear();
  }
}
