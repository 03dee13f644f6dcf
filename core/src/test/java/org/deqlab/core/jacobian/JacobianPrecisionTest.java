package org.deqlab.core.jacobian;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.stream.Stream;
import org.deqlab.core.cell.Activation;
import org.deqlab.core.cell.ConvCell;
import org.deqlab.core.cell.ConvolutionPath;
import org.deqlab.core.cell.MlpCell;
import org.deqlab.core.cell.MultiscaleCell;
import org.deqlab.core.cell.TapSpacing;
import org.deqlab.core.cell.TransformerCell;
import org.deqlab.core.cell.TrellisCell;
import org.deqlab.core.cell.TrellisGating;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.numerics.CellTwins;
import org.deqlab.core.numerics.CheckedCell;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Jacobian tools in float32 against the same tools on the float64 twin (same parameters, same
 * point z): Arnoldi with k = d, whose Ritz values are then J's eigenvalues whatever the start,
 * power iteration, and Hutchinson's ‖J‖²_F/d, for every kind of cell — including convolutional
 * cells with 8 channels, where a wrong float32 convolution gradient would make every
 * vector–Jacobian product, and so every estimate, wrong. The multiscale cell is probed on its whole
 * state (both resolutions, 96 numbers per sample).
 */
class JacobianPrecisionTest extends EngineTest {

  static Stream<CheckedCell> cells() {
    return Stream.of(
        new CheckedCell(
            "mlp d=8", () -> new MlpCell(8, 3, Activation.TANH, 0.6), new Shape(3, 3), 1),
        new CheckedCell(
            "conv C=8",
            () -> new ConvCell(new ConvCell.Config(8, 1, 3, 4, Activation.TANH, 0.8)),
            new Shape(2, 1, 3, 3),
            1),
        new CheckedCell(
            "trellisnet gated H=8",
            () ->
                new TrellisCell(
                    TrellisCell.Config.of(8, 3, 2, 1, 0.8)
                        .withGating(TrellisGating.GLU)
                        .withWeightNorm(true)),
            new Shape(2, 4, 3),
            1),
        new CheckedCell(
            "trellisnet lstm exponential taps H=8",
            () ->
                new TrellisCell(
                    TrellisCell.Config.of(8, 3, 3, 2, 0.8)
                        .withTaps(TapSpacing.EXPONENTIAL)
                        .withGating(TrellisGating.LSTM)
                        .withWeightNorm(true)),
            new Shape(2, 4, 3),
            1),
        new CheckedCell(
            "mdeq C=4 scales=2",
            () ->
                new MultiscaleCell(
                    new MultiscaleCell.Config(
                        4, 1, 2, 3, 2, Activation.TANH, 0.3, ConvolutionPath.AUTO, 0)),
            new Shape(2, 1, 4, 4),
            1),
        new CheckedCell(
            "transformer H=8",
            () -> new TransformerCell(new TransformerCell.Config(8, 3, 2, 16, 0, 0.8, 8)),
            new Shape(2, 4, 3),
            3));
  }

  private Linearization linearize(CellTwins twins, DataType dataType) {
    ParameterStore parameters = new ParameterStore(manager, false);
    boolean single = dataType == DataType.FLOAT32;
    var cell = twins.cell(dataType);
    var injection =
        Autograd.noGrad(() -> cell.inject(parameters, single ? twins.x32() : twins.x64(), false));
    return Linearization.at(cell, parameters, single ? twins.z32() : twins.z64(), injection, false);
  }

  @ParameterizedTest
  @MethodSource("cells")
  void float32SpectralAndFrobeniusEstimatesAgreeWithTheFloat64Twin(CheckedCell subject) {
    try (NDManager scope = manager.newSubManager()) {
      CellTwins twins = CellTwins.build(subject, scope, 5);
      SpectralEstimate arnoldi32;
      SpectralEstimate arnoldi64;
      SpectralEstimate power32;
      HutchinsonEstimate frobenius32;
      HutchinsonEstimate frobenius64;
      try (Linearization single = linearize(twins, DataType.FLOAT32);
          Linearization reference = linearize(twins, DataType.FLOAT64)) {
        arnoldi32 = ArnoldiIteration.estimate(single, 1000);
        arnoldi64 = ArnoldiIteration.estimate(reference, 1000);
        power32 = PowerIteration.estimate(single, 400);
        frobenius32 = Hutchinson.estimate(single, 1024, ProbeDistribution.RADEMACHER);
        frobenius64 = Hutchinson.estimate(reference, 1024, ProbeDistribution.RADEMACHER);
      }
      double rho = arnoldi64.radius();
      double frobeniusError = Math.hypot(frobenius32.standardError(), frobenius64.standardError());
      System.out.printf(
          "%s: Arnoldi(k=d) ρ float32 %.7f vs float64 %.7f; power(400) float32 %.5f;"
              + " Hutchinson(1024) float32 %.4f ± %.4f vs float64 %.4f ± %.4f%n",
          subject.label(),
          arnoldi32.radius(),
          rho,
          power32.radius(),
          frobenius32.value(),
          frobenius32.standardError(),
          frobenius64.value(),
          frobenius64.standardError());
      assertEquals(rho, arnoldi32.radius(), 1e-4 * rho, "Arnoldi with k = d");
      assertEquals(rho, power32.radius(), 3e-2 * rho, "power iteration (gap-limited)");
      assertEquals(frobenius64.value(), frobenius32.value(), 5 * frobeniusError, "Hutchinson");
    }
  }
}
