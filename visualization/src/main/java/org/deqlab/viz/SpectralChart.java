package org.deqlab.viz;

import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.plugins.XValueIndicator;
import io.fair_acc.chartfx.plugins.YValueIndicator;
import io.fair_acc.dataset.DataSet;
import io.fair_acc.dataset.spi.DoubleDataSet;
import java.util.List;
import javafx.geometry.HPos;

/**
 * Estimates of how contractive the layer is at its equilibrium, per training step: the spectral
 * radius ρ(J_f(z*)) and the normalized squared Frobenius norm ‖J_f(z*)‖²_F / d, with a line at ρ =
 * 1 and labelled vertical lines where a setting changed.
 */
public final class SpectralChart extends ChartPanel {
  static final String RADIUS_COLOR = "#1f5fbf";
  static final String FROBENIUS_COLOR = "#ff7f0e";

  private static final String X_NAME = "training step";
  private static final String X_UNIT = "#";
  private static final double MIN_SHOWN_RADIUS = 1.1;

  private final BoundedSeries radius;
  private final BoundedSeries frobenius;

  /**
   * Two invisible points at the first step, at 0 and {@value #MIN_SHOWN_RADIUS}: they keep the ρ =
   * 1 line in view even when every estimate is far below it.
   */
  private final DoubleDataSet range;

  private final YValueIndicator unitRadius;
  private final EventMarkers events;

  public SpectralChart() {
    this(BoundedSeries.DEFAULT_CAPACITY);
  }

  SpectralChart(int capacity) {
    super("Jacobian at the equilibrium", axis(X_NAME, X_UNIT), yAxis());
    radius =
        estimate(
            "spectral radius ρ(J_f)",
            "spectral radius",
            SeriesStyle.line(RADIUS_COLOR, 1.8).withMarkers("circle", 2.5),
            capacity);
    frobenius =
        estimate(
            "‖J_f‖²_F / d",
            "squared Frobenius norm / d",
            SeriesStyle.line(FROBENIUS_COLOR, 1.4).withMarkers("diamond", 2.5),
            capacity);
    range = series("shown range", X_NAME, X_UNIT, "Jacobian estimate", "1");
    styled(range, new SeriesStyle(RADIUS_COLOR, 0, new double[0], "circle", 0, 0, false));
    mainRenderer().getDatasets().addAll(range, radius.data(), frobenius.data());
    unitRadius = new YValueIndicator(chart().getYAxis(), 1.0, "ρ = 1");
    unitRadius.setEditable(false);
    unitRadius.setLabelHorizontalAnchor(HPos.LEFT);
    unitRadius.setLabelPosition(0.01);
    chart().getPlugins().add(unitRadius);
    events = new EventMarkers(chart());
  }

  /** A bounded series of one dimensionless estimate per training step. */
  private static BoundedSeries estimate(
      String name, String quantity, SeriesStyle style, int capacity) {
    return new BoundedSeries(
        styled(series(name, X_NAME, X_UNIT, quantity, "1"), style), capacity, false);
  }

  private static DefaultNumericAxis yAxis() {
    DefaultNumericAxis axis = axis("Jacobian estimate", "1");
    axis.setForceZeroInRange(true);
    return axis;
  }

  /**
   * Adds the estimates of one probe. Either may be NaN when it was not measured; that series then
   * gets no point.
   *
   * @param step training step of the probe
   * @param spectralRadius estimate of ρ(J_f(z*)), the largest |eigenvalue|
   * @param frobeniusEstimate estimate of ‖J_f(z*)‖²_F / d, the mean squared singular value
   */
  public void addPoint(long step, double spectralRadius, double frobeniusEstimate) {
    beforeUpdate();
    boolean added = radius.append(step, spectralRadius);
    added |= frobenius.append(step, frobeniusEstimate);
    if (added && range.getDataCount() == 0) {
      range.set(new double[] {step, step}, new double[] {0, MIN_SHOWN_RADIUS}, 2, false);
    }
  }

  /** Draws a labelled vertical line at {@code step}. */
  public void markEvent(long step, String label) {
    beforeUpdate();
    events.mark(step, label);
  }

  /** The event lines currently drawn, oldest first. */
  public List<XValueIndicator> eventMarkers() {
    return events.indicators();
  }

  /** The horizontal line at ρ = 1. */
  public YValueIndicator unitRadiusLine() {
    return unitRadius;
  }

  /** Removes all points and event lines (the ρ = 1 line stays). */
  public void clear() {
    beforeUpdate();
    radius.clear();
    frobenius.clear();
    range.clearData();
    events.clear();
  }

  @Override
  public List<DataSet> dataSets() {
    return nonEmpty(radius.data(), frobenius.data());
  }

  @Override
  public String explanation() {
    return "How strongly the layer f pulls nearby points together at its equilibrium z*,"
        + " measured every so often during training. The Jacobian J_f(z*) says how f(z) moves"
        + " when z is nudged. The blue line estimates its spectral radius ρ, the largest"
        + " |eigenvalue|. Below the dashed line at ρ = 1, plain fixed-point iteration z ← f(z)"
        + " converges once it is close to z*, shrinking the error by roughly ρ each step, so ρ"
        + " near 1 means many steps. Above 1, plain iteration is pushed away along some direction"
        + " and only solvers like Broyden or Anderson can still find z*. The orange line is"
        + " ‖J_f‖²_F / d, the mean squared singular value of the Jacobian, estimated from a few"
        + " random probes. It is a cheap, smooth measure of how much f amplifies perturbations on"
        + " average, and it is what Jacobian regularisation penalises to keep the equilibrium"
        + " easy to find. Vertical lines mark settings changed during the run.";
  }
}
