package org.deqlab.core.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * {@link TrellisCell} with the gated activation tanh(a) ⊙ σ(b), kernel 3 and no weight
 * normalization, on a tiny float64 instance: the contracts of every cell and of sequence cells.
 */
class GatedTrellisCellTest extends SequenceCellContract {

  @Override
  protected Cell newCell(double dropout) {
    return new TrellisCell(
        TrellisCell.Config.of(4, 3, 3, 1, 0.4).withGating(TrellisGating.GLU).withDropout(dropout));
  }

  @Override
  protected int inputSize() {
    return 3;
  }

  @Test
  void theGatedConvolutionProducesBothHalvesOfTheGate() {
    assertEquals(new Shape(8, 4, 3), cell.getParameters().get("W").getArray().getShape());
    NDArray injection = cell.inject(check.parameters(), check.input(), false);
    assertEquals(new Shape(2, 8, 5), injection.getShape());
  }
}
