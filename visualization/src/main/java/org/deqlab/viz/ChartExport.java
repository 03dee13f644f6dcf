package org.deqlab.viz;

import io.fair_acc.dataset.AxisDescription;
import io.fair_acc.dataset.DataSet;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javax.imageio.ImageIO;

/**
 * Writes any {@link ExportableChart} to a PNG image (a snapshot of its node) or its data to CSV.
 *
 * <p>CSV layout: one row per point, in "long" form so series of different lengths and units fit one
 * table: {@code series,x_name,x_unit,x,y_name,y_unit,y}. Numbers use {@link
 * Double#toString(double)} (full precision, '.' decimal separator); text fields are quoted when
 * they contain a comma, a quote or a line break.
 */
public final class ChartExport {
  /** The CSV header line. */
  public static final String CSV_HEADER = "series,x_name,x_unit,x,y_name,y_unit,y";

  /** Size of a chart that is in no scene yet (e.g. exported from the command line). */
  static final double DETACHED_WIDTH = 900;

  static final double DETACHED_HEIGHT = 600;
  private static final long FX_TIMEOUT_SECONDS = 30;

  private ChartExport() {}

  /**
   * Writes a PNG image of the chart as it is drawn now, title included. Call from any thread; the
   * snapshot is taken on the JavaFX thread (the toolkit must be running).
   *
   * @throws IOException if the file cannot be written
   */
  /**
   * A chart title as a file-name stem and a node id: lowercase words joined by dashes, e.g. "Ritz
   * values of J_f(z*)" → {@code ritz-values-of-j-f-z}.
   */
  public static String slug(String title) {
    return title
        .toLowerCase(java.util.Locale.ROOT)
        .replaceAll("[^a-z0-9]+", "-")
        .replaceAll("(^-|-$)", "");
  }

  public static void writePng(ExportableChart chart, Path file) throws IOException {
    BufferedImage image = onFxThread(() -> SwingFXUtils.fromFXImage(snapshot(chart), null));
    writePng(image, file);
  }

  /**
   * Takes a snapshot of the chart with its data drawn up to date, on a white background. A chart in
   * no scene is laid out at {@value #DETACHED_WIDTH} × {@value #DETACHED_HEIGHT} pixels for the
   * snapshot. Must be called on the JavaFX thread.
   */
  public static WritableImage snapshot(ExportableChart chart) {
    Node node = chart.node();
    ChartPanel panel = node instanceof ChartPanel p ? p : null;
    boolean hideTitleAgain = panel != null && !panel.isTitleVisible();
    StackPane temporaryRoot = null;
    if (node.getScene() == null && node.getParent() == null) {
      temporaryRoot = new StackPane(node);
      new Scene(temporaryRoot, DETACHED_WIDTH, DETACHED_HEIGHT);
    }
    try {
      if (hideTitleAgain) {
        panel.setTitleVisible(true);
      }
      if (panel != null && node.getScene() != null) {
        panel.renderNow();
      }
      SnapshotParameters parameters = new SnapshotParameters();
      parameters.setFill(Color.WHITE);
      return node.snapshot(parameters, null);
    } finally {
      if (hideTitleAgain) {
        panel.setTitleVisible(false);
      }
      if (temporaryRoot != null) {
        temporaryRoot.getChildren().clear();
      }
    }
  }

  /**
   * Writes the chart's data sets as CSV (see the class comment for the layout). Call on the JavaFX
   * thread, or from another thread while nothing changes the chart.
   *
   * @throws IOException if the file cannot be written
   */
  public static void writeCsv(ExportableChart chart, Path file) throws IOException {
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writeCsv(chart, writer);
    }
  }

  /** Writes the chart's data sets as CSV to {@code out}. */
  public static void writeCsv(ExportableChart chart, Appendable out) throws IOException {
    out.append(CSV_HEADER).append('\n');
    for (DataSet dataSet : chart.dataSets()) {
      AxisDescription x = dataSet.getAxisDescription(DataSet.DIM_X);
      AxisDescription y = dataSet.getAxisDescription(DataSet.DIM_Y);
      String series = quote(dataSet.getName());
      String xPrefix = quote(x.getName()) + ',' + quote(x.getUnit()) + ',';
      String yPrefix = quote(y.getName()) + ',' + quote(y.getUnit()) + ',';
      int count = dataSet.getDataCount();
      for (int i = 0; i < count; i++) {
        out.append(series)
            .append(',')
            .append(xPrefix)
            .append(Double.toString(dataSet.get(DataSet.DIM_X, i)))
            .append(',')
            .append(yPrefix)
            .append(Double.toString(dataSet.get(DataSet.DIM_Y, i)))
            .append('\n');
      }
    }
  }

  /** The chart's data as one CSV string. */
  public static String toCsv(ExportableChart chart) {
    StringBuilder csv = new StringBuilder();
    try {
      writeCsv(chart, csv);
    } catch (IOException e) {
      throw new IllegalStateException("a StringBuilder does not throw", e);
    }
    return csv.toString();
  }

  private static void writePng(BufferedImage image, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer available in this Java runtime for " + file);
    }
  }

  private static String quote(String text) {
    if (text == null) {
      return "";
    }
    if (text.indexOf(',') < 0
        && text.indexOf('"') < 0
        && text.indexOf('\n') < 0
        && text.indexOf('\r') < 0) {
      return text;
    }
    return '"' + text.replace("\"", "\"\"") + '"';
  }

  private static <T> T onFxThread(java.util.concurrent.Callable<T> work) throws IOException {
    if (Platform.isFxApplicationThread()) {
      try {
        return work.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    FutureTask<T> task = new FutureTask<>(work);
    Platform.runLater(task);
    try {
      return task.get(FX_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the JavaFX thread to draw the chart", e);
    } catch (ExecutionException e) {
      throw new IOException("drawing the chart failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(
          "the JavaFX thread did not draw the chart within "
              + FX_TIMEOUT_SECONDS
              + " s; is the JavaFX toolkit running and not blocked?",
          e);
    }
  }
}
