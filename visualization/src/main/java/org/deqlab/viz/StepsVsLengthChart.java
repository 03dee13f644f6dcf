package org.deqlab.viz;

import io.fair_acc.dataset.DataSet;
import io.fair_acc.dataset.spi.DoubleDataSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

  private static final String NOT_CONVERGED = " — not converged";

  private final NamedSeries lines =
      named(
          (name, index) ->
              SeriesStyle.line(PALETTE[index % PALETTE.length], 1.6)
                  .withMarkers(MARKERS[index % MARKERS.length], 3.5));

  /** Each line's not-converged lengths, keyed by the line's name and drawn in its colour. */
  private final NamedSeries limits =
      named(
          (name, index) ->
              SeriesStyle.markers(
                  PALETTE[Math.max(0, lines.indexOf(name)) % PALETTE.length], "cross", 7));

  public StepsVsLengthChart() {
    super("Solver steps vs sequence length", axis(X_NAME, X_UNIT), axis(Y_NAME, Y_UNIT));
  }

  private NamedSeries named(NamedSeries.Styler styler) {
    return new NamedSeries(mainRenderer(), X_NAME, X_UNIT, Y_NAME, Y_UNIT, styler);
  }

  /**
   * Creates or replaces the series {@code name}. Points are drawn in order of length; pairs with a
   * non-finite value are skipped.
   *
   * @param lengths sequence lengths
   * @param steps solver steps (e.g. the mean over a batch) at each length
   */
  public void setSeries(String name, double[] lengths, double[] steps) {
    setSeries(name, lengths, steps, new double[0]);
  }

  /**
   * Creates or replaces the series {@code name}, drawing apart the lengths where the solver stopped
   * at its limit: those are left out of the line and shown as separate cross markers at the limit,
   * in a companion series "{@code name} — not converged", each labelled with the residual it
   * reached (its step count is the limit, not a measurement).
   *
   * @param lengths sequence lengths
   * @param steps solver steps at each length (the limit where it did not converge)
   * @param unconvergedResidual the residual reached where the solver did not converge, NaN (or
   *     absent) where it did
   */
  public void setSeries(
      String name, double[] lengths, double[] steps, double[] unconvergedResidual) {
    beforeUpdate();
    DoubleDataSet line = lines.getOrCreate(name);
    int n = Math.min(lengths.length, steps.length);
    List<double[]> reached = new ArrayList<>();
    List<double[]> stopped = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(lengths[i]) || !Double.isFinite(steps[i])) {
        continue;
      }
      double residual = i < unconvergedResidual.length ? unconvergedResidual[i] : Double.NaN;
      (Double.isNaN(residual) ? reached : stopped)
          .add(new double[] {lengths[i], steps[i], residual});
    }
    fill(line, reached, false);
    if (stopped.isEmpty()) {
      limits.remove(name);
      return;
    }
    DoubleDataSet crosses = limits.getOrCreate(name);
    fill(crosses, stopped, true);
    // The residuals in the legend too: data labels show on hover only, not in an exported image.
    double least = stopped.stream().mapToDouble(p -> p[2]).min().orElse(Double.NaN);
    double most = stopped.stream().mapToDouble(p -> p[2]).max().orElse(Double.NaN);
    crosses.setName(
        name
            + NOT_CONVERGED
            + String.format(
                Locale.ROOT,
                least == most ? " (residual %.1e)" : " (residual %.1e–%.1e)",
                least,
                most));
  }

  /** Sets {@code dataSet} to the points (length, steps[, residual]) in order of length. */
  private static void fill(DoubleDataSet dataSet, List<double[]> points, boolean labelled) {
    points.sort((a, b) -> Double.compare(a[0], b[0]));
    double[] x = new double[points.size()];
    double[] y = new double[points.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = points.get(i)[0];
      y[i] = points.get(i)[1];
    }
    dataSet.set(x, y, x.length, false);
    if (labelled) {
      for (int i = 0; i < x.length; i++) {
        dataSet.addDataLabel(
            i,
            String.format(
                Locale.ROOT,
                "not converged: residual %.1e at %d steps",
                points.get(i)[2],
                Math.round(y[i])));
      }
    }
  }

  /** The residual labels of series {@code name}'s not-converged points, in order of length. */
  public List<String> notConvergedLabels(String name) {
    DoubleDataSet crosses = limits.byName().get(name);
    List<String> labels = new ArrayList<>();
    if (crosses != null) {
      for (int i = 0; i < crosses.getDataCount(); i++) {
        labels.add(crosses.getDataLabel(i));
      }
    }
    return labels;
  }

  /** Removes the series {@code name}, if present. */
  public void removeSeries(String name) {
    beforeUpdate();
    limits.remove(name);
    lines.remove(name);
  }

  /** The names of the series shown, in order of creation. */
  public List<String> seriesNames() {
    return lines.names();
  }

  /** Removes every series. */
  public void clear() {
    beforeUpdate();
    limits.clear();
    lines.clear();
  }

  @Override
  public List<DataSet> dataSets() {
    List<DataSet> all = new ArrayList<>(lines.nonEmpty());
    all.addAll(limits.nonEmpty());
    return all;
  }

  @Override
  public String explanation() {
    return "Each line is one model or run, tested on input sequences of different lengths."
        + " Across is the sequence length; up is how many iterations the forward solver needed to"
        + " reach its tolerance. A weight-tied stack has a depth fixed in advance; a DEQ iterates"
        + " until it reaches the equilibrium z* = f(z*, x), so its cost per input is decided by"
        + " how hard that equilibrium is to find. A flat line means longer inputs cost no extra"
        + " iterations; a rising line means the solver effectively makes the network deeper for"
        + " longer inputs. A cross marks a length where the solver stopped at its iteration limit"
        + " before converging: it is drawn at the limit, apart from the line, and labelled with"
        + " the residual it reached, because its step count measures the limit, not the length.";
  }
}
