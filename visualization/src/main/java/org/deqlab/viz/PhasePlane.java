package org.deqlab.viz;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import javafx.geometry.VPos;
import javafx.scene.Cursor;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * A square window on the plane {@code [−extent, extent]²} drawn on a canvas: a field of arrows,
 * coloured polylines (paths), marked points and one handle the user drags. It knows nothing of what
 * the arrows or paths mean; whoever fills it redraws on every change. Units per pixel are equal on
 * both axes, so angles and circles look right.
 */
public final class PhasePlane extends Region {
  /**
   * A polyline through {@code (x[i], y[i])}.
   *
   * @param name shown in the legend (empty: not listed)
   * @param color CSS colour
   * @param width line width in pixels
   * @param dashed dashed rather than solid
   * @param dots a dot at every vertex
   */
  public record Path(
      String name,
      String color,
      double width,
      boolean dashed,
      boolean dots,
      double[] x,
      double[] y) {
    public Path {
      x = x.clone();
      y = y.clone();
    }

    /** Vertices. */
    public int length() {
      return Math.min(x.length, y.length);
    }
  }

  /**
   * A marked point.
   *
   * @param filled a filled disc (else a ring)
   * @param star drawn as a star (else a disc or ring)
   * @param label written beside it (may be empty)
   */
  public record Marker(
      double x, double y, String color, boolean filled, boolean star, String label) {}

  private final Canvas canvas = new Canvas();
  private double extent = 2.5;
  private double[] fieldX = new double[0];
  private double[] fieldY = new double[0];
  private double[] fieldU = new double[0];
  private double[] fieldV = new double[0];
  private List<Path> paths = List.of();
  private List<Marker> markers = List.of();
  private double handleX = Double.NaN;
  private double handleY = Double.NaN;
  private String caption = "";
  private BiConsumer<Double, Double> onHandleMoved = (x, y) -> {};
  private boolean dragging;
  private long draws;

  public PhasePlane() {
    getChildren().add(canvas);
    setMinSize(120, 120);
    setPrefSize(520, 520);
    canvas.addEventHandler(MouseEvent.MOUSE_PRESSED, this::press);
    canvas.addEventHandler(MouseEvent.MOUSE_DRAGGED, this::drag);
    canvas.addEventHandler(MouseEvent.MOUSE_RELEASED, e -> dragging = false);
    canvas.addEventHandler(
        MouseEvent.MOUSE_MOVED,
        e -> canvas.setCursor(nearHandle(e.getX(), e.getY()) ? Cursor.HAND : Cursor.DEFAULT));
  }

  /** Shows {@code [−extent, extent]²}. */
  public void setExtent(double value) {
    extent = value;
  }

  public double extent() {
    return extent;
  }

  /** Arrows from {@code (x[i], y[i])} along {@code (u[i], v[i])}, scaled to fit the grid. */
  public void setField(double[] x, double[] y, double[] u, double[] v) {
    fieldX = x.clone();
    fieldY = y.clone();
    fieldU = u.clone();
    fieldV = v.clone();
  }

  public void setPaths(List<Path> value) {
    paths = List.copyOf(value);
  }

  public List<Path> paths() {
    return paths;
  }

  public void setMarkers(List<Marker> value) {
    markers = List.copyOf(value);
  }

  public List<Marker> markers() {
    return markers;
  }

  /** Places the draggable handle (NaN hides it). */
  public void setHandle(double x, double y) {
    handleX = x;
    handleY = y;
  }

  /** A line of text in the top-left corner. */
  public void setCaption(String text) {
    caption = text == null ? "" : text;
  }

  /** Called with the handle's new plane coordinates while the user drags it (or clicks). */
  public void setOnHandleMoved(BiConsumer<Double, Double> listener) {
    onHandleMoved = listener;
  }

  /** How many times the plane has been drawn (for tests: a redraw happened). */
  public long drawCount() {
    return draws;
  }

  /** Plane coordinates of a pixel position (x right, y up). */
  public double[] toPlane(double pixelX, double pixelY) {
    double scale = scale();
    double side = 2 * extent * scale;
    double left = (canvas.getWidth() - side) / 2;
    double top = (canvas.getHeight() - side) / 2;
    return new double[] {(pixelX - left) / scale - extent, extent - (pixelY - top) / scale};
  }

  /** Pixel position of plane coordinates. */
  public double[] toPixels(double x, double y) {
    double scale = scale();
    double side = 2 * extent * scale;
    double left = (canvas.getWidth() - side) / 2;
    double top = (canvas.getHeight() - side) / 2;
    return new double[] {left + (x + extent) * scale, top + (extent - y) * scale};
  }

  private double scale() {
    return Math.max(1e-9, Math.min(canvas.getWidth(), canvas.getHeight()) / (2 * extent));
  }

  private boolean nearHandle(double px, double py) {
    if (!Double.isFinite(handleX)) {
      return false;
    }
    double[] p = toPixels(handleX, handleY);
    return Math.hypot(p[0] - px, p[1] - py) < 12;
  }

  private void press(MouseEvent event) {
    dragging = true;
    drag(event);
  }

  private void drag(MouseEvent event) {
    if (!dragging) {
      return;
    }
    double[] point = toPlane(event.getX(), event.getY());
    double x = Math.max(-extent, Math.min(extent, point[0]));
    double y = Math.max(-extent, Math.min(extent, point[1]));
    onHandleMoved.accept(x, y);
  }

  @Override
  protected void layoutChildren() {
    double width = snapSizeX(getWidth());
    double height = snapSizeY(getHeight());
    if (canvas.getWidth() != width || canvas.getHeight() != height) {
      canvas.setWidth(width);
      canvas.setHeight(height);
      redraw();
    }
  }

  /** Draws everything as it is set now. */
  public void redraw() {
    draws++;
    GraphicsContext g = canvas.getGraphicsContext2D();
    double width = canvas.getWidth();
    double height = canvas.getHeight();
    g.setFill(Color.WHITE);
    g.fillRect(0, 0, width, height);
    if (width < 10 || height < 10) {
      return;
    }
    double[] corner = toPixels(-extent, extent);
    double side = 2 * extent * scale();
    g.save();
    g.beginPath();
    g.rect(corner[0], corner[1], side, side);
    g.clip();
    drawGrid(g, corner, side);
    drawField(g);
    for (Path path : paths) {
      drawPath(g, path);
    }
    for (Marker marker : markers) {
      drawMarker(g, marker);
    }
    drawHandle(g);
    g.restore();
    g.setStroke(Color.gray(0.6));
    g.setLineWidth(1);
    g.setLineDashes();
    g.strokeRect(corner[0], corner[1], side, side);
    drawLegend(g, corner, side);
  }

  private void drawGrid(GraphicsContext g, double[] corner, double side) {
    g.setStroke(Color.gray(0.92));
    g.setLineWidth(1);
    g.setLineDashes();
    g.setFill(Color.gray(0.45));
    g.setFont(Font.font(10));
    for (int tick = (int) Math.ceil(-extent); tick <= Math.floor(extent); tick++) {
      double[] p = toPixels(tick, tick);
      g.setStroke(tick == 0 ? Color.gray(0.75) : Color.gray(0.92));
      g.strokeLine(p[0], corner[1], p[0], corner[1] + side);
      g.strokeLine(corner[0], p[1], corner[0] + side, p[1]);
      g.setTextAlign(TextAlignment.LEFT);
      g.setTextBaseline(VPos.BOTTOM);
      g.fillText(Integer.toString(tick), p[0] + 2, corner[1] + side - 2);
      g.setTextBaseline(VPos.TOP);
      g.fillText(Integer.toString(tick), corner[0] + 2, p[1] + 1);
    }
  }

  private void drawField(GraphicsContext g) {
    int n =
        Math.min(Math.min(fieldX.length, fieldY.length), Math.min(fieldU.length, fieldV.length));
    if (n == 0) {
      return;
    }
    double largest = 0;
    for (int i = 0; i < n; i++) {
      largest = Math.max(largest, Math.hypot(fieldU[i], fieldV[i]));
    }
    if (!(largest > 0) || !Double.isFinite(largest)) {
      return;
    }
    double spacing = 2 * extent * scale() / Math.max(1, Math.sqrt(n) - 1);
    g.setLineDashes();
    for (int i = 0; i < n; i++) {
      double length = Math.hypot(fieldU[i], fieldV[i]);
      if (length == 0 || !Double.isFinite(length)) {
        continue;
      }
      // lengths compressed by a square root so that slow regions still show a direction
      double pixels = 0.85 * spacing * Math.sqrt(length / largest);
      double[] from = toPixels(fieldX[i], fieldY[i]);
      double dx = fieldU[i] / length * pixels;
      double dy = -fieldV[i] / length * pixels;
      double shade = 0.55 + 0.35 * (1 - Math.sqrt(length / largest));
      g.setStroke(Color.gray(shade));
      g.setLineWidth(1);
      arrow(g, from[0] - dx / 2, from[1] - dy / 2, from[0] + dx / 2, from[1] + dy / 2);
    }
  }

  private static void arrow(GraphicsContext g, double x0, double y0, double x1, double y1) {
    g.strokeLine(x0, y0, x1, y1);
    double angle = Math.atan2(y1 - y0, x1 - x0);
    double head = Math.min(5, 0.4 * Math.hypot(x1 - x0, y1 - y0));
    g.strokeLine(x1, y1, x1 - head * Math.cos(angle - 0.45), y1 - head * Math.sin(angle - 0.45));
    g.strokeLine(x1, y1, x1 - head * Math.cos(angle + 0.45), y1 - head * Math.sin(angle + 0.45));
  }

  private void drawPath(GraphicsContext g, Path path) {
    int n = path.length();
    if (n == 0) {
      return;
    }
    Color color = Color.web(path.color());
    g.setStroke(color);
    g.setFill(color);
    g.setLineWidth(path.width());
    if (path.dashed()) {
      g.setLineDashes(6, 4);
    } else {
      g.setLineDashes();
    }
    double[] xs = new double[n];
    double[] ys = new double[n];
    int kept = 0;
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(path.x()[i]) || !Double.isFinite(path.y()[i])) {
        break;
      }
      // far-away points are pulled in so the canvas never draws at huge coordinates
      double x = Math.max(-50 * extent, Math.min(50 * extent, path.x()[i]));
      double y = Math.max(-50 * extent, Math.min(50 * extent, path.y()[i]));
      double[] p = toPixels(x, y);
      xs[kept] = p[0];
      ys[kept] = p[1];
      kept++;
    }
    g.strokePolyline(xs, ys, kept);
    g.setLineDashes();
    if (path.dots()) {
      for (int i = 0; i < kept; i++) {
        g.fillOval(xs[i] - 2.2, ys[i] - 2.2, 4.4, 4.4);
      }
    }
  }

  private void drawMarker(GraphicsContext g, Marker marker) {
    double[] p = toPixels(marker.x(), marker.y());
    Color color = Color.web(marker.color());
    g.setLineDashes();
    g.setLineWidth(2);
    g.setStroke(color);
    g.setFill(color);
    if (marker.star()) {
      double[] xs = new double[10];
      double[] ys = new double[10];
      for (int i = 0; i < 10; i++) {
        double radius = i % 2 == 0 ? 9 : 4;
        double angle = -Math.PI / 2 + i * Math.PI / 5;
        xs[i] = p[0] + radius * Math.cos(angle);
        ys[i] = p[1] + radius * Math.sin(angle);
      }
      g.fillPolygon(xs, ys, 10);
      g.setStroke(Color.BLACK);
      g.setLineWidth(0.8);
      g.strokePolygon(xs, ys, 10);
    } else if (marker.filled()) {
      g.fillOval(p[0] - 5, p[1] - 5, 10, 10);
    } else {
      g.setFill(Color.WHITE);
      g.fillOval(p[0] - 5, p[1] - 5, 10, 10);
      g.strokeOval(p[0] - 5, p[1] - 5, 10, 10);
    }
    if (!marker.label().isEmpty()) {
      g.setFill(Color.gray(0.15));
      g.setFont(Font.font(11));
      g.setTextAlign(TextAlignment.LEFT);
      g.setTextBaseline(VPos.CENTER);
      g.fillText(marker.label(), p[0] + 11, p[1] - 9);
    }
  }

  private void drawHandle(GraphicsContext g) {
    if (!Double.isFinite(handleX)) {
      return;
    }
    double[] p = toPixels(handleX, handleY);
    g.setLineDashes();
    g.setFill(Color.web("#ffffff"));
    g.setStroke(Color.web("#222222"));
    g.setLineWidth(2);
    g.fillRect(p[0] - 6, p[1] - 6, 12, 12);
    g.strokeRect(p[0] - 6, p[1] - 6, 12, 12);
    g.setFill(Color.gray(0.15));
    g.setFont(Font.font(11));
    g.setTextBaseline(VPos.CENTER);
    g.fillText(String.format(Locale.ROOT, "start (drag me)"), p[0] + 10, p[1] + 12);
  }

  private void drawLegend(GraphicsContext g, double[] corner, double side) {
    List<Path> listed = new ArrayList<>();
    for (Path path : paths) {
      if (!path.name().isEmpty()) {
        listed.add(path);
      }
    }
    g.setFont(Font.font(11));
    g.setTextAlign(TextAlignment.LEFT);
    g.setTextBaseline(VPos.CENTER);
    double x = corner[0] + side - 190;
    double y = corner[1] + 12;
    if (!listed.isEmpty()) {
      g.setFill(Color.rgb(255, 255, 255, 0.85));
      g.fillRect(x - 6, y - 9, 192, 16 * listed.size() + 4);
    }
    for (Path path : listed) {
      g.setStroke(Color.web(path.color()));
      g.setLineWidth(2.5);
      if (path.dashed()) {
        g.setLineDashes(6, 4);
      } else {
        g.setLineDashes();
      }
      g.strokeLine(x, y, x + 22, y);
      g.setLineDashes();
      g.setFill(Color.gray(0.1));
      g.fillText(path.name(), x + 28, y);
      y += 16;
    }
    if (!caption.isEmpty()) {
      g.setFill(Color.rgb(255, 255, 255, 0.85));
      g.fillRect(corner[0] + 4, corner[1] + 4, Math.min(side - 210, 7 * caption.length()), 18);
      g.setFill(Color.gray(0.1));
      g.fillText(caption, corner[0] + 8, corner[1] + 13);
    }
  }
}
