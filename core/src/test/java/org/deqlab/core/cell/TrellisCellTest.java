package org.deqlab.core.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * {@link TrellisCell} with tanh, weight normalization and dilation 2 on a tiny float64 instance
 * (B=2, T=5, H=4, p=3): the contracts of every cell and of sequence cells, plus its own shapes.
 */
class TrellisCellTest extends SequenceCellContract {

  @Override
  protected Cell newCell(double dropout) {
    return new TrellisCell(
        TrellisCell.Config.of(4, 3, 2, 2, 0.3).withWeightNorm(true).withDropout(dropout));
  }

  @Override
  protected int inputSize() {
    return 3;
  }

  @Test
  void theInjectionIsAConvolutionOfTheInputInChannelsFirstLayout() {
    NDArray injection = cell.inject(check.parameters(), check.input(), false);
    assertEquals(new Shape(2, 4, 5), injection.getShape());
    assertEquals(new Shape(2, 5, 4), cell.stateShape(new Shape(2, 5, 3)));
  }

  @Test
  void weightNormAddsOneGainPerOutputChannelAndEachConvolution() {
    assertEquals(5, cell.getParameters().size()); // W, U, b, gW, gU
    assertEquals(new Shape(4), cell.getParameters().get("gW").getArray().getShape());
  }

  @Test
  void invalidConfigurationsNameTheFieldAndTheAllowedRange() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TrellisCell.Config.of(4, 3, 0, 1, 0.3));
    assertTrue(e.getMessage().contains("kernelSize"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrellisCell.Config.of(4, 3, 2, 1, 0.3).withDropout(1.0));
    assertTrue(e.getMessage().contains("dropout must be in [0, 1)"), e.getMessage());
  }
}
