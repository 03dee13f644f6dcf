package org.deqlab.viz;

import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.plugins.XValueIndicator;
import io.fair_acc.dataset.DataSet;
import java.util.List;

/**
 * Solver iterations per training step, forward and backward, with labelled vertical lines where
 * something changed (a live setting, the switch from pretraining to the DEQ): the DEQ's effective
 * depth over training, on an axis of its own rather than beside the loss.
 */
public final class SolverStepsChart extends ChartPanel {
  private static final String X_NAME = "training step";
  private static final String X_UNIT = "#";
  private static final String Y_NAME = "solver steps";
  private static final String Y_UNIT = "#";

  private final BoundedSeries forward;
  private final BoundedSeries backward;
  private final EventMarkers events;

  public SolverStepsChart() {
    this(axis(X_NAME, X_UNIT), axis(Y_NAME, Y_UNIT));
  }

  private SolverStepsChart(DefaultNumericAxis xAxis, DefaultNumericAxis yAxis) {
    super("Solver steps", xAxis, yAxis);
    yAxis.setForceZeroInRange(true);
    forward =
        new BoundedSeries(
            styled(
                series("forward solver steps", X_NAME, X_UNIT, Y_NAME, Y_UNIT),
                SeriesStyle.line(TrainingCurveChart.FORWARD_STEPS_COLOR, 1.2)),
            BoundedSeries.DEFAULT_CAPACITY,
            false);
    backward =
        new BoundedSeries(
            styled(
                series("backward solver steps", X_NAME, X_UNIT, Y_NAME, Y_UNIT),
                SeriesStyle.line(TrainingCurveChart.BACKWARD_STEPS_COLOR, 1.2).dashed(6, 3)),
            BoundedSeries.DEFAULT_CAPACITY,
            false);
    mainRenderer().getDatasets().addAll(forward.data(), backward.data());
    events = new EventMarkers(chart());
  }

  /** Adds one step's solver iterations; NaN where that solve did not run. */
  public void addStep(long step, double forwardSteps, double backwardSteps) {
    beforeUpdate();
    forward.append(step, forwardSteps);
    backward.append(step, backwardSteps);
  }

  /** Draws a labelled vertical line at {@code step}. */
  public void markEvent(long step, String label) {
    beforeUpdate();
    events.mark(step, label);
  }

  /** The event lines drawn, oldest first. */
  public List<XValueIndicator> eventMarkers() {
    return events.indicators();
  }

  public void clear() {
    beforeUpdate();
    forward.clear();
    backward.clear();
    events.clear();
  }

  @Override
  public List<DataSet> dataSets() {
    return nonEmpty(forward.data(), backward.data());
  }

  @Override
  public String explanation() {
    return "Each point is one training step: how many iterations the forward solver needed to"
        + " find the equilibrium z* = f(z*, x) (green), and the backward solver to find the"
        + " gradient from u = w + u·J_f(z*) (purple, dashed). In a DEQ these counts are the"
        + " network's effective depth, chosen by the solver rather than fixed in advance. If they"
        + " creep up to the iteration limit, f is becoming less contractive; Jacobian"
        + " regularisation or a lower learning rate usually helps. Vertical lines mark what"
        + " changed, and when.";
  }
}
