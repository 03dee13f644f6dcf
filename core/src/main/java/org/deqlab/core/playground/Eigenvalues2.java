package org.deqlab.core.playground;

/**
 * The two eigenvalues of a real 2×2 matrix: a real pair, or a complex-conjugate pair {@code re ±
 * i·im} (then {@code secondImaginary = −firstImaginary}).
 */
public record Eigenvalues2(
    double firstReal, double firstImaginary, double secondReal, double secondImaginary) {

  /** ρ: the larger modulus. Plain iteration near a fixed point converges when it is below 1. */
  public double spectralRadius() {
    return Math.max(Math.hypot(firstReal, firstImaginary), Math.hypot(secondReal, secondImaginary));
  }

  /** Whether the pair is complex, which makes plain iteration spiral around the fixed point. */
  public boolean complex() {
    return firstImaginary != 0;
  }

  /** Real parts, first then second (for a plot). */
  public double[] realParts() {
    return new double[] {firstReal, secondReal};
  }

  /** Imaginary parts, first then second (for a plot). */
  public double[] imaginaryParts() {
    return new double[] {firstImaginary, secondImaginary};
  }
}
