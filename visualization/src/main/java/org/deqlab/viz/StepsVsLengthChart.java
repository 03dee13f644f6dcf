package org.deqlab.viz;

import io.fair_acc.dataset.DataSet;
import io.fair_acc.dataset.spi.DoubleDataSet;
import java.util.List;

/**
 * Solver steps against sequence length, one line per named model or run, to see whether longer
 * inputs make the equilibrium harder to find.
 */
public final class StepsVsLengthChart extends ChartPanel {
  /** Series colours in order of first appearance (a colour-blind-safe palette). */
  static final String[] PALETTE = {
    "#1f5fbf", "#d2452b", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"
  };

  private static final String[] MARKERS = {"circle", "rectangle", "diamond"};

  private static final String X_NAME = "sequence length";
  private static final String X_UNIT = "tokens";
  private static final String Y_NAME = "forward solver steps";
  private static final String Y_UNIT = "#";

  private final NamedSeries named =
      new NamedSeries(
          mainRenderer(),
          X_NAME,
          X_UNIT,
          Y_NAME,
          Y_UNIT,
          (name, index) ->
              SeriesStyle.line(PALETTE[index % PALETTE.length], 1.6)
                  .withMarkers(MARKERS[index % MARKERS.length], 3.5));

  public StepsVsLengthChart() {
    super("Solver steps vs sequence length", axis(X_NAME, X_UNIT), axis(Y_NAME, Y_UNIT));
  }

  /**
   * Creates or replaces the series {@code name}. Points are drawn in order of length; pairs with a
   * non-finite value are skipped.
   *
   * @param lengths sequence lengths
   * @param steps solver steps (e.g. the mean over a batch) at each length
   */
  public void setSeries(String name, double[] lengths, double[] steps) {
    beforeUpdate();
    DoubleDataSet dataSet = named.getOrCreate(name);
    int n = Math.min(lengths.length, steps.length);
    double[][] points = new double[n][];
    int kept = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isFinite(lengths[i]) && Double.isFinite(steps[i])) {
        points[kept++] = new double[] {lengths[i], steps[i]};
      }
    }
    java.util.Arrays.sort(points, 0, kept, (a, b) -> Double.compare(a[0], b[0]));
    double[] x = new double[kept];
    double[] y = new double[kept];
    for (int i = 0; i < kept; i++) {
      x[i] = points[i][0];
      y[i] = points[i][1];
    }
    dataSet.set(x, y, kept, false);
  }

  /** Removes the series {@code name}, if present. */
  public void removeSeries(String name) {
    beforeUpdate();
    named.remove(name);
  }

  /** The names of the series shown, in order of creation. */
  public List<String> seriesNames() {
    return named.names();
  }

  /** Removes every series. */
  public void clear() {
    beforeUpdate();
    named.clear();
  }

  @Override
  public List<DataSet> dataSets() {
    return named.nonEmpty();
  }

  @Override
  public String explanation() {
    return "Each line is one model or run, tested on input sequences of different lengths."
        + " Across is the sequence length; up is how many iterations the forward solver needed to"
        + " reach its tolerance. A weight-tied stack has a depth fixed in advance; a DEQ iterates"
        + " until it reaches the equilibrium z* = f(z*, x), so its cost per input is decided by"
        + " how hard that equilibrium is to find. A flat line means longer inputs cost no extra"
        + " iterations; a rising line means the solver effectively makes the network deeper for"
        + " longer inputs; a line that reaches the iteration limit means some solves stopped"
        + " before converging.";
  }
}
