package org.deqlab.core.playground;

/** A point (or vector) of the plane: a 2-D state {@code z}, an input {@code x} or a direction. */
public record Point2(double x, double y) {
  public static final Point2 ORIGIN = new Point2(0, 0);

  public Point2 plus(Point2 other) {
    return new Point2(x + other.x, y + other.y);
  }

  public Point2 minus(Point2 other) {
    return new Point2(x - other.x, y - other.y);
  }

  public Point2 times(double factor) {
    return new Point2(factor * x, factor * y);
  }

  public double dot(Point2 other) {
    return x * other.x + y * other.y;
  }

  /** The Euclidean length. */
  public double norm() {
    return Math.hypot(x, y);
  }

  public double distanceTo(Point2 other) {
    return Math.hypot(x - other.x, y - other.y);
  }

  public boolean isFinite() {
    return Double.isFinite(x) && Double.isFinite(y);
  }
}
