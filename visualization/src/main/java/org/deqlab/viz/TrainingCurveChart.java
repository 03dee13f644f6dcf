package org.deqlab.viz;

import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.plugins.XValueIndicator;
import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import io.fair_acc.chartfx.ui.geometry.Side;
import io.fair_acc.dataset.DataSet;
import java.util.List;

/**
 * A training run step by step: the batch loss (left axis), validation-loss markers, the forward and
 * backward solver steps (right axis), and labelled vertical lines where a setting changed.
 */
public final class TrainingCurveChart extends ChartPanel {
  static final String LOSS_COLOR = "#1f5fbf";
  static final String VALIDATION_COLOR = "#d62728";
  static final String FORWARD_STEPS_COLOR = "#2ca02c";
  static final String BACKWARD_STEPS_COLOR = "#9467bd";

  private static final String X_NAME = "training step";
  private static final String X_UNIT = "#";
  private static final String STEPS_NAME = "solver steps";
  private static final String STEPS_UNIT = "#";

  private final DefaultNumericAxis lossAxis;
  private final DefaultNumericAxis stepsAxis;
  private final BoundedSeries loss;
  private final BoundedSeries validation;
  private final BoundedSeries forwardSteps;
  private final BoundedSeries backwardSteps;
  private final EventMarkers events;
  private final ErrorDataSetRenderer stepsRenderer;

  /** A chart whose loss axis reads "loss [nats]" (cross-entropy); see {@link #setLossAxis}. */
  public TrainingCurveChart() {
    this(BoundedSeries.DEFAULT_CAPACITY);
  }

  TrainingCurveChart(int capacity) {
    this(axis(X_NAME, X_UNIT), axis("loss", "nats"), capacity);
  }

  private TrainingCurveChart(DefaultNumericAxis xAxis, DefaultNumericAxis lossAxis, int capacity) {
    super("Training curves", xAxis, lossAxis);
    this.lossAxis = lossAxis;
    stepsAxis = axis(STEPS_NAME, STEPS_UNIT);
    stepsAxis.setSide(Side.RIGHT);
    stepsAxis.setForceZeroInRange(true);
    String lossName = lossAxis.getName();
    String lossUnit = lossAxis.getUnit();
    loss =
        bounded("training loss", lossName, lossUnit, SeriesStyle.line(LOSS_COLOR, 1.5), capacity);
    validation =
        bounded(
            "validation loss",
            lossName,
            lossUnit,
            SeriesStyle.markers(VALIDATION_COLOR, "circle", 4.5),
            capacity);
    forwardSteps =
        bounded(
            "forward solver steps",
            STEPS_NAME,
            STEPS_UNIT,
            SeriesStyle.line(FORWARD_STEPS_COLOR, 1.2),
            capacity);
    backwardSteps =
        bounded(
            "backward solver steps",
            STEPS_NAME,
            STEPS_UNIT,
            SeriesStyle.line(BACKWARD_STEPS_COLOR, 1.2).dashed(6, 3),
            capacity);
    mainRenderer().getDatasets().addAll(loss.data(), validation.data());
    stepsRenderer = addRenderer(stepsAxis);
    stepsRenderer.getDatasets().addAll(forwardSteps.data(), backwardSteps.data());
    events = new EventMarkers(chart());
  }

  private static BoundedSeries bounded(
      String name, String yName, String yUnit, SeriesStyle style, int capacity) {
    return new BoundedSeries(
        styled(series(name, X_NAME, X_UNIT, yName, yUnit), style), capacity, false);
  }

  /**
   * Adds one training step. Any value may be NaN when it was not measured (e.g. no backward solve
   * for an unrolled layer); that series then simply gets no point for this step.
   */
  public void addStep(long step, double loss, double forwardSteps, double backwardSteps) {
    beforeUpdate();
    this.loss.append(step, loss);
    this.forwardSteps.append(step, forwardSteps);
    this.backwardSteps.append(step, backwardSteps);
  }

  /** Adds a validation loss measured after {@code step}, drawn as a marker. */
  public void addEvaluation(long step, double validationLoss) {
    beforeUpdate();
    validation.append(step, validationLoss);
  }

  /** Draws a labelled vertical line at {@code step}, e.g. where a setting was changed live. */
  public void markEvent(long step, String label) {
    beforeUpdate();
    events.mark(step, label);
  }

  /** The event lines currently drawn, oldest first. */
  public List<XValueIndicator> eventMarkers() {
    return events.indicators();
  }

  /**
   * Renames the loss axis, e.g. {@code ("loss", "bits/char")} or {@code ("MSE", "a.u.")}; the
   * default is {@code ("loss", "nats")}.
   */
  public void setLossAxis(String name, String unit) {
    beforeUpdate();
    lossAxis.setName(name);
    lossAxis.setUnit(unit);
    loss.data().getAxisDescription(DataSet.DIM_Y).set(name, unit);
    validation.data().getAxisDescription(DataSet.DIM_Y).set(name, unit);
  }

  /**
   * Shows or hides the solver-step series and their right-hand axis (a window that plots them in a
   * {@link SolverStepsChart} of their own hides them here).
   */
  public void setSolverStepsShown(boolean shown) {
    beforeUpdate();
    stepsAxis.setVisible(shown);
    stepsRenderer.getDatasets().clear();
    if (shown) {
      stepsRenderer.getDatasets().addAll(forwardSteps.data(), backwardSteps.data());
    }
  }

  /** Draws the loss on a log scale (useful when it falls over decades). */
  public void setLogLoss(boolean logarithmic) {
    lossAxis.setLogAxis(logarithmic);
  }

  /** Removes all points and event lines. */
  public void clear() {
    beforeUpdate();
    loss.clear();
    validation.clear();
    forwardSteps.clear();
    backwardSteps.clear();
    events.clear();
  }

  @Override
  public List<DataSet> dataSets() {
    return nonEmpty(loss.data(), validation.data(), forwardSteps.data(), backwardSteps.data());
  }

  @Override
  public String explanation() {
    return "Each point is one training step. The blue line is the loss on that step's training"
        + " batch (left axis); red dots are the loss on held-out validation data, measured every"
        + " so often; if they rise while the blue line falls, the model is overfitting. The green"
        + " and purple lines (right axis) count the iterations the solvers needed: forward, to"
        + " find the equilibrium z* = f(z*, x), and backward, to find the gradient from the"
        + " linear equation u = w + u·J_f(z*). In a DEQ these counts are the network's effective"
        + " depth, chosen by the solver rather than fixed in advance. If they creep up to the"
        + " iteration limit, the equilibrium is getting harder to find (f is becoming less"
        + " contractive); Jacobian regularisation or a lower learning rate usually helps. Dashed"
        + " vertical lines mark settings changed while the run was going.";
  }
}
