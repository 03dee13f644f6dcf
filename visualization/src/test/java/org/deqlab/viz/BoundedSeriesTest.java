package org.deqlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fair_acc.dataset.DataSet;
import io.fair_acc.dataset.spi.DoubleDataSet;
import org.junit.jupiter.api.Test;

class BoundedSeriesTest {

  @Test
  void aMillionAppendsStayWithinCapacityKeepingFirstLatestAndOrder() {
    BoundedSeries series = new BoundedSeries(new DoubleDataSet("loss"), 1000, false);
    for (int step = 1; step <= 1_000_000; step++) {
      series.append(step, 1.0 / step);
    }
    DataSet data = series.data();
    int count = data.getDataCount();
    assertTrue(count <= 1000 && count >= 750, "bounded, got " + count);
    assertEquals(1.0, data.get(DataSet.DIM_X, 0));
    assertEquals(1_000_000.0, data.get(DataSet.DIM_X, count - 1));
    for (int i = 1; i < count; i++) {
      assertTrue(data.get(DataSet.DIM_X, i) > data.get(DataSet.DIM_X, i - 1));
    }
    // Recent points keep full resolution.
    assertEquals(999_999.0, data.get(DataSet.DIM_X, count - 2));
  }

  @Test
  void replacingWithATraceLongerThanTheCapacityThinsItsMiddle() {
    BoundedSeries series = new BoundedSeries(new DoubleDataSet("trace"), 100, true);
    double[] x = new double[1000];
    double[] y = new double[1000];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
      y[i] = Math.pow(0.99, i);
    }
    series.replace(x, y);
    int count = series.data().getDataCount();
    assertTrue(count <= 100, "got " + count);
    assertEquals(0.0, series.data().get(DataSet.DIM_X, 0));
    assertEquals(999.0, series.data().get(DataSet.DIM_X, count - 1));
  }

  @Test
  void pointsThatCannotBeDrawnAreRefused() {
    BoundedSeries logScale = new BoundedSeries(new DoubleDataSet("residual"), 10, true);
    assertFalse(logScale.append(0, 0.0));
    assertFalse(logScale.append(1, -1.0));
    assertFalse(logScale.append(2, Double.NaN));
    assertFalse(logScale.append(Double.POSITIVE_INFINITY, 1.0));
    assertTrue(logScale.append(3, 1e-300));
    assertEquals(1, logScale.data().getDataCount());
    assertThrows(
        IllegalArgumentException.class,
        () -> new BoundedSeries(new DoubleDataSet("tiny"), 2, false));
  }
}
