package org.deqlab.core.jacobian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.deqlab.core.testing.EngineTest;
import org.deqlab.core.testing.ExactJacobian;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Power iteration and Arnoldi from vector–Jacobian products, against the exact eigenvalues of the
 * exact Jacobian of a float64 tanh MLP cell at its equilibrium.
 */
class SpectralEstimatesTest extends EngineTest {

  @BeforeAll
  void start() {
    manager.getEngine().setRandomSeed(21);
  }

  /** A spectrum with one dominant eigenvalue 0.9 and the rest in [−0.3, 0.3]. */
  private MlpJacobianCase dominantRealCase(double[] inputScales) {
    double[] eigenvalues = {0.9, 0.3, -0.3, 0.25, -0.2, 0.15, -0.1, 0.05, 0.0, -0.05, 0.1, -0.25};
    return new MlpJacobianCase(manager, MlpJacobianCase.symmetric(eigenvalues, 4), inputScales, 5);
  }

  private double exactRadius(double[][] jacobian) {
    return RealEigenvalues.spectralRadius(RealEigenvalues.of(jacobian));
  }

  @Test
  void jacobianAssembledFromUnitVectorProductsEqualsTheClosedForm() {
    MlpJacobianCase c =
        new MlpJacobianCase(
            manager, MlpJacobianCase.gaussian(10, 0.9, 6), new double[] {0.5, 1, 2}, 7);
    double[][][] closedForm = c.exactJacobians();
    double worst = 0;
    try (Linearization linearization = c.linearize()) {
      double[][][] byProducts = ExactJacobian.byProducts(linearization, manager);
      for (int s = 0; s < c.batch(); s++) {
        for (int i = 0; i < 10; i++) {
          for (int k = 0; k < 10; k++) {
            worst = Math.max(worst, Math.abs(byProducts[s][i][k] - closedForm[s][i][k]));
          }
        }
      }
    }
    System.out.printf("J from d VJPs vs closed form: max |difference| %.2e%n", worst);
    assertTrue(worst < 1e-13, "max difference " + worst);
  }

  @Test
  void powerIterationMatchesTheDominantRealEigenvaluePerSample() {
    MlpJacobianCase c = dominantRealCase(new double[] {0.3, 1, 2});
    double[][][] exact = c.exactJacobians();
    SpectralEstimate estimate;
    try (Linearization linearization = c.linearize()) {
      estimate = PowerIteration.estimate(linearization, 60);
    }
    assertEquals(SpectralEstimate.Method.POWER_ITERATION, estimate.method());
    assertEquals(60, estimate.products());
    double worst = 0;
    for (int s = 0; s < c.batch(); s++) {
      double expected = exactRadius(exact[s]);
      double error = Math.abs(estimate.perSampleRadius()[s] - expected) / expected;
      System.out.printf(
          "power iteration (60 products), sample %d: %.12f vs exact %.12f (rel %.1e)%n",
          s, estimate.perSampleRadius()[s], expected, error);
      worst = Math.max(worst, error);
    }
    assertTrue(worst < 1e-8, "relative error " + worst);
    assertEquals(Arrays.stream(estimate.perSampleRadius()).max().getAsDouble(), estimate.radius());
    assertTrue(estimate.ritzValues().isEmpty(), "power iteration gives no Ritz values");
  }

  @Test
  void arnoldiWithKEqualToDRecoversEveryExactEigenvalueIncludingComplexPairs() {
    int d = 10;
    MlpJacobianCase c =
        new MlpJacobianCase(
            manager, MlpJacobianCase.gaussian(d, 1.2, 8), new double[] {0.5, 1, 2}, 9);
    double[][][] exact = c.exactJacobians();
    SpectralEstimate estimate;
    try (Linearization linearization = c.linearize()) {
      estimate = ArnoldiIteration.estimate(linearization, d);
    }
    assertEquals(SpectralEstimate.Method.ARNOLDI, estimate.method());
    boolean sawComplexPair = false;
    for (int s = 0; s < c.batch(); s++) {
      List<RitzValue> eigenvalues = RealEigenvalues.of(exact[s]);
      List<RitzValue> ritz = estimate.perSampleRitzValues().get(s);
      double distance = ExactJacobian.spectrumDistance(eigenvalues, ritz);
      System.out.printf(
          "Arnoldi k=d=%d, sample %d: max |Ritz − λ| %.2e; ρ %.10f vs %.10f%n",
          d,
          s,
          distance,
          estimate.perSampleRadius()[s],
          RealEigenvalues.spectralRadius(eigenvalues));
      assertTrue(distance < 1e-10, "sample " + s + ": Ritz values off by " + distance);
      sawComplexPair |= ritz.stream().anyMatch(v -> !v.isReal());
    }
    assertTrue(sawComplexPair, "the premise: a non-symmetric W gives complex eigenvalues");
    assertTrue(estimate.products() <= d);
  }

  @Test
  void arnoldiWithFewerStepsThanDFindsTheRadiusOfAWellSeparatedSpectrum() {
    // W: one eigenvalue −0.95, fifteen in [−0.4, 0.4]; small inputs keep tanh' near 1, so J's
    // spectrum stays well separated (the ratio |λ₂|/|λ₁| is checked below).
    double[] eigenvalues = new double[16];
    eigenvalues[0] = -0.95;
    for (int i = 1; i < 16; i++) {
      eigenvalues[i] = -0.4 + 0.8 * (i - 1) / 14.0;
    }
    MlpJacobianCase c =
        new MlpJacobianCase(
            manager, MlpJacobianCase.symmetric(eigenvalues, 10), new double[] {0.1, 0.3, 0.6}, 11);
    double[][][] exact = c.exactJacobians();
    SpectralEstimate estimate;
    SpectralEstimate longer;
    try (Linearization linearization = c.linearize()) {
      estimate = ArnoldiIteration.estimate(linearization, 8);
      longer = ArnoldiIteration.estimate(linearization, 12);
    }
    assertEquals(8, estimate.products());
    double worst = 0;
    double worstLonger = 0;
    for (int s = 0; s < c.batch(); s++) {
      List<RitzValue> spectrum = RealEigenvalues.of(exact[s]);
      double expected = spectrum.get(0).modulus();
      double separation = spectrum.get(1).modulus() / expected;
      assertTrue(
          separation < 0.6, "the premise: a well-separated spectrum, |λ₂|/|λ₁| = " + separation);
      double error = Math.abs(estimate.perSampleRadius()[s] - expected) / expected;
      double errorLonger = Math.abs(longer.perSampleRadius()[s] - expected) / expected;
      System.out.printf(
          "Arnoldi on d=16, sample %d (|λ₂/λ₁| %.2f): k=8 %.12f, k=12 %.12f vs exact %.12f"
              + " (rel %.1e, %.1e)%n",
          s,
          separation,
          estimate.perSampleRadius()[s],
          longer.perSampleRadius()[s],
          expected,
          error,
          errorLonger);
      worst = Math.max(worst, error);
      worstLonger = Math.max(worstLonger, errorLonger);
      assertEquals(8, estimate.perSampleRitzValues().get(s).size());
    }
    assertTrue(worst < 2e-4, "k=8: relative error " + worst);
    assertTrue(worstLonger < worst / 10, "k=12 should be much closer than k=8: " + worstLonger);
  }

  @Test
  void perSampleEstimatesFollowTheirOwnSamplesAndTheAggregateIsTheWorst() {
    MlpJacobianCase c = dominantRealCase(new double[] {0.1, 1.5, 4});
    double[][][] exact = c.exactJacobians();
    double[] expected = new double[c.batch()];
    for (int s = 0; s < c.batch(); s++) {
      expected[s] = exactRadius(exact[s]);
    }
    SpectralEstimate power;
    SpectralEstimate arnoldi;
    try (Linearization linearization = c.linearize()) {
      power = PowerIteration.estimate(linearization, 60);
      arnoldi = ArnoldiIteration.estimate(linearization, 12);
    }
    System.out.printf(
        "per-sample exact radii %s, power %s, Arnoldi %s%n",
        Arrays.toString(expected),
        Arrays.toString(power.perSampleRadius()),
        Arrays.toString(arnoldi.perSampleRadius()));
    double spread =
        Arrays.stream(expected).max().getAsDouble() - Arrays.stream(expected).min().getAsDouble();
    assertTrue(spread > 0.05, "the premise: samples have different radii, spread " + spread);
    int worst = 0;
    for (int s = 0; s < c.batch(); s++) {
      assertEquals(expected[s], power.perSampleRadius()[s], 1e-8 * expected[s]);
      assertEquals(expected[s], arnoldi.perSampleRadius()[s], 1e-10);
      worst = expected[s] > expected[worst] ? s : worst;
    }
    assertEquals(worst, power.worstSample());
    assertEquals(worst, arnoldi.worstSample());
    assertEquals(expected[worst], arnoldi.radius(), 1e-10);
    assertEquals(arnoldi.perSampleRitzValues().get(worst), arnoldi.ritzValues());
  }

  @Test
  void estimatesAreImmutableAndValidateTheirArguments() {
    MlpJacobianCase c = dominantRealCase(new double[] {1, 2});
    SpectralEstimate estimate;
    try (Linearization linearization = c.linearize()) {
      estimate = PowerIteration.estimate(linearization, 4);
      assertThrows(IllegalArgumentException.class, () -> PowerIteration.estimate(linearization, 0));
      assertThrows(
          IllegalArgumentException.class, () -> ArnoldiIteration.estimate(linearization, 0));
    }
    double before = estimate.perSampleRadius()[0];
    estimate.perSampleRadius()[0] = -1;
    assertEquals(before, estimate.perSampleRadius()[0]);
    SpectralEstimate off = SpectralEstimate.notComputed(SpectralEstimate.Method.ARNOLDI);
    assertFalse(off.computed());
    assertTrue(Double.isNaN(off.radius()));
    assertTrue(off.ritzValues().isEmpty());
  }
}
