package org.deqlab.core.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.deqlab.core.testing.Dense;
import org.junit.jupiter.api.Test;

/**
 * {@link TransformerCell} with the learned relative-position bias, over fewer distances than the
 * test sequence is long (so the last distance is shared): the contracts of every cell and of
 * sequence cells, which include the finite-difference check of the bias's gradient.
 */
class RelativeBiasTransformerCellTest extends SequenceCellContract {

  @Override
  protected Cell newCell(double dropout) {
    return new TransformerCell(new TransformerCell.Config(4, 3, 2, 8, dropout, 0.3, 3));
  }

  @Override
  protected int inputSize() {
    return 3;
  }

  @Test
  void theBiasHasOneValuePerHeadAndDistanceAndChangesTheMap() {
    NDArray bias = cell.getParameters().get("relativeBias").getArray();
    assertEquals(new Shape(2, 3), bias.getShape());
    NDArray injection = cell.inject(check.parameters(), check.input(), false);
    NDArray z = check.solve(check.input()).equilibrium();
    double[] before = cell.apply(check.parameters(), z, injection, false).toDoubleArray();
    double[] saved = bias.toDoubleArray();
    bias.set(new double[] {0.5, -0.5, 1.0, 0.2, -0.3, 0.8});
    double[] after = cell.apply(check.parameters(), z, injection, false).toDoubleArray();
    bias.set(saved);
    assertTrue(
        Dense.relativeError(after, before) > 1e-3,
        "a non-zero relative bias must change f, relative change "
            + Dense.relativeError(after, before));
  }
}
