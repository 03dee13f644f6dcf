package org.deqlab.viz;

import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.dataset.DataSet;
import io.fair_acc.dataset.spi.DoubleDataSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plot of a few named x–y series on axes with names and units, each series replaced whole when it
 * changes: for small, complete pictures such as residual against iteration for four solvers, or a
 * quantity against depth. On a log y axis, points that are not positive are left out (a residual of
 * exactly 0 has no place on it).
 */
public final class SeriesChart extends ChartPanel {
  private final String xName;
  private final String xUnit;
  private final String yName;
  private final String yUnit;
  private final boolean logY;
  private final String explanation;
  private final Map<String, DoubleDataSet> series = new LinkedHashMap<>();

  /**
   * @param title the plot's title
   * @param xName the x quantity, with {@code xUnit}
   * @param yName the y quantity, with {@code yUnit}
   * @param logY a base-10 log y axis
   * @param explanation the paragraph behind the plot's "?" button
   */
  public SeriesChart(
      String title,
      String xName,
      String xUnit,
      String yName,
      String yUnit,
      boolean logY,
      String explanation) {
    this(
        title,
        axis(xName, xUnit),
        logY ? logAxis(yName, yUnit) : axis(yName, yUnit),
        logY,
        explanation);
  }

  private SeriesChart(
      String title,
      DefaultNumericAxis xAxis,
      DefaultNumericAxis yAxis,
      boolean logY,
      String explanation) {
    super(title, xAxis, yAxis);
    this.xName = xAxis.getName();
    this.xUnit = xAxis.getUnit();
    this.yName = yAxis.getName();
    this.yUnit = yAxis.getUnit();
    this.logY = logY;
    this.explanation = explanation;
    if (!logY) {
      yAxis.setForceZeroInRange(true);
    }
  }

  /**
   * Shows {@code x, y} as the series {@code name} (replacing its points), drawn in {@code color}
   * ({@code dashed} or solid, with markers when {@code markers}). Series keep the order in which
   * they were first set.
   */
  public void setSeries(
      String name, String color, boolean dashed, boolean markers, double[] x, double[] y) {
    beforeUpdate();
    DoubleDataSet data =
        series.computeIfAbsent(
            name,
            n -> {
              SeriesStyle style = SeriesStyle.line(color, 1.6);
              if (dashed) {
                style = style.dashed(6, 4);
              }
              if (markers) {
                style = style.withMarkers("circle", 3);
              }
              DoubleDataSet created = styled(series(n, xName, xUnit, yName, yUnit), style);
              mainRenderer().getDatasets().add(created);
              return created;
            });
    int n = Math.min(x.length, y.length);
    double[] xs = new double[n];
    double[] ys = new double[n];
    int kept = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && (!logY || y[i] > 0)) {
        xs[kept] = x[i];
        ys[kept] = y[i];
        kept++;
      }
    }
    data.set(xs, ys, kept, true);
  }

  /** Removes a series (nothing happens if there is none of that name). */
  public void removeSeries(String name) {
    beforeUpdate();
    DoubleDataSet data = series.remove(name);
    if (data != null) {
      mainRenderer().getDatasets().remove(data);
    }
  }

  /** The names of the series shown, in order. */
  public List<String> seriesNames() {
    return List.copyOf(series.keySet());
  }

  /** Removes every series. */
  public void clear() {
    beforeUpdate();
    mainRenderer().getDatasets().removeAll(series.values());
    series.clear();
  }

  @Override
  public List<DataSet> dataSets() {
    return nonEmpty(new ArrayList<>(series.values()).toArray(DataSet[]::new));
  }

  @Override
  public String explanation() {
    return explanation;
  }
}
