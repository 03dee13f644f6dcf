package org.deqlab.core.numerics;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.deqlab.core.cell.ConvolutionPath;
import org.deqlab.core.experiment.CellKind;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.Presets;

/**
 * The cells a precision check runs on: the one a config is about to train (at its sizes, on a short
 * input), and the built-in suite of {@code ./deq doctor} — every preset's cell and every cell kind
 * at a small size, where convolutions have few channels.
 */
public final class PrecisionSubjects {
  /**
   * At most this many samples and positions: the check's cost, not the kernels, depends on them.
   */
  private static final int BATCH = 4;

  private static final int LENGTH = 12;
  private static final int IMAGE_SIDE = 8;

  /**
   * Spectral normalization makes W_sn = c·W/σ̂(W) blind to W's scale, so the gradient w.r.t. that
   * scale (a weight-norm gain's, or W's along its top singular direction) is a difference of two
   * nearly equal terms: float32 gives it relative errors of 3e-5–4e-4 (measured on the trellis
   * cell's gains), where a wrong kernel gives 0.2–4. Its checks are ten times looser.
   */
  private static final double SPECTRAL_TOLERANCE_FACTOR = 10;

  /** The state width of the small variants: a convolution with 8 channels. */
  private static final int SMALL = 8;

  private PrecisionSubjects() {}

  /**
   * The cell of {@code config}'s model (without dropout) at its widths, with a float64 twin that
   * runs convolutions unfolded (slices and matrix products only), on an input of at most {@value
   * #BATCH} samples (at least 2: PyTorch picks some kernels only for batches) and {@value #LENGTH}
   * positions or an {@value #IMAGE_SIDE}² image.
   */
  public static CheckedCell forConfig(ExperimentConfig config, String label) {
    ExperimentConfig.Model spec = config.model().withDropout(0);
    ExperimentConfig.Task task = config.task();
    int batch = Math.max(2, Math.min(BATCH, task.batchSize()));
    int inputWidth = task.kind().inputWidth(spec);
    int length = Math.min(task.kind().images() ? IMAGE_SIDE : LENGTH, task.sequenceLength());
    Shape input =
        spec.cell() == CellKind.MLP
            ? new Shape(batch, inputWidth)
            : task.kind().cellInputShape(batch, length, spec);
    ExperimentConfig.Model reference = spec.withConvolution(ConvolutionPath.UNFOLDED);
    return new CheckedCell(
        label,
        () -> spec.cell().build(spec, inputWidth),
        input,
        1,
        () -> reference.cell().build(reference, inputWidth),
        spec.cell().convolutional(),
        spec.spectralNorm() > 0 ? SPECTRAL_TOLERANCE_FACTOR : 1);
  }

  /** A short description of a config's cell and widths, e.g. {@code trellisnet H=48 k=3}. */
  public static String describe(ExperimentConfig.Model model) {
    return model.cell().describe(model);
  }

  /**
   * The doctor's suite: every preset's cell at the preset's sizes, then every cell kind at state
   * width {@value #SMALL} (on the first preset that uses it, or on the first preset), all on the
   * given convolution path.
   */
  public static List<CheckedCell> builtIn(ConvolutionPath path) {
    List<CheckedCell> subjects = new ArrayList<>();
    for (String name : Presets.names()) {
      ExperimentConfig preset = Presets.get(name);
      preset = preset.withModel(preset.model().withConvolution(path));
      subjects.add(forConfig(preset, describe(preset.model()) + " (" + name + ")"));
    }
    subjects.addAll(small(path));
    return subjects;
  }

  /** Every cell kind at state width {@value #SMALL}, on the given convolution path. */
  public static List<CheckedCell> small(ConvolutionPath path) {
    List<CheckedCell> subjects = new ArrayList<>();
    for (CellKind kind : CellKind.builtIns()) {
      ExperimentConfig host =
          Presets.names().stream()
              .map(Presets::get)
              .filter(preset -> preset.model().cell() == kind)
              .findFirst()
              .orElse(Presets.get(Presets.DEFAULT));
      subjects.add(small(host, kind, path));
    }
    return subjects;
  }

  private static CheckedCell small(ExperimentConfig preset, CellKind kind, ConvolutionPath path) {
    ExperimentConfig.Model m = preset.model();
    ExperimentConfig.Model spec =
        m.withCell(kind)
            .withWidths(Math.min(m.embedding(), SMALL), SMALL, Math.min(2, m.heads()), 2 * SMALL)
            .withDropout(0)
            .withConvolution(path);
    return forConfig(preset.withModel(spec), describe(spec) + " (small)");
  }
}
