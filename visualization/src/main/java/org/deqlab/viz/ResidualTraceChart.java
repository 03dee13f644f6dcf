package org.deqlab.viz;

import io.fair_acc.dataset.DataSet;
import io.fair_acc.dataset.spi.DoubleDataSet;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Residual traces of fixed-point solves on a log scale: the latest forward solve and the latest
 * backward solve (absolute residual solid, relative dashed), the {@value #HISTORY} solves before
 * each drawn faded, and one live trace that grows point by point while a solve runs (and then keeps
 * the last solve).
 */
public final class ResidualTraceChart extends ChartPanel {
  /** How many earlier solves of each kind stay visible, faded. */
  public static final int HISTORY = 4;

  static final String FORWARD_COLOR = "#1f5fbf";
  static final String BACKWARD_COLOR = "#d2452b";
  static final String LIVE_COLOR = "#1a9641";
  private static final double[] RELATIVE_DASHES = {7, 4};

  /** Colour intensity (percent) of the faded traces, from the most recent to the oldest. */
  private static final double[] FADED_INTENSITY = {55, 40, 28, 18};

  private static final String X_NAME = "solver iteration";
  private static final String X_UNIT = "#";
  private static final String ABS_NAME = "absolute residual ‖f(z) − z‖";
  private static final String ABS_UNIT = "a.u.";
  private static final String REL_NAME = "relative residual ‖f(z) − z‖ / ‖f(z)‖";
  private static final String REL_UNIT = "1";

  private final SolveHistory forward;
  private final SolveHistory backward;
  private final BoundedSeries liveAbsolute;
  private final BoundedSeries liveRelative;

  public ResidualTraceChart() {
    super("Residual traces", axis(X_NAME, X_UNIT), logAxis("residual norm", "abs: a.u., rel: 1"));
    forward = new SolveHistory("forward", FORWARD_COLOR);
    backward = new SolveHistory("backward", BACKWARD_COLOR);
    liveAbsolute =
        new BoundedSeries(
            styled(
                series("live abs", X_NAME, X_UNIT, ABS_NAME, ABS_UNIT),
                SeriesStyle.line(LIVE_COLOR, 2.0)),
            BoundedSeries.DEFAULT_CAPACITY,
            true);
    liveRelative =
        new BoundedSeries(
            styled(
                series("live rel", X_NAME, X_UNIT, REL_NAME, REL_UNIT),
                SeriesStyle.line(LIVE_COLOR, 1.5).dashed(RELATIVE_DASHES)),
            BoundedSeries.DEFAULT_CAPACITY,
            true);
    // ChartFX draws a renderer's list from the last entry to the first, so the first is on top:
    // the live trace, then the latest solves, then the faded ones, the oldest at the bottom.
    mainRenderer().getDatasets().addAll(concat(live(), latest(), faded()));
  }

  /** The live trace, absolute then relative. */
  private List<DataSet> live() {
    return List.of(liveAbsolute.data(), liveRelative.data());
  }

  /** The latest forward and backward solves. */
  private List<DataSet> latest() {
    return concat(forward.latest(), backward.latest());
  }

  /** The faded forward solves, newest first, then the faded backward ones. */
  private List<DataSet> faded() {
    return concat(forward.fadedNewestFirst(), backward.fadedNewestFirst());
  }

  @SafeVarargs
  private static List<DataSet> concat(List<DataSet>... groups) {
    return Stream.of(groups).flatMap(List::stream).toList();
  }

  /**
   * Shows a finished forward solve as the latest one; the previous latest becomes the most recent
   * faded trace. Point i is the residual at iteration i; values ≤ 0 or not finite are skipped.
   *
   * @param absolute absolute residual per iteration
   * @param relative relative residual per iteration (may be null)
   */
  public void showForward(double[] absolute, double[] relative) {
    beforeUpdate();
    forward.push(absolute, relative);
  }

  /** Shows a finished backward (gradient) solve; see {@link #showForward}. */
  public void showBackward(double[] absolute, double[] relative) {
    beforeUpdate();
    backward.push(absolute, relative);
  }

  /** Starts a new live trace, clearing the previous one. */
  public void beginLiveTrace() {
    beforeUpdate();
    liveAbsolute.clear();
    liveRelative.clear();
  }

  /** Adds one iteration of the solve in progress to the live trace. */
  public void addLivePoint(int iteration, double absolute, double relative) {
    beforeUpdate();
    liveAbsolute.append(iteration, absolute);
    liveRelative.append(iteration, relative);
  }

  /** Removes every trace. */
  public void clear() {
    beforeUpdate();
    forward.clear();
    backward.clear();
    beginLiveTrace();
  }

  /** How many earlier forward solves are drawn faded (0 to {@value #HISTORY}). */
  public int fadedForwardCount() {
    return forward.fadedCount();
  }

  /** How many earlier backward solves are drawn faded (0 to {@value #HISTORY}). */
  public int fadedBackwardCount() {
    return backward.fadedCount();
  }

  @Override
  public List<DataSet> dataSets() {
    return nonEmpty(concat(latest(), live(), faded()).toArray(DataSet[]::new));
  }

  @Override
  public String explanation() {
    return "Each line is one solve of the fixed-point equation z = f(z, x). Across is the solver"
        + " iteration; up is how far the current guess z is from being a fixed point, on a log"
        + " scale: the absolute residual ‖f(z) − z‖ (solid) and the relative residual"
        + " ‖f(z) − z‖ / ‖f(z)‖ (dashed), for the worst sample of the batch. Blue lines are"
        + " forward solves, which find the equilibrium z*. Red lines are backward solves: instead"
        + " of backpropagating through the iterations, training finds the gradient by solving a"
        + " second, linear fixed point u = w + u·J_f(z*) (the implicit function theorem), and"
        + " its residual is drawn the same way. The strong lines are the latest solves; the faded"
        + " ones are the few before, so you can see whether solving gets harder as training goes"
        + " on. A straight falling line on this log scale means linear convergence: the error"
        + " shrinks by the same factor every iteration (for plain iteration, about the spectral"
        + " radius of J_f). A line that levels off means the solver stalled; one that climbs"
        + " means it diverged. The green line follows a solve live while it runs, iteration by"
        + " iteration, and then stays on the last solve that ran.";
  }

  /**
   * The latest solve of one kind and the ones before it. Slot 0 is the latest; pushing copies each
   * slot's points one slot older (traces are short, a few hundred iterations).
   */
  private static final class SolveHistory {
    private final DoubleDataSet[] absolute = new DoubleDataSet[HISTORY + 1];
    private final DoubleDataSet[] relative = new DoubleDataSet[HISTORY + 1];
    private final BoundedSeries[] absoluteSlots = new BoundedSeries[HISTORY + 1];
    private final BoundedSeries[] relativeSlots = new BoundedSeries[HISTORY + 1];
    private final List<double[][]> traces = new ArrayList<>(); // newest first: {abs, rel}

    SolveHistory(String kind, String color) {
      SeriesStyle absoluteStyle = SeriesStyle.line(color, 2.0);
      SeriesStyle relativeStyle = SeriesStyle.line(color, 1.5).dashed(RELATIVE_DASHES);
      for (int slot = 0; slot <= HISTORY; slot++) {
        String age = slot == 0 ? "" : slot == 1 ? ", 1 solve ago" : ", " + slot + " solves ago";
        absolute[slot] = series(kind + " abs" + age, X_NAME, X_UNIT, ABS_NAME, ABS_UNIT);
        relative[slot] = series(kind + " rel" + age, X_NAME, X_UNIT, REL_NAME, REL_UNIT);
        if (slot == 0) {
          styled(absolute[slot], absoluteStyle);
          styled(relative[slot], relativeStyle);
        } else {
          double intensity = FADED_INTENSITY[slot - 1];
          styled(absolute[slot], absoluteStyle.faded(intensity, 1.2));
          styled(relative[slot], relativeStyle.faded(intensity, 1.0));
        }
        absoluteSlots[slot] =
            new BoundedSeries(absolute[slot], BoundedSeries.DEFAULT_CAPACITY, true);
        relativeSlots[slot] =
            new BoundedSeries(relative[slot], BoundedSeries.DEFAULT_CAPACITY, true);
      }
    }

    void push(double[] abs, double[] rel) {
      traces.add(0, new double[][] {copy(abs), copy(rel)});
      if (traces.size() > HISTORY + 1) {
        traces.remove(traces.size() - 1);
      }
      for (int slot = 0; slot <= HISTORY; slot++) {
        if (slot < traces.size()) {
          double[][] trace = traces.get(slot);
          absoluteSlots[slot].replace(iterations(trace[0].length), trace[0]);
          relativeSlots[slot].replace(iterations(trace[1].length), trace[1]);
        } else {
          absoluteSlots[slot].clear();
          relativeSlots[slot].clear();
        }
      }
    }

    void clear() {
      traces.clear();
      for (int slot = 0; slot <= HISTORY; slot++) {
        absoluteSlots[slot].clear();
        relativeSlots[slot].clear();
      }
    }

    int fadedCount() {
      return Math.max(0, traces.size() - 1);
    }

    List<DataSet> latest() {
      return List.of(absolute[0], relative[0]);
    }

    List<DataSet> fadedNewestFirst() {
      List<DataSet> faded = new ArrayList<>();
      for (int slot = 1; slot <= HISTORY; slot++) {
        faded.add(absolute[slot]);
        faded.add(relative[slot]);
      }
      return faded;
    }

    private static double[] copy(double[] values) {
      return values == null ? new double[0] : values.clone();
    }

    private static double[] iterations(int count) {
      double[] x = new double[count];
      for (int i = 0; i < count; i++) {
        x[i] = i;
      }
      return x;
    }
  }
}
