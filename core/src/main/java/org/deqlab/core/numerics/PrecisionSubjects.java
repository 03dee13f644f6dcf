package org.deqlab.core.numerics;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deqlab.core.cell.ConvolutionPath;
import org.deqlab.core.model.ModelFactory;
import org.deqlab.core.train.Presets;
import org.deqlab.core.train.TrainingConfig;

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

  /** The state width of the small variants: a convolution with 8 channels. */
  private static final int SMALL = 8;

  private PrecisionSubjects() {}

  /**
   * The cell of {@code config}'s model (without dropout) at its widths, with a float64 twin that
   * runs convolutions unfolded (slices and matrix products only), on an input of at most {@value
   * #BATCH} samples (at least 2: PyTorch picks some kernels only for batches) and {@value #LENGTH}
   * positions or an {@value #IMAGE_SIDE}² image.
   */
  public static CheckedCell forConfig(TrainingConfig config, String label) {
    TrainingConfig.Model spec = config.model().withDropout(0);
    TrainingConfig.Task task = config.task();
    int batch = Math.max(2, Math.min(BATCH, task.batchSize()));
    boolean images = task.kind().equals("shapes");
    int inputWidth = images ? 1 : spec.embedding();
    Shape input =
        images
            ? new Shape(
                batch,
                1,
                Math.min(IMAGE_SIDE, task.sequenceLength()),
                Math.min(IMAGE_SIDE, task.sequenceLength()))
            : spec.cell().equals("mlp")
                ? new Shape(batch, inputWidth)
                : new Shape(batch, Math.min(LENGTH, task.sequenceLength()), inputWidth);
    TrainingConfig.Model reference = spec.withConvolution(ConvolutionPath.UNFOLDED);
    return new CheckedCell(
        label,
        () -> ModelFactory.cell(spec, inputWidth),
        input,
        1,
        () -> ModelFactory.cell(reference, inputWidth));
  }

  /** A short description of a config's cell and widths, e.g. {@code trellisnet H=48 k=3}. */
  public static String describe(TrainingConfig.Model model) {
    String sizes =
        switch (model.cell()) {
          case "transformer" ->
              String.format(
                  Locale.ROOT,
                  "H=%d heads=%d ff=%d",
                  model.hidden(),
                  model.heads(),
                  model.feedForward());
          case "trellisnet" ->
              String.format(
                  Locale.ROOT,
                  "H=%d k=%d d=%d%s",
                  model.hidden(),
                  model.kernelSize(),
                  model.dilation(),
                  model.weightNorm() ? " wn" : "");
          case "conv" ->
              String.format(Locale.ROOT, "C=%d k=%d", model.hidden(), model.kernelSize());
          default -> "d=" + model.hidden();
        };
    String path = model.convolutional() ? " [" + model.convolution() + "]" : "";
    return model.cell() + " " + sizes + path;
  }

  /**
   * The doctor's suite: every preset's cell at the preset's sizes, then every cell kind at state
   * width {@value #SMALL}, all on the given convolution path.
   */
  public static List<CheckedCell> builtIn(ConvolutionPath path) {
    List<CheckedCell> subjects = new ArrayList<>();
    List<String> kindsSeen = new ArrayList<>();
    TrainingConfig template = null;
    for (String name : Presets.names()) {
      TrainingConfig preset = Presets.get(name);
      preset = preset.withModel(preset.model().withConvolution(path));
      subjects.add(forConfig(preset, describe(preset.model()) + " (" + name + ")"));
      kindsSeen.add(preset.model().cell());
      if (template == null || preset.model().cell().equals("trellisnet")) {
        template = preset;
      }
    }
    List<String> smallKinds = new ArrayList<>();
    for (String name : Presets.names()) {
      TrainingConfig preset = Presets.get(name);
      String kind = preset.model().cell();
      if (!smallKinds.contains(kind)) {
        smallKinds.add(kind);
        subjects.add(small(preset, kind, path));
      }
    }
    if (!kindsSeen.contains("mlp")) {
      subjects.add(small(template, "mlp", path));
    }
    return subjects;
  }

  private static CheckedCell small(TrainingConfig preset, String cell, ConvolutionPath path) {
    TrainingConfig.Model m = preset.model();
    TrainingConfig.Model spec =
        new TrainingConfig.Model(
            cell,
            m.layer(),
            m.depth(),
            m.pretrainDepth(),
            Math.min(m.embedding(), SMALL),
            SMALL,
            Math.min(2, m.heads()),
            2 * SMALL,
            m.kernelSize(),
            m.dilation(),
            0,
            m.weightNorm(),
            m.initScale(),
            path);
    TrainingConfig config = preset.withModel(spec);
    return forConfig(config, describe(spec) + " (small)");
  }
}
