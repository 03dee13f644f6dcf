package org.deqlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fair_acc.chartfx.plugins.XValueIndicator;
import io.fair_acc.chartfx.plugins.YValueIndicator;
import io.fair_acc.dataset.DataSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpectralChartTest extends ChartTestSupport<SpectralChart> {
  SpectralChartTest() {
    super(SpectralChart::new);
  }

  @Test
  void aHorizontalLineMarksSpectralRadiusOne() {
    List<YValueIndicator> lines = plugins(YValueIndicator.class);
    assertEquals(1, lines.size());
    assertEquals(1.0, lines.get(0).getValue());
    assertEquals(chart.chart().getYAxis(), lines.get(0).getAxis());
  }

  @Test
  void theUnitLineStaysInViewWhenEveryEstimateIsSmall() {
    Fx.run(
        () -> {
          chart.addPoint(10, 0.2, 0.05);
          chart.addPoint(20, 0.3, 0.07);
        });
    double top = Fx.get(() -> chart.chart().getYAxis().getMax());
    assertTrue(top > 1.0, "ρ = 1 visible, axis max " + top);
    assertEquals(2, Fx.get(chart::dataSets).size(), "the range guide is not exported");
  }

  @Test
  void pointsGoToTheirSeriesAndNaNIsSkipped() {
    Fx.run(
        () -> {
          chart.addPoint(10, 0.8, 0.45);
          chart.addPoint(20, 0.9, Double.NaN);
        });
    List<DataSet> shown = Fx.get(chart::dataSets);
    assertEquals(2, shown.size());
    assertEquals(2, shown.get(0).getDataCount(), "spectral radius");
    assertEquals(0.9, shown.get(0).get(DataSet.DIM_Y, 1));
    assertEquals(1, shown.get(1).getDataCount(), "Frobenius");
  }

  @Test
  void markEventAddsAVerticalIndicatorAndClearKeepsTheUnitLine() {
    Fx.run(
        () -> {
          chart.addPoint(10, 0.8, 0.45);
          chart.markEvent(15, "Jacobian reg 0 → 2");
        });
    assertEquals(1, plugins(XValueIndicator.class).size());

    Fx.run(chart::clear);
    assertTrue(Fx.get(chart::dataSets).isEmpty());
    assertTrue(Fx.get(chart::eventMarkers).isEmpty());
    assertTrue(Fx.get(() -> chart.chart().getPlugins().contains(chart.unitRadiusLine())));
  }
}
