package org.deqlab.viz;

import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.Axis;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.plugins.DataPointTooltip;
import io.fair_acc.chartfx.plugins.Zoomer;
import io.fair_acc.chartfx.renderer.ErrorStyle;
import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import io.fair_acc.dataset.DataSet;
import io.fair_acc.dataset.spi.DoubleDataSet;
import java.util.ArrayList;
import java.util.List;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.layout.BorderPane;
import javafx.util.StringConverter;

/**
 * The common frame of every workbench chart: a ChartFX {@link XYChart} with zoom, pan and a
 * data-point tooltip, axes labelled with name and unit, and the hook {@link ChartExport} uses to
 * render a chart on demand. Subclasses add their series and their update methods.
 */
public abstract class ChartPanel extends BorderPane implements ExportableChart {
  private final String title;
  private final RenderableChart chart;
  private final Zoomer zoomer = new Zoomer();
  private boolean titleVisible = true;

  /**
   * @param title shown above the plot and used for exported files
   * @param xAxis the horizontal axis
   * @param yAxis the (left) vertical axis
   */
  protected ChartPanel(String title, Axis xAxis, Axis yAxis) {
    this.title = title;
    chart = new RenderableChart(xAxis, yAxis);
    chart.setTitle(title);
    chart.setAnimated(false);
    chart.setLegendVisible(true);
    zoomer.setAnimated(false);
    zoomer.setPannerEnabled(true);
    chart.getPlugins().addAll(zoomer, new DataPointTooltip());
    configure((ErrorDataSetRenderer) chart.getRenderers().get(0));
    setCenter(chart);
    setMinSize(0, 0);
  }

  @Override
  public final String title() {
    return title;
  }

  @Override
  public final Node node() {
    return this;
  }

  /** The ChartFX chart inside this panel, for callers that want to add their own plugins. */
  public final XYChart chart() {
    return chart;
  }

  /**
   * Shows or hides the title inside the plot (an application that puts its own heading above the
   * chart may hide it). {@link ChartExport} shows it in exported images either way.
   */
  public final void setTitleVisible(boolean visible) {
    titleVisible = visible;
    chart.setTitle(visible ? title : null);
  }

  public final boolean isTitleVisible() {
    return titleVisible;
  }

  /** Resets zoom and pan to show all data. */
  public void resetZoom() {
    if (!zoomer.zoomStackDeque().isEmpty()) {
      zoomer.zoomOrigin();
    }
  }

  /** The renderer of the chart's first axes (x and left y). */
  protected final ErrorDataSetRenderer mainRenderer() {
    return (ErrorDataSetRenderer) chart.getRenderers().get(0);
  }

  /**
   * Adds a renderer that draws against {@code verticalAxis} (e.g. a right-hand axis) and the
   * chart's x axis.
   */
  protected final ErrorDataSetRenderer addRenderer(Axis verticalAxis) {
    ErrorDataSetRenderer renderer = configure(new ErrorDataSetRenderer());
    renderer.getAxes().add(verticalAxis); // must be set before the renderer joins the chart
    chart.getRenderers().add(renderer);
    return renderer;
  }

  /** Lists the data sets that hold at least one point, in the given order. */
  protected static List<DataSet> nonEmpty(DataSet... dataSets) {
    List<DataSet> shown = new ArrayList<>();
    for (DataSet dataSet : dataSets) {
      if (dataSet.getDataCount() > 0) {
        shown.add(dataSet);
      }
    }
    return List.copyOf(shown);
  }

  /**
   * An axis labelled "name [unit]", not animated, auto-ranging to the data with a little padding so
   * no line runs along the frame.
   */
  protected static DefaultNumericAxis axis(String name, String unit) {
    DefaultNumericAxis axis = new DefaultNumericAxis(name, unit);
    axis.setAnimated(false);
    axis.setAutoRanging(true);
    axis.setAutoRangePadding(0.04);
    axis.setAutoUnitScaling(false);
    return axis;
  }

  /** A base-10 log axis whose decades read 10⁻³, 10⁰, 10² (ChartFX's default reads 1E-3). */
  protected static DefaultNumericAxis logAxis(String name, String unit) {
    DefaultNumericAxis axis = axis(name, unit);
    axis.setLogAxis(true);
    axis.setAutoRangeRounding(
        true); // whole decades: padding alone leaves the top trace on the frame
    axis.setTickLabelFormatter(new PowerOfTenFormat());
    return axis;
  }

  /** Formats exact powers of ten as 10 with a superscript exponent, other values with 3 digits. */
  static final class PowerOfTenFormat extends StringConverter<Number> {
    private static final String SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    @Override
    public String toString(Number number) {
      double value = number.doubleValue();
      if (value > 0) {
        double exponent = Math.log10(value);
        long rounded = Math.round(exponent);
        if (Math.abs(exponent - rounded) < 1e-9) {
          StringBuilder text = new StringBuilder("10");
          if (rounded < 0) {
            text.append('⁻');
          }
          for (char digit : Long.toString(Math.abs(rounded)).toCharArray()) {
            text.append(SUPERSCRIPT_DIGITS.charAt(digit - '0'));
          }
          return text.toString();
        }
      }
      return String.format(java.util.Locale.ROOT, "%.3g", value);
    }

    @Override
    public Number fromString(String text) {
      return Double.valueOf(text);
    }
  }

  /**
   * A data set whose axis descriptions carry the quantity and unit of each coordinate, so an
   * exported CSV can name them.
   */
  protected static DoubleDataSet series(
      String name, String xName, String xUnit, String yName, String yUnit) {
    DoubleDataSet dataSet = new DoubleDataSet(name);
    dataSet.getAxisDescription(DataSet.DIM_X).set(xName, xUnit);
    dataSet.getAxisDescription(DataSet.DIM_Y).set(yName, yUnit);
    return dataSet;
  }

  /**
   * Call at the start of every method that changes a data set. ChartFX read-locks all data sets of
   * a chart from its pre-layout step to its post-layout step; it also runs the pre-layout step at
   * once when the chart joins a scene. A write on the JavaFX thread inside that window would wait
   * for a lock its own thread holds, forever (e.g. adding a chart to a window and filling it in the
   * same event). This finishes the pending frame first, which releases the locks; the write then
   * schedules a correct redraw on the next pulse.
   */
  final void beforeUpdate() {
    chart.releaseLocks();
  }

  /** Applies {@code style} to {@code dataSet} and returns it. */
  static DoubleDataSet styled(DoubleDataSet dataSet, SeriesStyle style) {
    dataSet.setStyle(style.css());
    return dataSet;
  }

  /**
   * Brings the drawing up to date now, outside a pulse, so a snapshot taken in the same event shows
   * the latest data. Needs the panel to be in a scene.
   */
  final void renderNow() {
    Parent root = getScene().getRoot();
    chart.beforeLayout();
    root.applyCss();
    root.layout();
    chart.afterLayout();
  }

  private static ErrorDataSetRenderer configure(ErrorDataSetRenderer renderer) {
    renderer.setErrorStyle(ErrorStyle.NONE);
    renderer.setDrawMarker(true);
    return renderer;
  }

  /**
   * Opens ChartFX's layout hooks to {@link #renderNow()} and {@link #beforeUpdate()}; otherwise a
   * plain XYChart.
   */
  private static final class RenderableChart extends XYChart {
    private boolean dataSetsLocked;

    RenderableChart(Axis... axes) {
      super(axes);
    }

    @Override
    protected void ensureLockedDataSets() {
      super.ensureLockedDataSets();
      dataSetsLocked = true;
    }

    @Override
    protected void clearStates() {
      super.clearStates();
      dataSetsLocked = false;
    }

    void releaseLocks() {
      if (dataSetsLocked && Platform.isFxApplicationThread()) {
        runPostLayout();
      }
    }

    void beforeLayout() {
      runPreLayout();
    }

    void afterLayout() {
      runPostLayout();
    }
  }
}
