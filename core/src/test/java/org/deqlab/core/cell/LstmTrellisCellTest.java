package org.deqlab.core.cell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/**
 * {@link TrellisCell} with TrellisNet's LSTM unit, exponentially spaced taps (lags 0, 1, 2) and
 * weight normalization on a tiny float64 instance (B=2, T=5, H=8 so h and c have 4 channels each,
 * p=3): the contracts of every cell and of sequence cells, plus what the unit and the taps are.
 */
class LstmTrellisCellTest extends SequenceCellContract {

  @Override
  protected Cell newCell(double dropout) {
    return new TrellisCell(
        TrellisCell.Config.of(8, 3, 3, 1, 0.4)
            .withTaps(TapSpacing.EXPONENTIAL)
            .withGating(TrellisGating.LSTM)
            .withWeightNorm(true)
            .withDropout(dropout));
  }

  @Override
  protected int inputSize() {
    return 3;
  }

  @Test
  void theConvolutionReadsHAndGivesFourGates() {
    // 4 gates of H/2 = 4 channels each, from the 4 channels of h, 3 taps.
    assertEquals(new Shape(16, 4, 3), cell.getParameters().get("W").getArray().getShape());
    NDArray injection = cell.inject(check.parameters(), check.input(), false);
    assertEquals(new Shape(2, 16, 5), injection.getShape());
  }

  @Test
  void exponentialTapsLookBackByPowersOfTwoAndDilatedOnesEvenly() {
    assertArrayEquals(new int[] {64, 32, 16, 8, 4, 2, 1, 0}, TapSpacing.EXPONENTIAL.lags(8, 2));
    assertArrayEquals(
        new int[] {64, 56, 48, 40, 32, 24, 16, 8, 7, 6, 5, 4, 3, 2, 1, 0},
        TapSpacing.EXPONENTIAL.lags(16, 8));
    assertArrayEquals(new int[] {6, 4, 2, 0}, TapSpacing.DILATED.lags(4, 2));
  }

  @Test
  void theMemoryCellIsForgottenAndWrittenByItsGates() {
    // With z = 0 the convolution of h is 0, so the gates are the injection's: c_t = σ(i)·tanh(g)
    // (the previous cell is 0), h_t = σ(o)·tanh(c_t).
    ParameterStore parameters = check.parameters();
    NDArray x = check.input();
    NDArray injection = cell.inject(parameters, x, false);
    NDArray z = manager.zeros(cell.stateShape(x.getShape()), x.getDataType());
    double[] out = cell.apply(parameters, z, injection, false).toDoubleArray();
    double[] gates = injection.transpose(0, 2, 1).toDoubleArray(); // (B, T, 16): i, o, g, f
    for (int position = 0; position < 10; position++) {
      for (int channel = 0; channel < 4; channel++) {
        double input = sigmoid(gates[position * 16 + channel]);
        double output = sigmoid(gates[position * 16 + 4 + channel]);
        double candidate = Math.tanh(gates[position * 16 + 8 + channel]);
        double memory = input * candidate;
        assertEquals(memory, out[position * 8 + 4 + channel], 1e-12, "c");
        assertEquals(output * Math.tanh(memory), out[position * 8 + channel], 1e-12, "h");
      }
    }
  }

  @Test
  void theLstmUnitNeedsAnEvenWidth() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrellisCell.Config.of(5, 3, 2, 1, 0.4).withGating(TrellisGating.LSTM));
    assertTrue(e.getMessage().contains("even"), e.getMessage());
  }

  private static double sigmoid(double a) {
    return 1 / (1 + Math.exp(-a));
  }
}
