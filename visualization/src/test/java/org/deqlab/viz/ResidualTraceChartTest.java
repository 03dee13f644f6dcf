package org.deqlab.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fair_acc.chartfx.axes.Axis;
import io.fair_acc.chartfx.ui.css.DataSetNode;
import io.fair_acc.dataset.DataSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ResidualTraceChartTest extends ChartTestSupport<ResidualTraceChart> {
  ResidualTraceChartTest() {
    super(ResidualTraceChart::new);
  }

  /** Solve k has k + 2 iterations with residual (k + 1) at every iteration: easy to recognise. */
  private static double[] solve(int k) {
    double[] trace = new double[k + 2];
    java.util.Arrays.fill(trace, k + 1.0);
    return trace;
  }

  /** Shows solves 1 to 6 as forward solves and, if {@code backwardToo}, as backward solves. */
  private void showSolvesOneToSix(boolean backwardToo) {
    Fx.run(
        () -> {
          for (int k = 1; k <= 6; k++) {
            chart.showForward(solve(k), solve(k));
            if (backwardToo) {
              chart.showBackward(solve(k), solve(k));
            }
          }
        });
  }

  @Test
  void afterSixForwardSolvesTheLatestAndExactlyFourFadedOnesAreShown() {
    showSolvesOneToSix(false);

    assertEquals(4, Fx.get(chart::fadedForwardCount));
    assertEquals(0, Fx.get(chart::fadedBackwardCount));
    Map<String, DataSet> shown = shownByName();
    assertEquals(10, shown.size(), "latest + 4 faded, abs and rel each: " + shown.keySet());
    assertEquals(8, shown.get("forward abs").getDataCount(), "the latest is solve 6");
    assertEquals(7.0, shown.get("forward abs").get(DataSet.DIM_Y, 0));
    assertEquals(6.0, shown.get("forward abs, 1 solve ago").get(DataSet.DIM_Y, 0));
    assertEquals(3.0, shown.get("forward rel, 4 solves ago").get(DataSet.DIM_Y, 0));
    assertFalse(shown.containsKey("forward abs, 5 solves ago"), "solve 1 has been dropped");
    assertArrayEquals(
        new double[] {0, 1, 2, 3, 4, 5, 6, 7},
        xs(shown.get("forward abs")),
        "x is the iteration, starting at 0");
  }

  @Test
  void fadedTracesAreDrawnFainterThanTheLatestAndLeftOutOfTheLegend() {
    showSolvesOneToSix(true);

    Map<String, DataSetNode> nodes =
        Fx.get(
            () ->
                chart.chart().getRenderers().stream()
                    .flatMap(renderer -> renderer.getDatasetNodes().stream())
                    .collect(
                        Collectors.toMap(
                            node -> node.getDataSet().getName(), Function.identity())));
    double latest = nodes.get("backward abs").getIntensity();
    double previous = nodes.get("backward abs, 1 solve ago").getIntensity();
    double oldest = nodes.get("backward abs, 4 solves ago").getIntensity();
    assertEquals(100, latest, 1e-9);
    assertTrue(
        previous < latest && oldest < previous,
        "older is fainter: " + latest + " > " + previous + " > " + oldest);
    assertTrue(nodes.get("backward abs").isShowInLegend());
    assertFalse(nodes.get("backward abs, 1 solve ago").isShowInLegend());
    assertEquals(4, Fx.get(chart::fadedBackwardCount));
  }

  @Test
  void forwardAndBackwardHistoriesAreKeptApart() {
    Fx.run(
        () -> {
          chart.showForward(solve(1), solve(1));
          chart.showForward(solve(2), solve(2));
          chart.showBackward(solve(5), null);
        });

    assertEquals(1, Fx.get(chart::fadedForwardCount));
    assertEquals(0, Fx.get(chart::fadedBackwardCount));
    Map<String, DataSet> shown = shownByName();
    assertEquals(6.0, shown.get("backward abs").get(DataSet.DIM_Y, 0));
    assertFalse(shown.containsKey("backward rel"), "a missing relative trace draws nothing");
    assertEquals(3.0, shown.get("forward abs").get(DataSet.DIM_Y, 0));
  }

  @Test
  void theLiveTraceGrowsPointByPointAndRestartsForTheNextSolve() {
    Fx.run(
        () -> {
          chart.beginLiveTrace();
          chart.addLivePoint(0, 1.0, 0.1);
          chart.addLivePoint(1, 0.5, 0.05);
          chart.addLivePoint(2, 0.25, 0.025);
        });
    assertEquals(3, shownByName().get("live abs").getDataCount());
    assertEquals(0.025, shownByName().get("live rel").get(DataSet.DIM_Y, 2));

    Fx.run(
        () -> {
          chart.beginLiveTrace();
          chart.addLivePoint(0, 2.0, 0.2);
        });
    assertEquals(1, shownByName().get("live abs").getDataCount());
  }

  @Test
  void pointsThatALogScaleCannotShowAreSkippedNotDrawnAsZero() {
    Fx.run(
        () ->
            chart.showForward(
                new double[] {1.0, 0.0, 1e-3, Double.NaN, Double.POSITIVE_INFINITY, 1e-6},
                new double[] {0.5, 0.25}));
    DataSet absolute = shownByName().get("forward abs");
    assertEquals(3, absolute.getDataCount());
    assertArrayEquals(new double[] {0, 2, 5}, xs(absolute));
  }

  @Test
  void theResidualAxisIsLogarithmicAndClearRemovesEverything() {
    List<Axis> axes = Fx.get(() -> List.copyOf(chart.chart().getAxes()));
    assertTrue(axes.get(1).isLogAxis());
    assertFalse(axes.get(0).isLogAxis());

    Fx.run(
        () -> {
          SyntheticRuns.fillResiduals(chart);
          chart.clear();
        });
    assertTrue(Fx.get(chart::dataSets).isEmpty());
    assertEquals(0, Fx.get(chart::fadedForwardCount));
  }
}
