package org.deqlab.core.playground;

/**
 * A real 2×2 matrix {@code [[a, b], [c, d]]}: the Jacobians of the playground's maps, with their
 * eigenvalues and inverse in closed form.
 */
public record Matrix2(double a, double b, double c, double d) {
  public static final Matrix2 IDENTITY = new Matrix2(1, 0, 0, 1);

  /** {@code scale · R(angle)}: rotation by {@code angle} radians, stretched by {@code scale}. */
  public static Matrix2 scaledRotation(double scale, double angle) {
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    return new Matrix2(scale * cos, -scale * sin, scale * sin, scale * cos);
  }

  /** {@code diag(first, second)}. */
  public static Matrix2 diagonal(double first, double second) {
    return new Matrix2(first, 0, 0, second);
  }

  /** This matrix times the column vector {@code v}. */
  public Point2 apply(Point2 v) {
    return new Point2(a * v.x() + b * v.y(), c * v.x() + d * v.y());
  }

  /** The transpose times {@code v}: a vector–Jacobian product {@code vᵀ M} as a column. */
  public Point2 applyTransposed(Point2 v) {
    return new Point2(a * v.x() + c * v.y(), b * v.x() + d * v.y());
  }

  public Matrix2 times(Matrix2 o) {
    return new Matrix2(a * o.a + b * o.c, a * o.b + b * o.d, c * o.a + d * o.c, c * o.b + d * o.d);
  }

  public Matrix2 minus(Matrix2 o) {
    return new Matrix2(a - o.a, b - o.b, c - o.c, d - o.d);
  }

  public double trace() {
    return a + d;
  }

  public double determinant() {
    return a * d - b * c;
  }

  /** The inverse; entries are infinite or NaN when the matrix is singular. */
  public Matrix2 inverse() {
    double det = determinant();
    return new Matrix2(d / det, -b / det, -c / det, a / det);
  }

  /** {@code ‖M‖²_F}, the sum of squared entries (what Jacobian regularization penalises). */
  public double frobeniusSquared() {
    return a * a + b * b + c * c + d * d;
  }

  /**
   * The eigenvalues, from the characteristic polynomial {@code λ² − tr·λ + det}: {@code λ = tr/2 ±
   * √(tr²/4 − det)}. A real pair is formed as {@code q = tr/2 + sign(tr)·√disc}, {@code λ₁ = q},
   * {@code λ₂ = det/q}, which avoids cancellation when one eigenvalue is much smaller.
   */
  public Eigenvalues2 eigenvalues() {
    double half = trace() / 2;
    double det = determinant();
    double discriminant = half * half - det;
    if (discriminant < 0) {
      double imaginary = Math.sqrt(-discriminant);
      return new Eigenvalues2(half, imaginary, half, -imaginary);
    }
    double root = Math.sqrt(discriminant);
    double q = half + Math.copySign(root, half);
    if (q == 0) {
      return new Eigenvalues2(0, 0, 0, 0);
    }
    double first = q;
    double second = det / q;
    return Math.abs(first) >= Math.abs(second)
        ? new Eigenvalues2(first, 0, second, 0)
        : new Eigenvalues2(second, 0, first, 0);
  }
}
