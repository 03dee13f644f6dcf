package org.deqlab.core.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deqlab.core.cell.ConvolutionPath;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.Precision;
import org.deqlab.core.experiment.Presets;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate before a float32 run, with a fake check standing for a machine whose native convolution
 * gradients are wrong: it switches {@code auto} to the unfolded path, refuses an explicit {@code
 * native} naming the field, passes float64 unchecked, and asks the check once per machine and cell
 * (the cache). The real check runs once, on the default preset.
 */
class PrecisionGateTest extends EngineTest {
  @TempDir Path directory;

  /** Checks that pass on the unfolded path and fail elsewhere, recording what was asked. */
  private static final class BrokenNativeConvolutions implements PrecisionGate.CellCheck {
    final List<String> asked = new ArrayList<>();

    @Override
    public List<PrecisionOutcome> run(CheckedCell subject, NDManager manager) {
      asked.add(subject.label());
      boolean right = !subject.label().contains("[") || subject.label().contains("[unfolded]");
      return List.of(
          new PrecisionOutcome(
              subject.label(),
              Probe.CELL_VJP,
              List.of(new PrecisionOutcome.QuantityError("z", right ? 1e-7 : 0.8)),
              1e-4,
              subject.convolutional()));
    }
  }

  private PrecisionGate gate(PrecisionGate.CellCheck check) {
    return new PrecisionGate(new PrecisionCache(directory.resolve("cache.json")), check);
  }

  private static ExperimentConfig trellis(ConvolutionPath path) {
    ExperimentConfig preset = Presets.get("copy-memory-deq-trellisnet");
    return preset.withModel(preset.model().withConvolution(path));
  }

  @Test
  void autoMovesToTheUnfoldedPathWhenTheNativeGradientsAreWrong() {
    BrokenNativeConvolutions check = new BrokenNativeConvolutions();
    PrecisionGate.Decision decision = gate(check).verify(trellis(ConvolutionPath.AUTO), manager);
    assertEquals(ConvolutionPath.UNFOLDED, decision.config().model().convolution());
    assertTrue(decision.message().contains("unfolded"), decision.message());
    assertEquals(2, check.asked.size(), "auto checked, then unfolded checked: " + check.asked);
  }

  @Test
  void aSpectrallyNormalizedTrellisCellPassesTheRealGateAtItsLooserTolerance() {
    // W_sn = c·W/σ̂ is blind to W's scale: the gain gradients are differences of nearly equal
    // terms, 4e-4 off in float32 on char-lm-deq-trellisnet (measured), so the check is 10× looser.
    ExperimentConfig preset = Presets.get("char-lm-deq-trellisnet");
    ExperimentConfig spectral = preset.withModel(preset.model().withSpectralNorm(1.0));
    assertEquals(
        10, PrecisionSubjects.forConfig(spectral, "sn").toleranceFactor(), "spectral: looser");
    assertEquals(1, PrecisionSubjects.forConfig(preset, "plain").toleranceFactor());
    PrecisionGate gate =
        new PrecisionGate(
            new PrecisionCache(directory.resolve("real.json")),
            new PrecisionCheck(PrecisionCheck.Tolerances.defaults(), 17)::run);
    PrecisionGate.Decision decision = gate.verify(spectral, manager);
    assertTrue(decision.message().contains("verified"), decision.message());
  }

  @Test
  void anExplicitNativePathIsRefusedWithTheFieldToChange() {
    PrecisionCheckFailedException refused =
        assertThrows(
            PrecisionCheckFailedException.class,
            () ->
                gate(new BrokenNativeConvolutions())
                    .verify(trellis(ConvolutionPath.NATIVE), manager));
    assertTrue(refused.getMessage().contains("model.convolution"), refused.getMessage());
    assertTrue(
        refused.getMessage().contains("0.8") || refused.getMessage().contains("8.0e-01"),
        "the measured error is named: " + refused.getMessage());
  }

  @Test
  void verdictsAreCachedPerMachineAndCellAndFloat64IsNotChecked() {
    BrokenNativeConvolutions check = new BrokenNativeConvolutions();
    PrecisionGate gate = gate(check);
    ExperimentConfig config = trellis(ConvolutionPath.UNFOLDED);
    assertSame(config, gate.verify(config, manager).config());
    PrecisionGate.Decision again = gate.verify(config, manager);
    assertEquals(1, check.asked.size(), "the second verify reads the cache");
    assertTrue(again.message().contains("cached"), again.message());

    gate.verify(config.withDtype(Precision.FLOAT64), manager);
    assertEquals(1, check.asked.size(), "float64 is the reference: nothing to check");
  }

  @Test
  void theRealCheckPassesTheDefaultPresetOnThisMachine() {
    PrecisionCheck real = new PrecisionCheck(PrecisionCheck.Tolerances.defaults(), 17);
    PrecisionGate.Decision decision = gate(real::run).verify(Presets.get(Presets.DEFAULT), manager);
    assertTrue(
        decision.message().startsWith("float32 gradients of transformer"), decision.message());
  }
}
