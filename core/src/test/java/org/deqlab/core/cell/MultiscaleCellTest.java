package org.deqlab.core.cell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.deqlab.core.jacobian.JacobianProbe;
import org.deqlab.core.jacobian.JacobianReport;
import org.deqlab.core.testing.GradientCheck;
import org.junit.jupiter.api.Test;

/**
 * {@link MultiscaleCell} with two resolutions (4×4 with 4 channels and 2×2 with 8), tanh and group
 * norm (2 groups) on a tiny float64 instance (B=2, one input channel): the contract of every cell —
 * solvers reach its equilibrium, implicit gradients match finite differences, float32 agrees with
 * float64 — plus its multiscale layout, its fusion and the Jacobian probe on its whole state.
 */
class MultiscaleCellTest extends CellContract {

  @Override
  protected Cell newCell() {
    return new MultiscaleCell(
        new MultiscaleCell.Config(4, 1, 2, 3, 2, Activation.TANH, 0.15, ConvolutionPath.AUTO, 0));
  }

  @Override
  protected Shape inputShape() {
    return new Shape(2, 1, 4, 4);
  }

  @Test
  void theStateIsEveryResolutionOneAfterTheOther() {
    // 4 channels × 4×4 + 8 channels × 2×2 per sample.
    assertEquals(new Shape(2, 4 * 16 + 8 * 4), cell.stateShape(inputShape()));
    NDArray injection = cell.inject(check.parameters(), check.input(), false);
    assertEquals(
        new Shape(2, 96), injection.getShape(), "injected at every resolution, laid out alike");
  }

  @Test
  void pooledFeaturesAverageEachResolutionOverSpace() {
    NDArray z = GradientCheck.gaussian(manager, new Shape(2, 96), 1, new Random(3));
    NDArray pooled = cell.pooledFeatures(z);
    assertEquals(new Shape(2, 12), pooled.getShape());
    double[] expected =
        z.get(new NDIndex(":, 64:96")).reshape(2, 8, 4).mean(new int[] {2}).toDoubleArray();
    double[] coarse = pooled.get(new NDIndex(":, 4:12")).toDoubleArray();
    assertArrayEquals(expected, coarse, 1e-12);
  }

  @Test
  void theResolutionsTalkThroughTheFusion() {
    // A change confined to the coarse block of z moves the fine block of f(z), and back.
    ParameterStore parameters = check.parameters();
    NDArray x = check.input();
    NDArray injection = cell.inject(parameters, x, false);
    NDArray z = GradientCheck.gaussian(manager, new Shape(2, 96), 0.5, new Random(4));
    double[] base = cell.apply(parameters, z, injection, false).toDoubleArray();
    double[] coarseMoved = z.toDoubleArray();
    double[] fineMoved = z.toDoubleArray();
    for (int sample = 0; sample < 2; sample++) {
      for (int i = 64; i < 96; i++) {
        coarseMoved[sample * 96 + i] += 0.3;
      }
      for (int i = 0; i < 64; i++) {
        fineMoved[sample * 96 + i] -= 0.3;
      }
    }
    double[] afterCoarse =
        cell.apply(parameters, manager.create(coarseMoved, z.getShape()), injection, false)
            .toDoubleArray();
    double[] afterFine =
        cell.apply(parameters, manager.create(fineMoved, z.getShape()), injection, false)
            .toDoubleArray();
    assertTrue(maxDifference(base, afterCoarse, 0, 64) > 1e-3, "coarse → fine");
    assertTrue(maxDifference(base, afterFine, 64, 96) > 1e-3, "fine → coarse");
  }

  @Test
  void theJacobianProbeRunsOnTheWholeMultiscaleState() {
    ParameterStore parameters = check.parameters();
    NDArray x = check.input();
    NDArray equilibrium = check.solve(x).equilibrium();
    NDArray injection = cell.inject(parameters, x, false);
    JacobianReport report =
        new JacobianProbe(JacobianProbe.Options.defaults())
            .probe(cell, parameters, equilibrium, injection);
    assertTrue(
        report.powerRadius() > 0 && report.powerRadius() < 1,
        "a contractive test instance: ρ = " + report.powerRadius());
    assertEquals(report.powerRadius(), report.arnoldiRadius(), 0.05 * report.powerRadius());
    assertTrue(report.frobeniusSquaredPerDimension() > 0);
  }

  @Test
  void imagesMustHalveEvenlyAtEveryResolution() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> cell.stateShape(new Shape(2, 1, 5, 5)));
    assertTrue(e.getMessage().contains("multiple of 2"), e.getMessage());
  }

  private static double maxDifference(double[] a, double[] b, int from, int to) {
    double worst = 0;
    for (int sample = 0; sample < 2; sample++) {
      for (int i = from; i < to; i++) {
        worst = Math.max(worst, Math.abs(a[sample * 96 + i] - b[sample * 96 + i]));
      }
    }
    return worst;
  }
}
