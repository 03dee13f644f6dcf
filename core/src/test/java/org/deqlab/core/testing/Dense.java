package org.deqlab.core.testing;

import java.util.Random;
import org.deqlab.core.numerics.Differences;

/**
 * Small dense linear algebra on the host, to give tests answers that do not come from the engine.
 */
public final class Dense {
  private Dense() {}

  /** A random orthogonal matrix (Gram–Schmidt on a Gaussian matrix). */
  public static double[][] orthogonal(int n, Random random) {
    double[][] q = new double[n][n];
    for (int j = 0; j < n; j++) {
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = random.nextGaussian();
      }
      for (int k = 0; k < j; k++) {
        double dot = 0;
        for (int i = 0; i < n; i++) {
          dot += v[i] * q[i][k];
        }
        for (int i = 0; i < n; i++) {
          v[i] -= dot * q[i][k];
        }
      }
      double norm = 0;
      for (double value : v) {
        norm += value * value;
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < n; i++) {
        q[i][j] = v[i] / norm;
      }
    }
    return q;
  }

  /** Q diag(eigenvalues) Qᵀ: a symmetric matrix with exactly these eigenvalues. */
  public static double[][] withEigenvalues(double[] eigenvalues, Random random) {
    int n = eigenvalues.length;
    double[][] q = orthogonal(n, random);
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int k = 0; k < n; k++) {
          sum += q[i][k] * eigenvalues[k] * q[j][k];
        }
        a[i][j] = sum;
      }
    }
    return a;
  }

  /** Solves a x = b by Gaussian elimination with partial pivoting. */
  public static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][n + 1];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n] = b[i];
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
          pivot = r;
        }
      }
      double[] tmp = m[col];
      m[col] = m[pivot];
      m[pivot] = tmp;
      for (int r = col + 1; r < n; r++) {
        double factor = m[r][col] / m[col][col];
        for (int c = col; c <= n; c++) {
          m[r][c] -= factor * m[col][c];
        }
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double sum = m[r][n];
      for (int c = r + 1; c < n; c++) {
        sum -= m[r][c] * x[c];
      }
      x[r] = sum / m[r][r];
    }
    return x;
  }

  public static double[] flatten(double[][] a) {
    int rows = a.length;
    int cols = a[0].length;
    double[] flat = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(a[i], 0, flat, i * cols, cols);
    }
    return flat;
  }

  public static double relativeError(double[] actual, double[] expected) {
    return Differences.relative(actual, expected);
  }
}
