package org.deqlab.viz;

import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.dataset.DataSet;
import io.fair_acc.dataset.spi.DoubleDataSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training memory against depth L, one series per way of computing the layer (typically "DEQ" and
 * "unrolled"), filled one measurement at a time. Depth is on a log₂ axis (1, 2, 4, … 64) by
 * default; memory is in MiB (2²⁰ bytes).
 */
public final class MemoryChart extends ChartPanel {
  private static final String X_NAME = "depth L";
  private static final String X_UNIT = "layers";
  private static final String Y_NAME = "training memory";
  private static final String Y_UNIT = "MiB";
  private static final double BYTES_PER_MIB = 1024.0 * 1024.0;

  /** Colours by series name; other names take the next colour of the palette. */
  private static final Map<String, String> KNOWN_COLORS =
      Map.of("deq", "#1f5fbf", "unrolled", "#d2452b");

  private final DefaultNumericAxis depthAxis;
  private final NamedSeries named =
      new NamedSeries(mainRenderer(), X_NAME, X_UNIT, Y_NAME, Y_UNIT, MemoryChart::style);

  /** Series measured once, independent of depth, drawn flat across the depth range: name → MiB. */
  private final Map<String, Double> levels = new LinkedHashMap<>();

  public MemoryChart() {
    this(depthAxis());
  }

  private MemoryChart(DefaultNumericAxis depthAxis) {
    super("Memory vs depth", depthAxis, memoryAxis());
    this.depthAxis = depthAxis;
  }

  private static DefaultNumericAxis depthAxis() {
    DefaultNumericAxis axis = axis(X_NAME, X_UNIT);
    axis.setLogarithmBase(2);
    axis.setLogAxis(true);
    return axis;
  }

  private static DefaultNumericAxis memoryAxis() {
    DefaultNumericAxis axis = axis(Y_NAME, Y_UNIT);
    axis.setForceZeroInRange(true);
    return axis;
  }

  /**
   * Adds one measurement to {@code series} (created on first use). Points are kept in order of
   * depth; a second measurement at the same depth replaces the first. Depths ≤ 0 cannot be shown on
   * the log axis and are skipped there.
   *
   * @param depth the depth L (layers of the unrolled stack, or the DEQ's effective depth)
   * @param megabytes memory in MiB
   */
  public void addPoint(String series, double depth, double megabytes) {
    beforeUpdate();
    if (!Double.isFinite(depth)
        || !Double.isFinite(megabytes)
        || (depthAxis.isLogAxis() && depth <= 0)) {
      return;
    }
    if (levels.remove(series) != null) {
      named.byName().get(series).clearData();
    }
    DoubleDataSet dataSet = named.getOrCreate(series);
    int count = dataSet.getDataCount();
    int index = 0;
    while (index < count && dataSet.get(DataSet.DIM_X, index) < depth) {
      index++;
    }
    if (index < count && dataSet.get(DataSet.DIM_X, index) == depth) {
      dataSet.set(index, depth, megabytes);
    } else {
      dataSet.add(index, depth, megabytes);
    }
    updateLevels();
  }

  /**
   * Shows a measurement that does not depend on depth (a DEQ measured once) as a flat line across
   * the depths of the other series (1 to 64 while there are none). Replaces earlier points of
   * {@code series}.
   */
  public void setLevel(String series, double megabytes) {
    beforeUpdate();
    if (!Double.isFinite(megabytes)) {
      return;
    }
    named.getOrCreate(series);
    levels.put(series, megabytes);
    updateLevels();
  }

  private void updateLevels() {
    double low = Double.POSITIVE_INFINITY;
    double high = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, DoubleDataSet> entry : named.byName().entrySet()) {
      DoubleDataSet dataSet = entry.getValue();
      if (!levels.containsKey(entry.getKey()) && dataSet.getDataCount() > 0) {
        low = Math.min(low, dataSet.get(DataSet.DIM_X, 0));
        high = Math.max(high, dataSet.get(DataSet.DIM_X, dataSet.getDataCount() - 1));
      }
    }
    if (low >= high) {
      low = Math.min(low, 1);
      high = Math.max(high, 64);
    }
    for (Map.Entry<String, Double> level : levels.entrySet()) {
      double megabytes = level.getValue();
      named
          .byName()
          .get(level.getKey())
          .set(new double[] {low, high}, new double[] {megabytes, megabytes}, 2, false);
    }
  }

  /** {@link #addPoint} with the memory in bytes. */
  public void addPointBytes(String series, double depth, long bytes) {
    addPoint(series, depth, bytes / BYTES_PER_MIB);
  }

  /** Switches the depth axis between log₂ (default) and linear. */
  public void setLogDepthAxis(boolean logarithmic) {
    depthAxis.setLogAxis(logarithmic);
  }

  /** The names of the series shown, in order of creation. */
  public List<String> seriesNames() {
    return named.names();
  }

  /** Removes every series. */
  public void clear() {
    beforeUpdate();
    named.clear();
    levels.clear();
  }

  @Override
  public List<DataSet> dataSets() {
    return named.nonEmpty();
  }

  @Override
  public String explanation() {
    return "Memory needed to train one step, against depth L (doubling from left to right)."
        + " \"Unrolled\" is a weight-tied network that applies the same layer f L times and"
        + " backpropagates through all of them, so it must keep every intermediate activation:"
        + " its memory grows in proportion to L. \"DEQ\" instead solves for the fixed point"
        + " z* = f(z*, x) with a solver that keeps no record of its iterations, and computes the"
        + " gradient from z* alone with the implicit function theorem: its memory stays flat, O(1)"
        + " in depth, however many iterations (however much effective depth) the solver uses."
        + " The price is time, not memory: the backward pass is a second solve.";
  }

  private static SeriesStyle style(String name, int index) {
    String color =
        KNOWN_COLORS.getOrDefault(
            name.toLowerCase(java.util.Locale.ROOT),
            StepsVsLengthChart.PALETTE[(index + 2) % StepsVsLengthChart.PALETTE.length]);
    return SeriesStyle.line(color, 1.8).withMarkers("circle", 4);
  }
}
