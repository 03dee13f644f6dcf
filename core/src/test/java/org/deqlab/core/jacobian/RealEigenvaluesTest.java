package org.deqlab.core.jacobian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deqlab.core.testing.Dense;
import org.deqlab.core.testing.ExactJacobian;
import org.junit.jupiter.api.Test;

/** The host eigenvalue solver against matrices whose eigenvalues are known exactly. */
class RealEigenvaluesTest {

  private static List<RitzValue> real(double... values) {
    List<RitzValue> list = new ArrayList<>();
    for (double value : values) {
      list.add(new RitzValue(value, 0));
    }
    return list;
  }

  private static double[][] conjugate(double[][] b, double[][] q) {
    int n = b.length;
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int k = 0; k < n; k++) {
          for (int l = 0; l < n; l++) {
            sum += q[i][k] * b[k][l] * q[j][l];
          }
        }
        a[i][j] = sum;
      }
    }
    return a;
  }

  @Test
  void symmetricMatrixWithPrescribedEigenvaluesGivesThemRealAndSorted() {
    double[] eigenvalues = {0.9, -0.85, 0.5, 0.3, -0.2, 0.1, 0.05, -0.01, 1e-3, 0.0, -0.4, 0.7};
    double[][] a = Dense.withEigenvalues(eigenvalues, new Random(1));

    List<RitzValue> found = RealEigenvalues.of(a);

    double distance = ExactJacobian.spectrumDistance(real(eigenvalues), found);
    System.out.printf("symmetric 12×12: max eigenvalue error %.2e%n", distance);
    assertTrue(distance < 1e-12, "eigenvalue error " + distance);
    for (RitzValue value : found) {
      assertEquals(0.0, value.im(), "a symmetric matrix has real eigenvalues: " + found);
    }
    assertEquals(0.9, found.get(0).re(), 1e-12, "sorted by decreasing modulus");
    assertEquals(-0.85, found.get(1).re(), 1e-12);
    assertEquals(0.9, RealEigenvalues.spectralRadius(found), 1e-12);
  }

  @Test
  void rotationBlocksGiveConjugatePairsEvenAfterAnOrthogonalChangeOfBasis() {
    double[][] b = new double[6][6];
    b[0][0] = 0.6;
    b[0][1] = -0.7;
    b[1][0] = 0.7;
    b[1][1] = 0.6; // 0.6 ± 0.7i
    b[2][2] = -0.2;
    b[2][3] = -1.5;
    b[3][2] = 1.5;
    b[3][3] = -0.2; // −0.2 ± 1.5i
    b[4][4] = 0.3;
    b[5][5] = -0.7;
    double[][] a = conjugate(b, Dense.orthogonal(6, new Random(2)));

    List<RitzValue> found = RealEigenvalues.of(a);

    List<RitzValue> expected =
        List.of(
            new RitzValue(0.6, 0.7),
            new RitzValue(0.6, -0.7),
            new RitzValue(-0.2, 1.5),
            new RitzValue(-0.2, -1.5),
            new RitzValue(0.3, 0),
            new RitzValue(-0.7, 0));
    double distance = ExactJacobian.spectrumDistance(expected, found);
    System.out.printf("rotation blocks: max eigenvalue error %.2e, found %s%n", distance, found);
    assertTrue(distance < 1e-12, "eigenvalue error " + distance);
    assertEquals(new RitzValue(-0.2, 1.5).modulus(), RealEigenvalues.spectralRadius(found), 1e-12);
    assertTrue(found.get(0).im() > 0 && found.get(1).im() < 0, "pair, positive part first");
  }

  @Test
  void companionMatrixOfAKnownPolynomialGivesItsRoots() {
    // p(λ) = Π (λ − r) for roots 3, −2, 1, 0.5, 1 ± 2i; its companion matrix is upper Hessenberg.
    double[][] roots = {{3, 0}, {-2, 0}, {1, 0}, {0.5, 0}, {1, 2}, {1, -2}};
    int n = roots.length;
    double[] re = new double[n + 1];
    double[] im = new double[n + 1];
    re[0] = 1; // coefficients of λ^0..λ^n, built by multiplying in (λ − r) one root at a time
    for (int r = 0; r < n; r++) {
      double[] nextRe = new double[n + 1];
      double[] nextIm = new double[n + 1];
      for (int k = 0; k <= r; k++) {
        nextRe[k + 1] += re[k];
        nextIm[k + 1] += im[k];
        nextRe[k] -= roots[r][0] * re[k] - roots[r][1] * im[k];
        nextIm[k] -= roots[r][0] * im[k] + roots[r][1] * re[k];
      }
      re = nextRe;
      im = nextIm;
    }
    double[][] companion = new double[n][n];
    for (int j = 0; j < n; j++) {
      assertEquals(0, im[n - 1 - j], 1e-12, "real polynomial");
      companion[0][j] = -re[n - 1 - j]; // first row: −c_{n−1}, …, −c_0 (monic, c_n = 1)
    }
    for (int i = 1; i < n; i++) {
      companion[i][i - 1] = 1;
    }

    List<RitzValue> found = RealEigenvalues.ofHessenberg(companion);

    List<RitzValue> expected = new ArrayList<>();
    for (double[] root : roots) {
      expected.add(new RitzValue(root[0], root[1]));
    }
    double distance = ExactJacobian.spectrumDistance(expected, found);
    System.out.printf("companion matrix: max root error %.2e, found %s%n", distance, found);
    assertTrue(distance < 1e-9, "root error " + distance);
  }

  @Test
  void cyclicPermutationWhoseEigenvaluesAllHaveModulusOneNeedsTheExceptionalShifts() {
    int n = 7;
    double[][] permutation = new double[n][n];
    for (int i = 0; i < n; i++) {
      permutation[(i + 1) % n][i] = 1;
    }
    List<RitzValue> found = RealEigenvalues.of(permutation);

    List<RitzValue> expected = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      expected.add(new RitzValue(Math.cos(2 * Math.PI * k / n), Math.sin(2 * Math.PI * k / n)));
    }
    double distance = ExactJacobian.spectrumDistance(expected, found);
    System.out.printf("cyclic permutation (n=7): max error %.2e%n", distance);
    assertTrue(distance < 1e-10, "roots of unity error " + distance);
  }

  @Test
  void randomNonsymmetricMatrixSatisfiesTheTraceIdentitiesOfItsPowers() {
    int n = 20;
    Random random = new Random(3);
    double[][] a = new double[n][n];
    for (double[] row : a) {
      for (int j = 0; j < n; j++) {
        row[j] = random.nextGaussian() / Math.sqrt(n);
      }
    }
    List<RitzValue> found = RealEigenvalues.of(a);
    assertEquals(n, found.size());

    // Σ λᵏ = tr(Aᵏ) for k = 1, 2, 3 (complex sums; the imaginary parts must cancel).
    double[][] power = a;
    for (int k = 1; k <= 3; k++) {
      double trace = 0;
      for (int i = 0; i < n; i++) {
        trace += power[i][i];
      }
      double sumRe = 0;
      double sumIm = 0;
      for (RitzValue value : found) {
        double modulusK = Math.pow(value.modulus(), k);
        double angle = k * Math.atan2(value.im(), value.re());
        sumRe += modulusK * Math.cos(angle);
        sumIm += modulusK * Math.sin(angle);
      }
      assertEquals(trace, sumRe, 1e-10, "tr(A^" + k + ")");
      assertEquals(0, sumIm, 1e-10, "imaginary part of Σλ^" + k);
      power = multiply(power, a);
    }
    long complex = found.stream().filter(v -> !v.isReal()).count();
    assertTrue(complex >= 2 && complex % 2 == 0, "a random real matrix has conjugate pairs");
  }

  @Test
  void smallAndDegenerateCases() {
    assertEquals(List.of(), RealEigenvalues.of(new double[0][0]));
    assertEquals(real(-4), RealEigenvalues.of(new double[][] {{-4}}));
    assertEquals(real(2, 2), RealEigenvalues.of(new double[][] {{2, 1}, {0, 2}}), "Jordan block");
    assertEquals(real(0, 0, 0), RealEigenvalues.of(new double[3][3]));
    List<RitzValue> poisoned = RealEigenvalues.of(new double[][] {{1, Double.NaN}, {0, 1}});
    assertTrue(Double.isNaN(RealEigenvalues.spectralRadius(poisoned)), "NaN is a result");
    assertThrows(IllegalArgumentException.class, () -> RealEigenvalues.of(new double[][] {{1, 2}}));
  }

  private static double[][] multiply(double[][] x, double[][] y) {
    int n = x.length;
    double[][] product = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        for (int j = 0; j < n; j++) {
          product[i][j] += x[i][k] * y[k][j];
        }
      }
    }
    return product;
  }
}
