package org.deqlab.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fair_acc.dataset.DataSet;
import java.util.Arrays;
import java.util.List;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class StepsVsLengthChartTest {
  private StepsVsLengthChart chart;

  @Start
  void start(Stage stage) {
    chart = new StepsVsLengthChart();
    Fx.show(stage, chart);
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
    assertArrayEquals(
        new double[] {16, 64, 128},
        Arrays.copyOf(run.getValues(DataSet.DIM_X), run.getDataCount()));
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
