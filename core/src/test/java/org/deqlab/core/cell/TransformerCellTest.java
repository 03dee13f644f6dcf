package org.deqlab.core.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * {@link TransformerCell} on a tiny float64 instance (B=2, T=5, H=4, 2 heads, feed-forward 8, p=3):
 * the contracts of every cell and of sequence cells, plus its own shapes. The input is scaled up so
 * that the injection dominates the layer norms' denominators and f contracts.
 */
class TransformerCellTest extends SequenceCellContract {

  @Override
  protected Cell newCell(double dropout) {
    return new TransformerCell(new TransformerCell.Config(4, 3, 2, 8, dropout, 0.3));
  }

  @Override
  protected int inputSize() {
    return 3;
  }

  @Override
  protected double inputScale() {
    return 3;
  }

  @Test
  void theInjectionPacksTheResidualAndThePositionalProjections() {
    NDArray injection = cell.inject(check.parameters(), check.input(), false);
    assertEquals(new Shape(2, 5, 16), injection.getShape());
  }

  @Test
  void theEquilibriumIsLayerNormalizedAtEveryPosition() {
    NDArray z = check.solve(check.input()).equilibrium();
    NDArray gain = cell.getParameters().get("norm2Gain").getArray();
    NDArray shift = cell.getParameters().get("norm2Bias").getArray();
    NDArray normalized = z.sub(shift).div(gain); // undo LN₂'s affine part
    for (double mean : normalized.mean(new int[] {2}).toDoubleArray()) {
      assertEquals(0, mean, 1e-12);
    }
    for (double variance : normalized.square().mean(new int[] {2}).toDoubleArray()) {
      assertEquals(1, variance, 1e-3);
    }
  }

  @Test
  void sinusoidsFollowTheUsualTable() {
    NDArray table = TransformerCell.sinusoids(manager, 3, 4, DataType.FLOAT64, manager.getDevice());
    double[] v = table.toDoubleArray();
    assertEquals(0.0, v[0], 0); // sin(0)
    assertEquals(1.0, v[1], 0); // cos(0)
    assertEquals(Math.sin(2), v[8], 1e-15);
    assertEquals(Math.cos(2 / 100.0), v[11], 1e-15);
  }

  @Test
  void headsMustDivideTheHiddenSize() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new TransformerCell.Config(6, 3, 4, 8, 0, 1));
    assertTrue(e.getMessage().contains("heads"), e.getMessage());
  }
}
