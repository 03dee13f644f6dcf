package org.deqlab.viz;

import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.plugins.XValueIndicator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Labelled vertical lines at given x positions (e.g. "learning rate 1e-3 → 3e-4" at step 420),
 * drawn with ChartFX {@link XValueIndicator}s. At most {@link #MAX_EVENTS} are kept; the oldest
 * goes first.
 */
final class EventMarkers {
  static final int MAX_EVENTS = 100;

  private final XYChart chart;
  private final Deque<XValueIndicator> indicators = new ArrayDeque<>();
  private int marked;

  EventMarkers(XYChart chart) {
    this.chart = chart;
  }

  void mark(double x, String label) {
    if (!Double.isFinite(x)) {
      return;
    }
    XValueIndicator indicator =
        new XValueIndicator(chart.getXAxis(), x, label == null ? "" : label);
    indicator.setEditable(false);
    // Successive labels step down the line, so markers close together do not hide each other.
    indicator.setLabelPosition(0.97 - 0.09 * (marked++ % 4));
    if (indicators.size() == MAX_EVENTS) {
      chart.getPlugins().remove(indicators.removeFirst());
    }
    indicators.addLast(indicator);
    chart.getPlugins().add(indicator);
  }

  void clear() {
    chart.getPlugins().removeAll(indicators);
    indicators.clear();
    marked = 0;
  }

  List<XValueIndicator> indicators() {
    return List.copyOf(new ArrayList<>(indicators));
  }
}
