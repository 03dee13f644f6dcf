package org.deqlab.core.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The 2×2 closed forms against independent checks: the characteristic polynomial, known spectra.
 */
class Matrix2Test {

  /** |det(M − λI)| for a complex λ = re + i·im. */
  private static double characteristic(Matrix2 m, double re, double im) {
    // (a − λ)(d − λ) − bc with complex λ
    double ar = m.a() - re;
    double dr = m.d() - re;
    double real = ar * dr - im * im - m.b() * m.c();
    double imaginary = -im * (ar + dr);
    return Math.hypot(real, imaginary);
  }

  @Test
  void eigenvaluesAreRootsOfTheCharacteristicPolynomial() {
    Random random = new Random(3);
    for (int trial = 0; trial < 1000; trial++) {
      Matrix2 m =
          new Matrix2(
              random.nextGaussian(),
              random.nextGaussian(),
              random.nextGaussian(),
              random.nextGaussian());
      Eigenvalues2 e = m.eigenvalues();
      double scale = 1 + m.frobeniusSquared();
      assertEquals(0, characteristic(m, e.firstReal(), e.firstImaginary()) / scale, 1e-12);
      assertEquals(0, characteristic(m, e.secondReal(), e.secondImaginary()) / scale, 1e-12);
      assertEquals(m.trace(), e.firstReal() + e.secondReal(), 1e-12 * scale);
    }
  }

  @Test
  void aScaledRotationHasEigenvaluesOnACircleOfItsScale() {
    Eigenvalues2 e = Matrix2.scaledRotation(1.3, Math.toRadians(40)).eigenvalues();
    assertTrue(e.complex());
    assertEquals(1.3, e.spectralRadius(), 1e-12);
    assertEquals(1.3 * Math.cos(Math.toRadians(40)), e.firstReal(), 1e-12);
    assertEquals(1.3 * Math.sin(Math.toRadians(40)), Math.abs(e.firstImaginary()), 1e-12);
  }

  @Test
  void aRealPairWithATinyEigenvalueKeepsItsDigits() {
    // eigenvalues 1e8 and 1e-8: the textbook formula loses the small one entirely
    Matrix2 m = Matrix2.diagonal(1e8, 1e-8);
    Eigenvalues2 e = new Matrix2(m.a(), 0, 0, m.d()).eigenvalues();
    assertFalse(e.complex());
    assertEquals(1e8, e.firstReal(), 1e-4);
    assertEquals(1e-8, e.secondReal(), 1e-20);
  }

  @Test
  void inverseTimesMatrixIsTheIdentity() {
    Matrix2 m = new Matrix2(0.3, -1.2, 2.0, 0.7);
    Matrix2 product = m.inverse().times(m);
    assertEquals(1, product.a(), 1e-14);
    assertEquals(0, product.b(), 1e-14);
    assertEquals(0, product.c(), 1e-14);
    assertEquals(1, product.d(), 1e-14);
  }
}
