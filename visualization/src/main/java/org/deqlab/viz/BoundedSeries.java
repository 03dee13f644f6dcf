package org.deqlab.viz;

import io.fair_acc.dataset.DataSet;
import io.fair_acc.dataset.spi.DoubleDataSet;

/**
 * An append-only series with bounded memory. When it holds {@code capacity} points, every second
 * point of its older half is dropped, so recent points keep full resolution while older ones grow
 * sparser; the first and the latest point always stay. Thinning costs O(capacity) once per {@code
 * capacity / 4} appends, O(1) per append on average. Non-finite values are skipped (a series holds
 * only real measurements), and so are values ≤ 0 when it is drawn on a log axis.
 */
final class BoundedSeries {
  /** Enough for a smooth curve at any window size, small enough to redraw at 25 Hz. */
  static final int DEFAULT_CAPACITY = 20_000;

  private final DoubleDataSet data;
  private final int capacity;
  private final boolean positiveOnly;

  BoundedSeries(DoubleDataSet data, int capacity, boolean positiveOnly) {
    if (capacity < 8) {
      throw new IllegalArgumentException("capacity must be at least 8, got " + capacity);
    }
    this.data = data;
    this.capacity = capacity;
    this.positiveOnly = positiveOnly;
  }

  DoubleDataSet data() {
    return data;
  }

  int capacity() {
    return capacity;
  }

  /** Appends one point; returns false (and stores nothing) if it cannot be drawn. */
  boolean append(double x, double y) {
    if (!accepts(x, y)) {
      return false;
    }
    if (data.getDataCount() >= capacity) {
      thinOlderHalf();
    }
    data.add(x, y);
    return true;
  }

  /** Replaces the whole series by the drawable points of {@code x, y} (one update). */
  void replace(double[] x, double[] y) {
    int n = Math.min(x.length, y.length);
    double[] keptX = new double[n];
    double[] keptY = new double[n];
    int kept = 0;
    for (int i = 0; i < n; i++) {
      if (accepts(x[i], y[i])) {
        keptX[kept] = x[i];
        keptY[kept] = y[i];
        kept++;
      }
    }
    // A trace longer than the capacity keeps its first and latest points and thins the middle.
    while (kept > capacity) {
      kept = thin(keptX, keptY, kept);
    }
    data.set(keptX, keptY, kept, false);
  }

  void clear() {
    data.clearData();
  }

  private boolean accepts(double x, double y) {
    return Double.isFinite(x) && Double.isFinite(y) && (!positiveOnly || y > 0);
  }

  private void thinOlderHalf() {
    int n = data.getDataCount();
    double[] x = new double[n];
    double[] y = new double[n];
    System.arraycopy(data.getValues(DataSet.DIM_X), 0, x, 0, n);
    System.arraycopy(data.getValues(DataSet.DIM_Y), 0, y, 0, n);
    int kept = thin(x, y, n);
    data.set(x, y, kept, false);
  }

  /** Drops every second point of the older half of the first {@code n} entries, in place. */
  private static int thin(double[] x, double[] y, int n) {
    int half = n / 2;
    int kept = 0;
    for (int i = 0; i < half; i += 2) {
      x[kept] = x[i];
      y[kept] = y[i];
      kept++;
    }
    for (int i = half; i < n; i++) {
      x[kept] = x[i];
      y[kept] = y[i];
      kept++;
    }
    return kept;
  }
}
