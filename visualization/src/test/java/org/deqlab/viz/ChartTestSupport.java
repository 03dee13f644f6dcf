package org.deqlab.viz;

import io.fair_acc.dataset.DataSet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;

/**
 * Base of the tests of one chart: before each test the JavaFX toolkit is running (TestFX, headless
 * in the build) and a fresh chart fills the primary stage, so every test starts from the same
 * window. Also holds the read-outs several chart tests need, each taken on the JavaFX thread.
 *
 * @param <C> the chart under test
 */
@ExtendWith(ApplicationExtension.class)
abstract class ChartTestSupport<C extends ChartPanel> {
  private final Supplier<C> factory;

  /** The chart under test, shown in the primary stage; touch it only on the JavaFX thread. */
  C chart;

  ChartTestSupport(Supplier<C> factory) {
    this.factory = factory;
  }

  @BeforeEach
  final void showAFreshChart() throws Exception {
    // TestFX only calls @Start methods declared by the test class itself, so the base does the
    // same work in @BeforeEach, after ApplicationExtension has registered the primary stage.
    Stage stage = FxToolkit.registerPrimaryStage();
    chart =
        Fx.get(
            () -> {
              C created = factory.get();
              Fx.show(stage, created);
              return created;
            });
  }

  /** The chart's exported (non-empty) data sets by name. */
  final Map<String, DataSet> shownByName() {
    return Fx.get(
        () ->
            chart.dataSets().stream()
                .collect(Collectors.toMap(DataSet::getName, Function.identity())));
  }

  /** The chart's plugins of {@code type}, in the order they were added. */
  final <T> List<T> plugins(Class<T> type) {
    return Fx.get(
        () ->
            chart.chart().getPlugins().stream().filter(type::isInstance).map(type::cast).toList());
  }

  /** The x values of {@code dataSet}'s points (its x array may be longer than its point count). */
  static double[] xs(DataSet dataSet) {
    return Arrays.copyOf(dataSet.getValues(DataSet.DIM_X), dataSet.getDataCount());
  }
}
