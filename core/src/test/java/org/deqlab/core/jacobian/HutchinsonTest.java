package org.deqlab.core.jacobian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deqlab.core.testing.EngineTest;
import org.deqlab.core.testing.ExactJacobian;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hutchinson's ‖J‖²_F / d from vector–Jacobian products, against the exact Jacobian. */
class HutchinsonTest extends EngineTest {
  private static MlpJacobianCase c;
  private static double[] exactPerSample;
  private static double exactMean;

  @BeforeAll
  void start() {
    manager.getEngine().setRandomSeed(31);
    c =
        new MlpJacobianCase(
            manager, MlpJacobianCase.gaussian(8, 1.0, 12), new double[] {0.3, 1, 2}, 13);
    double[][][] exact = c.exactJacobians();
    exactPerSample = new double[c.batch()];
    for (int s = 0; s < c.batch(); s++) {
      exactPerSample[s] = ExactJacobian.frobeniusSquaredPerDimension(exact[s]);
    }
    exactMean = Arrays.stream(exactPerSample).average().getAsDouble();
  }

  private static HutchinsonEstimate estimate(int probes, ProbeDistribution distribution) {
    try (Linearization linearization = c.linearize()) {
      return Hutchinson.estimate(linearization, probes, distribution);
    }
  }

  @Test
  void manyProbesConvergeToTheExactNormalizedFrobeniusNormPerSample() {
    for (ProbeDistribution distribution : ProbeDistribution.values()) {
      HutchinsonEstimate estimate = estimate(4096, distribution);
      System.out.printf(
          "%s, 4096 probes: %.6f ± %.6f vs exact %.6f; per sample %s ± %s vs %s%n",
          distribution,
          estimate.value(),
          estimate.standardError(),
          exactMean,
          Arrays.toString(estimate.perSample()),
          Arrays.toString(estimate.perSampleStandardError()),
          Arrays.toString(exactPerSample));
      assertEquals(exactMean, estimate.value(), 4 * estimate.standardError());
      assertEquals(exactMean, estimate.value(), 0.02 * exactMean);
      for (int s = 0; s < c.batch(); s++) {
        assertEquals(
            exactPerSample[s],
            estimate.perSample()[s],
            4 * estimate.perSampleStandardError()[s],
            "sample " + s);
      }
      assertEquals(4096, estimate.probes());
    }
    double spread =
        Arrays.stream(exactPerSample).max().getAsDouble()
            - Arrays.stream(exactPerSample).min().getAsDouble();
    assertTrue(
        spread > 0.1 * exactMean,
        "the premise: samples differ, " + Arrays.toString(exactPerSample));
  }

  @Test
  void errorShrinksLikeOneOverRootProbesAndTheStandardErrorPredictsIt() {
    int repetitions = 40;
    double absoluteError4 = 0;
    double absoluteError256 = 0;
    double squaredZ = 0;
    int withinTwo = 0;
    for (int r = 0; r < repetitions; r++) {
      HutchinsonEstimate few = estimate(4, ProbeDistribution.RADEMACHER);
      HutchinsonEstimate many = estimate(256, ProbeDistribution.RADEMACHER);
      absoluteError4 += Math.abs(few.value() - exactMean) / repetitions;
      absoluteError256 += Math.abs(many.value() - exactMean) / repetitions;
      double z = (many.value() - exactMean) / many.standardError();
      squaredZ += z * z / repetitions;
      withinTwo += Math.abs(z) < 2 ? 1 : 0;
    }
    double rmsZ = Math.sqrt(squaredZ);
    System.out.printf(
        "mean |error| over %d seeds: 4 probes %.2e, 256 probes %.2e (ratio %.1f, √64 = 8);"
            + " 256 probes: rms (error / reported stderr) %.2f, |z| < 2 in %d of %d%n",
        repetitions,
        absoluteError4,
        absoluteError256,
        absoluteError4 / absoluteError256,
        rmsZ,
        withinTwo,
        repetitions);
    assertTrue(
        absoluteError4 / absoluteError256 > 4, "error should fall about 8× from 4 to 256 probes");
    assertTrue(rmsZ > 0.6 && rmsZ < 1.6, "observed error / reported standard error, rms " + rmsZ);
    assertTrue(withinTwo >= 0.8 * repetitions, "|z| < 2 in " + withinTwo + " of " + repetitions);
  }

  @Test
  void oneProbeHasNoStandardErrorAndZeroProbesAreRejected() {
    HutchinsonEstimate single = estimate(1, ProbeDistribution.GAUSSIAN);
    assertTrue(Double.isFinite(single.value()));
    assertTrue(Double.isNaN(single.standardError()));
    try (Linearization linearization = c.linearize()) {
      IllegalArgumentException error =
          assertThrows(
              IllegalArgumentException.class,
              () -> Hutchinson.estimate(linearization, 0, ProbeDistribution.RADEMACHER));
      assertTrue(error.getMessage().contains("probes"), error.getMessage());
    }
  }
}
