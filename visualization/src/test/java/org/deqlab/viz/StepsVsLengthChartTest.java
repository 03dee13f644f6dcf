package org.deqlab.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fair_acc.dataset.DataSet;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepsVsLengthChartTest extends ChartTestSupport<StepsVsLengthChart> {
  StepsVsLengthChartTest() {
    super(StepsVsLengthChart::new);
  }

  @Test
  void eachNameIsOneSeriesAndSettingItAgainReplacesItsPoints() {
    Fx.run(
        () -> {
          chart.setSeries("broyden", new double[] {16, 32}, new double[] {10, 12});
          chart.setSeries("anderson", new double[] {16}, new double[] {14});
          chart.setSeries("broyden", new double[] {16, 32, 64}, new double[] {10, 12, 15});
        });

    List<DataSet> shown = Fx.get(chart::dataSets);
    assertEquals(List.of("broyden", "anderson"), shown.stream().map(DataSet::getName).toList());
    assertEquals(3, shown.get(0).getDataCount());
    assertEquals(15.0, shown.get(0).get(DataSet.DIM_Y, 2));
  }

  @Test
  void pointsAreOrderedByLengthAndNonFinitePairsSkipped() {
    Fx.run(
        () ->
            chart.setSeries(
                "run", new double[] {128, 16, 64, Double.NaN}, new double[] {20, 10, 15, 3}));
    DataSet run = Fx.get(chart::dataSets).get(0);
    assertArrayEquals(new double[] {16, 64, 128}, xs(run));
  }

  @Test
  void removeAndClearDropSeries() {
    Fx.run(
        () -> {
          chart.setSeries("a", new double[] {1}, new double[] {1});
          chart.setSeries("b", new double[] {1}, new double[] {2});
          chart.removeSeries("a");
        });
    assertEquals(List.of("b"), Fx.get(chart::seriesNames));
    Fx.run(chart::clear);
    assertEquals(0, Fx.get(() -> chart.chart().getAllDatasets().size()));
  }

  @Test
  void seriesTakeThePaletteInOrderOfCreationAndStartAgainAfterClear() {
    Fx.run(() -> addOnePointSeries("a", "b"));
    assertTrue(Fx.get(() -> colorOf(0).equals(StepsVsLengthChart.PALETTE[0])));
    assertTrue(Fx.get(() -> colorOf(1).equals(StepsVsLengthChart.PALETTE[1])));

    Fx.run(chart::clear);
    Fx.run(() -> addOnePointSeries("c"));
    assertTrue(Fx.get(() -> colorOf(0).equals(StepsVsLengthChart.PALETTE[0])));
  }

  private void addOnePointSeries(String... names) {
    for (String name : names) {
      chart.setSeries(name, new double[] {1}, new double[] {1});
    }
  }

  /** The palette colour in the style of the {@code index}-th series shown, or "" if none. */
  private String colorOf(int index) {
    String style = chart.dataSets().get(index).getStyle();
    for (String color : StepsVsLengthChart.PALETTE) {
      if (style.contains(color)) {
        return color;
      }
    }
    return "";
  }

  @Test
  void lengthsWhereTheSolverStoppedAtItsLimitAreDrawnApartWithTheirResidual() {
    double nan = Double.NaN;
    Fx.run(
        () ->
            chart.setSeries(
                "trained",
                new double[] {25, 50, 100, 200},
                new double[] {100, 100, 17, 37},
                new double[] {0.032, 0.011, nan, nan}));
    List<DataSet> shown = Fx.get(chart::dataSets);
    assertEquals(
        List.of("trained", "trained — not converged (residual 1.1e-02–3.2e-02)"),
        shown.stream().map(DataSet::getName).toList());
    DataSet line = shown.get(0);
    assertArrayEquals(
        new double[] {100, 200}, Arrays.copyOf(line.getValues(DataSet.DIM_X), 2), "the line");
    assertEquals(2, line.getDataCount(), "the limit is not drawn as a step count on the line");
    assertEquals(2, shown.get(1).getDataCount());
    assertEquals(
        List.of(
            "not converged: residual 3.2e-02 at 100 steps",
            "not converged: residual 1.1e-02 at 100 steps"),
        Fx.get(() -> chart.notConvergedLabels("trained")));

    Fx.run(
        () ->
            chart.setSeries(
                "trained", new double[] {25, 50}, new double[] {12, 14}, new double[] {nan, nan}));
    assertEquals(
        List.of("trained"), Fx.get(chart::dataSets).stream().map(DataSet::getName).toList());
  }
}
