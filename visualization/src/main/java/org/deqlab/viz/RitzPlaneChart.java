package org.deqlab.viz;

import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.dataset.DataSet;
import io.fair_acc.dataset.spi.DoubleDataSet;
import java.util.List;
import java.util.Locale;

/**
 * Ritz values (approximate eigenvalues of the Jacobian at the equilibrium) as points in the complex
 * plane, with the unit circle. Both axes always span the same length per pixel, so the circle is
 * round.
 */
public final class RitzPlaneChart extends ChartPanel {
  static final String RITZ_COLOR = "#d2452b";
  static final String CIRCLE_COLOR = "#555555";
  private static final int CIRCLE_POINTS = 361;
  private static final String RE_NAME = "Re λ";
  private static final String IM_NAME = "Im λ";
  private static final String UNIT = "1";

  private final DefaultNumericAxis realAxis;
  private final DefaultNumericAxis imaginaryAxis;
  private final DoubleDataSet ritzValues;
  private final DoubleDataSet unitCircle;
  private final String valuesName;
  private final String explanation;

  /** Half-width of the square that must stay visible: the unit circle and every Ritz value. */
  private double extent = 1.2;

  public RitzPlaneChart() {
    this("Ritz values of J_f(z*)", "Ritz values", null);
  }

  /**
   * The same plane for other eigenvalues (e.g. exact ones of a small Jacobian): {@code title}, the
   * name of their series and the paragraph behind "?" ({@code null}: the Ritz-value text).
   */
  public RitzPlaneChart(String title, String valuesName, String explanation) {
    this(title, valuesName, explanation, planeAxis(RE_NAME), planeAxis(IM_NAME));
  }

  private RitzPlaneChart(
      String title,
      String valuesName,
      String explanation,
      DefaultNumericAxis realAxis,
      DefaultNumericAxis imaginaryAxis) {
    super(title, realAxis, imaginaryAxis);
    this.valuesName = valuesName;
    this.explanation = explanation;
    this.realAxis = realAxis;
    this.imaginaryAxis = imaginaryAxis;
    unitCircle = series("|λ| = 1", RE_NAME, UNIT, IM_NAME, UNIT);
    double[] re = new double[CIRCLE_POINTS];
    double[] im = new double[CIRCLE_POINTS];
    for (int i = 0; i < CIRCLE_POINTS; i++) {
      double angle = 2 * Math.PI * i / (CIRCLE_POINTS - 1);
      re[i] = Math.cos(angle);
      im[i] = Math.sin(angle);
    }
    unitCircle.set(re, im, CIRCLE_POINTS, false);
    styled(unitCircle, SeriesStyle.line(CIRCLE_COLOR, 1.2).dashed(5, 4));
    ritzValues = series(valuesName, RE_NAME, UNIT, IM_NAME, UNIT);
    styled(ritzValues, SeriesStyle.markers(RITZ_COLOR, "circle", 4));
    mainRenderer().getDatasets().addAll(unitCircle, ritzValues);
    // The plot area is the chart's canvas: keep units per pixel equal whenever it is resized.
    chart().getCanvas().widthProperty().addListener((obs, old, now) -> applyEqualAspect());
    chart().getCanvas().heightProperty().addListener((obs, old, now) -> applyEqualAspect());
    applyEqualAspect();
  }

  private static DefaultNumericAxis planeAxis(String name) {
    DefaultNumericAxis axis = axis(name, UNIT);
    axis.setAutoRanging(false);
    axis.setAutoRangeRounding(false);
    axis.set(-1.2, 1.2);
    return axis;
  }

  /**
   * Shows a new set of Ritz values (replacing the previous set). Pairs with a non-finite part are
   * skipped.
   *
   * @param real real parts
   * @param imaginary imaginary parts
   */
  public void showRitzValues(double[] real, double[] imaginary) {
    beforeUpdate();
    int n = Math.min(real.length, imaginary.length);
    double[] re = new double[n];
    double[] im = new double[n];
    int kept = 0;
    double largest = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isFinite(real[i]) && Double.isFinite(imaginary[i])) {
        re[kept] = real[i];
        im[kept] = imaginary[i];
        largest = Math.max(largest, Math.hypot(real[i], imaginary[i]));
        kept++;
      }
    }
    ritzValues.set(re, im, kept, false);
    ritzValues.setName(
        kept == 0
            ? valuesName
            : String.format(Locale.ROOT, "%s (max |λ| = %.3g)", valuesName, largest));
    extent = Math.max(1.2, 1.1 * largest);
    applyEqualAspect();
  }

  /** Removes the Ritz values (the unit circle stays). */
  public void clear() {
    showRitzValues(new double[0], new double[0]);
  }

  /** Units per pixel horizontally divided by units per pixel vertically (1 when round). */
  double aspectRatio() {
    double width = chart().getCanvas().getWidth();
    double height = chart().getCanvas().getHeight();
    return ((realAxis.getMax() - realAxis.getMin()) / width)
        / ((imaginaryAxis.getMax() - imaginaryAxis.getMin()) / height);
  }

  private void applyEqualAspect() {
    double width = chart().getCanvas().getWidth();
    double height = chart().getCanvas().getHeight();
    double horizontal = extent;
    double vertical = extent;
    if (width > 0 && height > 0) {
      if (width >= height) {
        horizontal = extent * width / height;
      } else {
        vertical = extent * height / width;
      }
    }
    realAxis.set(-horizontal, horizontal);
    imaginaryAxis.set(-vertical, vertical);
  }

  @Override
  public List<DataSet> dataSets() {
    return nonEmpty(ritzValues);
  }

  @Override
  public String explanation() {
    if (explanation != null) {
      return explanation;
    }
    return "Each dot is a Ritz value: an estimate of one eigenvalue λ of the Jacobian J_f(z*),"
        + " which says how f(z) responds when z is nudged away from the equilibrium z*. They"
        + " come from a few Arnoldi (Krylov subspace) iterations, which need only products of"
        + " J_f with vectors, never the matrix itself, and which find the eigenvalues at the"
        + " outer edge of the spectrum first, the ones that matter here. The dashed circle is"
        + " |λ| = 1. If every eigenvalue lies inside it, plain fixed-point iteration converges"
        + " near z*, and the one farthest from the centre (the spectral radius) sets the speed:"
        + " the error shrinks by about that factor per iteration. An eigenvalue outside the"
        + " circle is a direction in which plain iteration runs away, though Broyden or Anderson"
        + " may still converge. Eigenvalues close to +1 make every solve slow, forward and"
        + " backward; ones near −1 or far off the real axis make plain iteration oscillate.";
  }
}
