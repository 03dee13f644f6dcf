package org.deqlab.core.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.testing.EngineTest;
import org.deqlab.core.testing.GradientCheck;
import org.junit.jupiter.api.Test;

/**
 * {@link SpectralNorm} on its own: the normalized weight's largest singular value (computed exactly
 * on the host) is at most the bound once the carried estimate has converged, in float64 and
 * float32; a weight below the bound passes unchanged; the gradient through the normalization
 * matches central finite differences in float64, and float32 agrees with float64.
 */
class SpectralNormTest extends EngineTest {
  private static final double BOUND = 1.5;

  /** A (6, 4, 2) convolution-shaped weight with entries N(0, 1): σ_max ≈ 4–5, above the bound. */
  private NDArray weight(NDManager scope, DataType dataType) {
    return GradientCheck.gaussian(scope, new Shape(6, 4, 2), 1, new Random(11))
        .toType(dataType, false);
  }

  @Test
  void theNormalizedWeightsSpectralNormIsAtMostTheBoundOnceTheEstimateHasSettled() {
    for (DataType dataType : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
      try (NDManager scope = manager.newSubManager()) {
        NDArray w = weight(scope, dataType);
        double raw = largestSingularValue(w.toType(DataType.FLOAT64, false));
        SpectralNorm norm = new SpectralNorm(BOUND, 3);
        double normalized = Double.NaN;
        for (int pass = 0; pass < 5; pass++) {
          norm.startPass(true); // carried across passes: one more power step each
          normalized = largestSingularValue(norm.apply(w, scope).toType(DataType.FLOAT64, false));
        }
        // σ̂ ≤ σ_max (a Rayleigh quotient), so W·c/σ̂ exceeds c by the estimate's relative error.
        double slack = dataType == DataType.FLOAT32 ? 1e-5 : 1e-9;
        assertTrue(raw > 2 * BOUND, dataType + ": the test weight exceeds the bound: " + raw);
        assertTrue(
            normalized <= BOUND * (1 + slack),
            dataType + ": σ_max(W_sn) = " + normalized + " > " + BOUND);
        assertEquals(BOUND, normalized, BOUND * 1e-4, dataType + ": scaled to the bound");
        assertEquals(raw, norm.estimate(), raw * 1e-4, dataType + ": the estimate is σ_max");
      }
    }
  }

  @Test
  void aWeightBelowTheBoundPassesUnchanged() {
    try (NDManager scope = manager.newSubManager()) {
      NDArray w = weight(scope, DataType.FLOAT64).div(100);
      SpectralNorm norm = new SpectralNorm(BOUND, 3);
      norm.startPass(true);
      assertEquals(w, norm.apply(w, scope));
    }
  }

  @Test
  void gradientsFlowThroughTheNormalizationAsFiniteDifferencesSay() {
    try (NDManager scope = manager.newSubManager()) {
      NDArray w = weight(scope, DataType.FLOAT64);
      NDArray cotangent = GradientCheck.gaussian(scope, w.getShape(), 1, new Random(12));
      SpectralNorm norm = new SpectralNorm(BOUND, 3);
      norm.startPass(true);
      double[] analytic = gradient(norm, w, cotangent);
      // Central differences of L(W) = <cotangent, W_sn(W)> with the estimate's vectors held (an
      // evaluation pass keeps them): what the gradient through σ̂ = uᵀWv claims to be.
      double[] values = w.toDoubleArray();
      double h = 1e-6;
      double worst = 0;
      double scale = 0;
      for (int i = 0; i < values.length; i++) {
        double original = values[i];
        values[i] = original + h;
        double plus = loss(norm, scope.create(values, w.getShape()), cotangent);
        values[i] = original - h;
        double minus = loss(norm, scope.create(values, w.getShape()), cotangent);
        values[i] = original;
        double numeric = (plus - minus) / (2 * h);
        worst = Math.max(worst, Math.abs(numeric - analytic[i]));
        scale = Math.max(scale, Math.abs(numeric));
      }
      assertTrue(worst < 1e-7 * Math.max(1, scale), "max |analytic − numeric| = " + worst);
      assertTrue(scale > 1e-3, "a non-trivial gradient");

      // The same gradient in float32, from the same start, agrees with the float64 one.
      SpectralNorm single = new SpectralNorm(BOUND, 3);
      single.startPass(true);
      NDArray w32 = w.toType(DataType.FLOAT32, false);
      double[] analytic32 = gradient(single, w32, cotangent.toType(DataType.FLOAT32, false));
      assertTrue(
          org.deqlab.core.testing.Dense.relativeError(analytic32, analytic) < 1e-5,
          "float32 vs float64 gradient");
    }
  }

  private static double loss(SpectralNorm norm, NDArray w, NDArray cotangent) {
    norm.startPass(false);
    return Autograd.noGrad(() -> norm.apply(w, w.getManager()).mul(cotangent).sum().getDouble());
  }

  private static double[] gradient(SpectralNorm norm, NDArray w, NDArray cotangent) {
    NDArray leaf = w.duplicate();
    leaf.setRequiresGradient(true);
    NDArray value =
        Autograd.recording(true, () -> norm.apply(leaf, w.getManager()).mul(cotangent).sum());
    Autograd.backward(value, false);
    return leaf.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
  }

  /**
   * σ_max of a weight laid out as (outputs, rest), on the host: power iteration on WᵀW in double
   * precision run until it no longer moves (exact to rounding for these small matrices).
   */
  static double largestSingularValue(NDArray weight) {
    int rows = (int) weight.getShape().get(0);
    int cols = (int) (weight.getShape().size() / rows);
    double[] a = weight.toType(DataType.FLOAT64, false).toDoubleArray();
    double[] v = new double[cols];
    java.util.Arrays.fill(v, 1);
    double sigma = 0;
    for (int iteration = 0; iteration < 20_000; iteration++) {
      double[] u = new double[rows];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          u[r] += a[r * cols + c] * v[c];
        }
      }
      double[] next = new double[cols];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          next[c] += a[r * cols + c] * u[r];
        }
      }
      double norm = Math.sqrt(java.util.Arrays.stream(next).map(x -> x * x).sum());
      for (int c = 0; c < cols; c++) {
        next[c] /= norm;
      }
      double previous = sigma;
      sigma = Math.sqrt(norm);
      v = next;
      if (iteration > 10 && Math.abs(sigma - previous) < 1e-15 * sigma) {
        break;
      }
    }
    return sigma;
  }
}
