package org.deqlab.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fair_acc.chartfx.axes.Axis;
import io.fair_acc.dataset.DataSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryChartTest extends ChartTestSupport<MemoryChart> {
  MemoryChartTest() {
    super(MemoryChart::new);
  }

  @Test
  void pointsArriveOneAtATimeAndAreKeptInDepthOrder() {
    Fx.run(
        () -> {
          chart.addPoint("unrolled", 4, 90);
          chart.addPoint("unrolled", 1, 50);
          chart.addPoint("DEQ", 1, 48);
          chart.addPoint("unrolled", 2, 62);
          chart.addPoint("unrolled", 2, 63); // a re-measurement replaces the first
        });

    List<DataSet> shown = Fx.get(chart::dataSets);
    assertEquals(List.of("unrolled", "DEQ"), shown.stream().map(DataSet::getName).toList());
    assertArrayEquals(new double[] {1, 2, 4}, xs(shown.get(0)));
    assertEquals(63.0, shown.get(0).get(DataSet.DIM_Y, 1));
  }

  @Test
  void depthIsOnALogTwoAxisAndDepthZeroCannotBeShownThere() {
    Axis depth = Fx.get(() -> chart.chart().getXAxis());
    assertTrue(depth.isLogAxis());
    Fx.run(() -> chart.addPoint("DEQ", 0, 48));
    assertTrue(Fx.get(chart::dataSets).isEmpty());

    Fx.run(
        () -> {
          chart.setLogDepthAxis(false);
          chart.addPoint("DEQ", 0, 48);
        });
    assertEquals(1, Fx.get(chart::dataSets).size());
  }

  @Test
  void aDepthIndependentLevelSpansTheMeasuredDepthsAndBytesBecomeMebibytes() {
    Fx.run(
        () -> {
          chart.setLevel("DEQ", 47);
          chart.addPointBytes("unrolled", 2, 64L * 1024 * 1024);
          chart.addPoint("unrolled", 32, 400);
        });
    List<DataSet> shown = Fx.get(chart::dataSets);
    assertArrayEquals(new double[] {2, 32}, xs(shown.get(0)), "DEQ spans the unrolled depths");
    assertEquals(47.0, shown.get(0).get(DataSet.DIM_Y, 1));
    assertEquals(64.0, shown.get(1).get(DataSet.DIM_Y, 0));

    Fx.run(chart::clear);
    assertTrue(Fx.get(chart::dataSets).isEmpty());
  }
}
