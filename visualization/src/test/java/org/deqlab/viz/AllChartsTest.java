package org.deqlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fair_acc.chartfx.axes.Axis;
import io.fair_acc.chartfx.plugins.ChartPlugin;
import io.fair_acc.chartfx.plugins.DataPointTooltip;
import io.fair_acc.chartfx.plugins.Zoomer;
import io.fair_acc.dataset.DataSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javafx.stage.Stage;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** What every chart promises: it shows, it is labelled, zoomable and explained, and it exports. */
@ExtendWith(ApplicationExtension.class)
class AllChartsTest {
  private Stage stage;

  @Start
  void start(Stage stage) {
    this.stage = stage;
  }

  static Stream<Supplier<ChartPanel>> charts() {
    return Stream.of(
        ResidualTraceChart::new,
        TrainingCurveChart::new,
        SpectralChart::new,
        StepsVsLengthChart::new,
        RitzPlaneChart::new,
        MemoryChart::new);
  }

  @ParameterizedTest
  @MethodSource("charts")
  void everyChartShowsInAStageWithLabelledAxesZoomAndATooltip(Supplier<ChartPanel> factory) {
    ChartPanel chart = create(factory, created -> Fx.show(stage, created));
    Fx.run(
        () -> {
          assertTrue(chart.getScene() != null && chart.getScene().getWindow().isShowing());
          assertTrue(chart.getWidth() > 100 && chart.getHeight() > 100, "laid out at a real size");
          List<Axis> axes = List.copyOf(chart.chart().getAxes());
          assertTrue(axes.size() >= 2);
          for (Axis axis : axes) {
            assertFalse(axis.getName() == null || axis.getName().isBlank(), "axis has a name");
            assertFalse(
                axis.getUnit() == null || axis.getUnit().isBlank(),
                "axis '" + axis.getName() + "' has a unit");
          }
          List<ChartPlugin> plugins = List.copyOf(chart.chart().getPlugins());
          assertTrue(plugins.stream().anyMatch(Zoomer.class::isInstance), "zoom and pan");
          assertTrue(plugins.stream().anyMatch(DataPointTooltip.class::isInstance), "data cursor");
          assertFalse(chart.title().isBlank());
          assertEquals(chart, chart.node());
        });
  }

  @ParameterizedTest
  @MethodSource("charts")
  void aChartCanBeFilledInTheSameEventThatPutsItInAWindow(Supplier<ChartPanel> factory) {
    // ChartFX read-locks the data sets as soon as a chart joins a scene; a naive write in the
    // same event waits for that lock forever.
    ChartPanel chart =
        create(
            factory,
            created -> {
              Fx.show(stage, created);
              fill(created);
              fill(created);
            });
    assertFalse(Fx.get(chart::dataSets).isEmpty());
  }

  @ParameterizedTest
  @MethodSource("charts")
  void everyChartExplainsItselfInAParagraph(Supplier<ChartPanel> factory) {
    String explanation = Fx.get(() -> factory.get().explanation());
    assertTrue(
        explanation.length() > 300 && explanation.length() < 1400,
        "a short paragraph, got " + explanation.length() + " characters");
    assertTrue(explanation.contains("z*"), "relates the picture to the equilibrium z*");
  }

  @ParameterizedTest
  @MethodSource("charts")
  void everyExportedSeriesNamesItsQuantitiesAndUnits(Supplier<ChartPanel> factory) {
    ChartPanel chart = create(factory, AllChartsTest::fill);
    List<DataSet> dataSets = Fx.get(chart::dataSets);
    assertFalse(dataSets.isEmpty(), chart.title() + " exports its data");
    for (DataSet dataSet : dataSets) {
      assertTrue(dataSet.getDataCount() > 0);
      for (int dim : new int[] {DataSet.DIM_X, DataSet.DIM_Y}) {
        assertFalse(dataSet.getAxisDescription(dim).getName().isBlank(), dataSet.getName());
        assertFalse(dataSet.getAxisDescription(dim).getUnit().isBlank(), dataSet.getName());
      }
    }
  }

  /**
   * Creates a chart with {@code factory} and, in the same JavaFX event, hands it to {@code then}.
   */
  private static ChartPanel create(Supplier<ChartPanel> factory, Consumer<ChartPanel> then) {
    return Fx.get(
        () -> {
          ChartPanel created = factory.get();
          then.accept(created);
          return created;
        });
  }

  /** Fills a chart with the synthetic data of its kind. */
  static void fill(ChartPanel chart) {
    if (chart instanceof ResidualTraceChart residuals) {
      SyntheticRuns.fillResiduals(residuals);
    } else if (chart instanceof TrainingCurveChart training) {
      SyntheticRuns.fillTraining(training);
    } else if (chart instanceof SpectralChart spectral) {
      SyntheticRuns.fillSpectral(spectral);
    } else if (chart instanceof StepsVsLengthChart lengths) {
      SyntheticRuns.fillStepsVsLength(lengths);
    } else if (chart instanceof RitzPlaneChart ritz) {
      double[][] values = SyntheticRuns.ritzValues();
      ritz.showRitzValues(values[0], values[1]);
    } else if (chart instanceof MemoryChart memory) {
      SyntheticRuns.fillMemory(memory);
    } else {
      throw new IllegalArgumentException("no synthetic data for " + chart.getClass());
    }
  }
}
