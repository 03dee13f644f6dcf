package org.deqlab.core.jacobian;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Eigenvalues of small real matrices on the host, in double precision: Householder reduction to
 * upper-Hessenberg form, then Francis' implicit double-shift QR iteration, which stays in real
 * arithmetic and yields complex eigenvalues as conjugate pairs. Used for the Hessenberg matrices of
 * {@link ArnoldiIteration} (k×k, k of order tens) and, in tests, for exact Jacobians; the cost is
 * O(n³), so it is meant for n up to a few hundred.
 *
 * <p>Numerical failure is a result: a matrix with a non-finite entry, or an iteration that does not
 * deflate within its budget (practically never happens), gives NaN for the eigenvalues not found.
 */
public final class RealEigenvalues {
  /** Unit roundoff of double precision, the deflation threshold's scale. */
  private static final double EPS = Math.ulp(1.0);

  /** QR sweeps allowed per eigenvalue (LAPACK allows 30; exceptional shifts every 10). */
  private static final int SWEEPS_PER_EIGENVALUE = 60;

  private RealEigenvalues() {}

  /**
   * The eigenvalues of a general square matrix, sorted by decreasing modulus (a conjugate pair with
   * positive imaginary part first). The argument is not modified.
   */
  public static List<RitzValue> of(double[][] matrix) {
    double[][] a = copySquare(matrix);
    reduceToHessenberg(a);
    return sorted(francisQr(a));
  }

  /**
   * The eigenvalues of an upper-Hessenberg matrix (entries below the first subdiagonal are
   * ignored), sorted by decreasing modulus. The argument is not modified.
   */
  public static List<RitzValue> ofHessenberg(double[][] hessenberg) {
    double[][] a = copySquare(hessenberg);
    for (int i = 2; i < a.length; i++) {
      Arrays.fill(a[i], 0, i - 1, 0.0);
    }
    return sorted(francisQr(a));
  }

  /** The largest modulus among the eigenvalues (NaN if any is NaN, 0 for an empty list). */
  public static double spectralRadius(List<RitzValue> eigenvalues) {
    double radius = 0;
    for (RitzValue value : eigenvalues) {
      double modulus = value.modulus();
      if (Double.isNaN(modulus)) {
        return Double.NaN;
      }
      radius = Math.max(radius, modulus);
    }
    return radius;
  }

  /**
   * Householder reduction in place: {@code a ← QᵀaQ} with Q orthogonal, zero below the first
   * subdiagonal. Similar matrices, so the eigenvalues are unchanged.
   */
  static void reduceToHessenberg(double[][] a) {
    int n = a.length;
    double[] v = new double[n];
    for (int k = 0; k < n - 2; k++) {
      // Reflector P = I − 2vvᵀ/vᵀv mapping a[k+1..n-1][k] onto a multiple of e₁.
      double norm = 0;
      for (int i = k + 1; i < n; i++) {
        norm = Math.hypot(norm, a[i][k]);
      }
      if (norm == 0) {
        continue;
      }
      double alpha = a[k + 1][k] > 0 ? -norm : norm; // the sign that avoids cancellation in v₀
      int m = n - k - 1;
      double vv = 0;
      for (int i = 0; i < m; i++) {
        v[i] = a[k + 1 + i][k];
      }
      v[0] -= alpha;
      for (int i = 0; i < m; i++) {
        vv += v[i] * v[i];
      }
      if (vv == 0) {
        continue;
      }
      // Rows k+1..n-1: a ← P a (columns before k are already zero there).
      for (int j = k; j < n; j++) {
        double dot = 0;
        for (int i = 0; i < m; i++) {
          dot += v[i] * a[k + 1 + i][j];
        }
        double factor = 2 * dot / vv;
        for (int i = 0; i < m; i++) {
          a[k + 1 + i][j] -= factor * v[i];
        }
      }
      // Columns k+1..n-1: a ← a P.
      for (int i = 0; i < n; i++) {
        double dot = 0;
        for (int j = 0; j < m; j++) {
          dot += a[i][k + 1 + j] * v[j];
        }
        double factor = 2 * dot / vv;
        for (int j = 0; j < m; j++) {
          a[i][k + 1 + j] -= factor * v[j];
        }
      }
      a[k + 1][k] = alpha;
      for (int i = k + 2; i < n; i++) {
        a[i][k] = 0;
      }
    }
  }

  /**
   * Francis double-shift QR on an upper-Hessenberg matrix, destroying it. The active window is
   * rows/columns {@code low..high}; each pass either deflates one real eigenvalue or a 2×2 block
   * (solved in closed form) at the bottom, or applies one implicit double-shift sweep, the shifts
   * being the eigenvalues of the trailing 2×2 block (so a complex pair costs no complex
   * arithmetic). Exceptional shifts every ten stalled sweeps break cycles such as a permutation
   * matrix's.
   */
  static RitzValue[] francisQr(double[][] a) {
    int n = a.length;
    RitzValue[] found = new RitzValue[n];
    if (!allFinite(a)) {
      Arrays.fill(found, new RitzValue(Double.NaN, Double.NaN));
      return found;
    }
    double norm = 0;
    for (int i = 0; i < n; i++) {
      for (int j = Math.max(i - 1, 0); j < n; j++) {
        norm += Math.abs(a[i][j]);
      }
    }
    int high = n - 1;
    double accumulatedShift = 0; // exceptional shifts are subtracted from the diagonal
    int sweeps = 0;
    while (high >= 0) {
      int low = smallSubdiagonal(a, high, norm);
      double x = a[high][high];
      if (low == high) {
        found[high] = new RitzValue(x + accumulatedShift, 0);
        high--;
        sweeps = 0;
        continue;
      }
      double y = a[high - 1][high - 1];
      double w = a[high][high - 1] * a[high - 1][high];
      if (low == high - 1) {
        // Trailing 2×2 block: eigenvalues (x + y)/2 ± sqrt(((y − x)/2)² + w).
        double p = 0.5 * (y - x);
        double q = p * p + w;
        double root = Math.sqrt(Math.abs(q));
        x += accumulatedShift;
        if (q >= 0) {
          double z = p + Math.copySign(root, p); // the larger root, no cancellation
          double first = x + z;
          double second = z != 0 ? x - w / z : first;
          found[high - 1] = new RitzValue(first, 0);
          found[high] = new RitzValue(second, 0);
        } else {
          found[high - 1] = new RitzValue(x + p, root);
          found[high] = new RitzValue(x + p, -root);
        }
        high -= 2;
        sweeps = 0;
        continue;
      }
      if (sweeps == SWEEPS_PER_EIGENVALUE) {
        for (int i = 0; i <= high; i++) {
          found[i] = new RitzValue(Double.NaN, Double.NaN);
        }
        break;
      }
      if (sweeps > 0 && sweeps % 10 == 0) {
        // Exceptional shift (ad hoc, as in EISPACK's hqr): moves the iteration off a cycle.
        accumulatedShift += x;
        for (int i = 0; i <= high; i++) {
          a[i][i] -= x;
        }
        double s = Math.abs(a[high][high - 1]) + Math.abs(a[high - 1][high - 2]);
        x = 0.75 * s;
        y = x;
        w = -0.4375 * s * s;
      }
      sweeps++;
      doubleShiftSweep(a, low, high, x, y, w);
    }
    return found;
  }

  /**
   * The start of the unreduced block ending at {@code high}: the largest {@code l ≤ high} whose
   * subdiagonal entry {@code a[l][l-1]} is negligible (set to zero), or 0.
   */
  private static int smallSubdiagonal(double[][] a, int high, double norm) {
    for (int l = high; l >= 1; l--) {
      double scale = Math.abs(a[l - 1][l - 1]) + Math.abs(a[l][l]);
      if (scale == 0) {
        scale = norm;
      }
      if (Math.abs(a[l][l - 1]) <= EPS * scale) {
        a[l][l - 1] = 0;
        return l;
      }
    }
    return 0;
  }

  /**
   * One implicit double-shift sweep on the block {@code low..high}, with shifts the roots of {@code
   * λ² − (x + y)λ + (xy − w)}: the first column of (H − σ₁)(H − σ₂) gives a 3-vector (p, q, r), and
   * a chain of 3×3 Householder reflectors chases the resulting bulge down the subdiagonal. The
   * sweep may start at a row {@code m > low} where two consecutive small subdiagonal entries make
   * the upper part negligible.
   */
  private static void doubleShiftSweep(
      double[][] a, int low, int high, double x, double y, double w) {
    double p = 0;
    double q = 0;
    double r = 0;
    int m;
    for (m = high - 2; m >= low; m--) {
      double z = a[m][m];
      double rr = x - z;
      double ss = y - z;
      p = (rr * ss - w) / a[m + 1][m] + a[m][m + 1];
      q = a[m + 1][m + 1] - z - rr - ss;
      r = a[m + 2][m + 1];
      double scale = Math.abs(p) + Math.abs(q) + Math.abs(r);
      p /= scale;
      q /= scale;
      r /= scale;
      if (m == low) {
        break;
      }
      double u = Math.abs(a[m][m - 1]) * (Math.abs(q) + Math.abs(r));
      double v =
          Math.abs(p) * (Math.abs(a[m - 1][m - 1]) + Math.abs(z) + Math.abs(a[m + 1][m + 1]));
      if (u <= EPS * v) {
        break;
      }
    }
    for (int i = m + 2; i <= high; i++) {
      a[i][i - 2] = 0;
      if (i != m + 2) {
        a[i][i - 3] = 0;
      }
    }
    for (int k = m; k <= high - 1; k++) {
      boolean notLast = k != high - 1;
      double scale = 1;
      if (k != m) {
        p = a[k][k - 1];
        q = a[k + 1][k - 1];
        r = notLast ? a[k + 2][k - 1] : 0;
        scale = Math.abs(p) + Math.abs(q) + Math.abs(r);
        if (scale != 0) {
          p /= scale;
          q /= scale;
          r /= scale;
        }
      }
      double s = Math.copySign(Math.sqrt(p * p + q * q + r * r), p);
      if (s == 0) {
        continue;
      }
      if (k == m) {
        if (low != m) {
          a[k][k - 1] = -a[k][k - 1];
        }
      } else {
        a[k][k - 1] = -s * scale;
      }
      // Reflector I − u uᵀ/(u₁ s) with u = (p + s, q, r), written as in EISPACK.
      p += s;
      double ux = p / s;
      double uy = q / s;
      double uz = r / s;
      q /= p;
      r /= p;
      for (int j = k; j <= high; j++) {
        double t = a[k][j] + q * a[k + 1][j];
        if (notLast) {
          t += r * a[k + 2][j];
          a[k + 2][j] -= t * uz;
        }
        a[k + 1][j] -= t * uy;
        a[k][j] -= t * ux;
      }
      int last = Math.min(high, k + 3);
      for (int i = low; i <= last; i++) {
        double t = ux * a[i][k] + uy * a[i][k + 1];
        if (notLast) {
          t += uz * a[i][k + 2];
          a[i][k + 2] -= t * r;
        }
        a[i][k + 1] -= t * q;
        a[i][k] -= t;
      }
    }
  }

  private static boolean allFinite(double[][] a) {
    for (double[] row : a) {
      for (double value : row) {
        if (!Double.isFinite(value)) {
          return false;
        }
      }
    }
    return true;
  }

  private static double[][] copySquare(double[][] matrix) {
    int n = matrix.length;
    double[][] copy = new double[n][];
    for (int i = 0; i < n; i++) {
      if (matrix[i].length != n) {
        throw new IllegalArgumentException(
            "matrix must be square, but row "
                + i
                + " has "
                + matrix[i].length
                + " entries for "
                + n
                + " rows");
      }
      copy[i] = matrix[i].clone();
    }
    return copy;
  }

  private static List<RitzValue> sorted(RitzValue[] values) {
    List<RitzValue> list = new ArrayList<>(Arrays.asList(values));
    list.sort(
        Comparator.comparingDouble((RitzValue v) -> Double.isNaN(v.modulus()) ? 1 : -v.modulus())
            .thenComparingDouble(v -> -v.im()));
    return List.copyOf(list);
  }
}
