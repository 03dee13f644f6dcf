package org.deqlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fair_acc.chartfx.plugins.XValueIndicator;
import io.fair_acc.chartfx.ui.geometry.Side;
import io.fair_acc.dataset.DataSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingCurveChartTest extends ChartTestSupport<TrainingCurveChart> {
  TrainingCurveChartTest() {
    super(TrainingCurveChart::new);
  }

  @Test
  void aStepAddsOnePointPerMeasuredValueAndNaNMeansNotMeasured() {
    Fx.run(
        () -> {
          chart.addStep(1, 2.5, 12, Double.NaN);
          chart.addStep(2, 2.1, 14, 9);
          chart.addStep(3, Double.NaN, 15, 10);
        });

    Map<String, DataSet> shown = shownByName();
    assertEquals(2, shown.get("training loss").getDataCount());
    assertEquals(3, shown.get("forward solver steps").getDataCount());
    assertEquals(2, shown.get("backward solver steps").getDataCount());
    assertEquals(2.0, shown.get("backward solver steps").get(DataSet.DIM_X, 0));
    assertEquals(9.0, shown.get("backward solver steps").get(DataSet.DIM_Y, 0));
  }

  @Test
  void evaluationsAreASeparateMarkerSeries() {
    Fx.run(
        () -> {
          chart.addStep(100, 1.5, 12, 8);
          chart.addEvaluation(100, 1.7);
        });
    DataSet validation = shownByName().get("validation loss");
    assertEquals(1, validation.getDataCount());
    assertEquals(1.7, validation.get(DataSet.DIM_Y, 0));
  }

  @Test
  void solverStepsAreDrawnAgainstASecondAxisOnTheRight() {
    List<String> rightAxes =
        Fx.get(
            () ->
                chart.chart().getAxes().stream()
                    .filter(axis -> axis.getSide() == Side.RIGHT)
                    .map(axis -> axis.getName())
                    .toList());
    assertEquals(List.of("solver steps"), rightAxes);
  }

  @Test
  void markEventAddsALabelledVerticalIndicator() {
    Fx.run(
        () -> {
          chart.addStep(1, 2.0, 10, 8);
          chart.markEvent(420, "lr 1e-3 → 3e-4");
        });

    List<XValueIndicator> onChart = plugins(XValueIndicator.class);
    assertEquals(1, onChart.size());
    assertEquals(420.0, onChart.get(0).getValue());
    assertEquals("lr 1e-3 → 3e-4", onChart.get(0).getText());
    assertEquals(onChart, Fx.get(chart::eventMarkers));

    Fx.run(chart::clear);
    assertTrue(plugins(XValueIndicator.class).isEmpty(), "clear removes the event lines");
  }

  @Test
  void aVeryLongRunKeepsBoundedMemoryWithTheFirstAndLatestStep() {
    TrainingCurveChart small = Fx.get(() -> new TrainingCurveChart(64));
    Fx.run(
        () -> {
          for (int step = 1; step <= 10_000; step++) {
            small.addStep(step, 1.0 / step, 10, 5);
          }
          for (int event = 0; event < EventMarkers.MAX_EVENTS + 20; event++) {
            small.markEvent(event, "event " + event);
          }
        });
    DataSet loss = Fx.get(() -> small.dataSets().get(0));
    int count = loss.getDataCount();
    assertTrue(count <= 64 && count >= 32, "bounded, got " + count);
    assertEquals(1.0, loss.get(DataSet.DIM_X, 0));
    assertEquals(10_000.0, loss.get(DataSet.DIM_X, count - 1));
    assertEquals(EventMarkers.MAX_EVENTS, Fx.get(small::eventMarkers).size());
  }
}
