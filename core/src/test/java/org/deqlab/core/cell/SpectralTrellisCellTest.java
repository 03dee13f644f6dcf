package org.deqlab.core.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import org.deqlab.core.numerics.PrecisionCheck;
import org.junit.jupiter.api.Test;

/**
 * {@link TrellisCell} with spectral normalization to 0.4, on weights drawn well above that bound
 * (tanh, kernel 2, no weight norm, B=2, T=5, H=4, p=3): the contracts of every cell and of sequence
 * cells hold with the normalization in the map — in particular the implicit gradients, which flow
 * through σ̂ = uᵀWv, match central finite differences in float64 and agree in float32.
 */
class SpectralTrellisCellTest extends SequenceCellContract {
  private static final double BOUND = 0.4;

  @Override
  protected Cell newCell(double dropout) {
    return new TrellisCell(
        TrellisCell.Config.of(4, 3, 2, 1, 2.0).withSpectralNorm(BOUND).withDropout(dropout));
  }

  @Override
  protected int inputSize() {
    return 3;
  }

  /**
   * The VJP w.r.t. W through {@code c·W/σ̂} is {@code (c/σ̂)(G − ⟨G, W⟩/σ̂ · u vᵀ)}: two terms that
   * nearly cancel along the top singular direction, which on this 4×8 weight carries most of G, so
   * float32 rounding shows 2–3e-5 relative error there (measured; z, x, U, b stay below 3e-7).
   */
  @Override
  protected PrecisionCheck.Tolerances float32Tolerances() {
    return new PrecisionCheck.Tolerances(5e-5, 1e-4, 3e-3);
  }

  @Test
  void theBoundIsActiveOnTheTestInstance() {
    NDArray w = cell.getParameters().get("W").getArray();
    double sigma = SpectralNormTest.largestSingularValue(w.toType(DataType.FLOAT64, false));
    assertTrue(sigma > 2 * BOUND, "the raw recurrent weight should exceed the bound: " + sigma);
  }

  @Test
  void evaluationPassesDoNotMoveTheEstimateAndTrainingPassesDo() {
    ParameterStore parameters = check.parameters();
    NDArray x = check.input();
    NDArray z = manager.zeros(cell.stateShape(x.getShape()), DataType.FLOAT64);
    cell.startPass(x, false);
    double[] first =
        cell.apply(parameters, z, cell.inject(parameters, x, false), false).toDoubleArray();
    cell.startPass(x, false);
    double[] again =
        cell.apply(parameters, z, cell.inject(parameters, x, false), false).toDoubleArray();
    assertEquals(0, org.deqlab.core.testing.Dense.relativeError(again, first), 0.0);
  }
}
