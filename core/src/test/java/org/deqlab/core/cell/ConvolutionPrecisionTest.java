package org.deqlab.core.cell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import org.deqlab.core.numerics.CheckedCell;
import org.deqlab.core.numerics.PrecisionCheck;
import org.deqlab.core.numerics.PrecisionOutcome;
import org.deqlab.core.numerics.Probe;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.Test;

/**
 * Convolutional cells with few channels have right float32 gradients: the VJP of f w.r.t. z, x and
 * every parameter in float32 agrees with the float64 twin's. On AVX-512 CPUs with PyTorch 2.7.1 the
 * engine's own convolution failed this at 8 channels (input-gradient errors 0.4–0.9).
 */
class ConvolutionPrecisionTest extends EngineTest {
  private final PrecisionCheck check = new PrecisionCheck(PrecisionCheck.Tolerances.defaults(), 11);

  private void assertCellVjpAgrees(CheckedCell subject) {
    PrecisionOutcome outcome = check.run(subject, Probe.CELL_VJP, manager);
    assertTrue(outcome.passed(), outcome.describe() + " " + outcome.errors());
  }

  @Test
  void aConvCellWithEightChannelsHasFloat32GradientsThatMatchFloat64() {
    assertCellVjpAgrees(
        new CheckedCell(
            "conv C=8",
            () -> new ConvCell(new ConvCell.Config(8, 1, 3, 4, Activation.RELU, 0.5)),
            new Shape(4, 1, 6, 6),
            1));
  }

  @Test
  void aTrellisCellWithEightChannelsHasFloat32GradientsThatMatchFloat64() {
    assertCellVjpAgrees(
        new CheckedCell(
            "trellisnet H=8",
            () -> new TrellisCell(TrellisCell.Config.of(8, 4, 2, 1, 0.5).withWeightNorm(true)),
            new Shape(4, 10, 4),
            1));
  }
}
