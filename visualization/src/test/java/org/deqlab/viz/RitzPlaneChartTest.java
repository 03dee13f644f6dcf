package org.deqlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fair_acc.dataset.DataSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class RitzPlaneChartTest extends ChartTestSupport<RitzPlaneChart> {
  RitzPlaneChartTest() {
    super(RitzPlaneChart::new);
  }

  @Test
  void ritzValuesReplaceThePreviousSetAndTheUnitCircleIsAlwaysDrawn() {
    Fx.run(
        () -> {
          chart.showRitzValues(new double[] {0.5, 0.5, -0.2}, new double[] {0.3, -0.3, 0});
          chart.showRitzValues(new double[] {0.9, 0.1}, new double[] {0, Double.NaN});
        });

    List<DataSet> exported = Fx.get(chart::dataSets);
    assertEquals(1, exported.size(), "the circle is decoration, not data");
    assertEquals(1, exported.get(0).getDataCount());
    assertEquals(0.9, exported.get(0).get(DataSet.DIM_X, 0));
    DataSet circle =
        Fx.get(
            () ->
                chart.chart().getAllDatasets().stream()
                    .filter(d -> d.getName().equals("|λ| = 1"))
                    .findFirst()
                    .orElseThrow());
    for (int i = 0; i < circle.getDataCount(); i += 30) {
      double radius = Math.hypot(circle.get(DataSet.DIM_X, i), circle.get(DataSet.DIM_Y, i));
      assertEquals(1.0, radius, 1e-12);
    }
  }

  @Test
  void bothAxesHaveTheSameScaleSoTheCircleIsRound() {
    Fx.run(() -> chart.showRitzValues(new double[] {2.5}, new double[] {0.4}));
    double aspect = Fx.get(chart::aspectRatio);
    assertEquals(1.0, aspect, 0.02, "units per pixel, horizontal over vertical");
    double realMax = Fx.get(() -> chart.chart().getXAxis().getMax());
    assertTrue(realMax >= 2.5, "the outlying value stays in view, max Re = " + realMax);
  }
}
