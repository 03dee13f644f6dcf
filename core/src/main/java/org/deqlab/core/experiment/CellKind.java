package org.deqlab.core.experiment;

import java.util.Locale;
import org.deqlab.core.cell.Activation;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.cell.ConvCell;
import org.deqlab.core.cell.MlpCell;
import org.deqlab.core.cell.MultiscaleCell;
import org.deqlab.core.cell.TapSpacing;
import org.deqlab.core.cell.TransformerCell;
import org.deqlab.core.cell.TrellisCell;
import org.deqlab.core.cell.TrellisGating;
import org.deqlab.core.text.Labelled;

/**
 * The built-in cells, each knowing how to build itself from a model section. A new cell is written
 * in {@code org.deqlab.core.cell} and registered here with one constant: configs, the window's
 * choices and the precision checks all take it from this list.
 */
public enum CellKind implements Labelled {
  /** DEQ-Transformer (Universal Transformer layer) with a relative-position bias. */
  TRANSFORMER(false, false) {
    @Override
    public Cell build(ExperimentConfig.Model spec, int inputWidth) {
      return new TransformerCell(
          new TransformerCell.Config(
              spec.hidden(),
              inputWidth,
              spec.heads(),
              spec.feedForward(),
              spec.dropout(),
              0.5 * spec.initScale(),
              RELATIVE_DISTANCES));
    }

    @Override
    String sizes(ExperimentConfig.Model spec) {
      return String.format(
          Locale.ROOT, "H=%d heads=%d ff=%d", spec.hidden(), spec.heads(), spec.feedForward());
    }
  },
  /** DEQ-TrellisNet: a causal, dilated, weight-normalized convolution over time. */
  TRELLISNET(true, true) {
    @Override
    public Cell build(ExperimentConfig.Model spec, int inputWidth) {
      return new TrellisCell(
          new TrellisCell.Config(
              spec.hidden(),
              inputWidth,
              spec.kernelSize(),
              spec.dilation(),
              spec.taps(),
              spec.gating(),
              spec.weightNorm(),
              spec.spectralNorm(),
              spec.dropout(),
              0.5 * spec.initScale(),
              spec.convolution()));
    }

    @Override
    String sizes(ExperimentConfig.Model spec) {
      return String.format(
          Locale.ROOT,
          "H=%d k=%d d=%d%s%s%s%s",
          spec.hidden(),
          spec.kernelSize(),
          spec.dilation(),
          spec.taps() == TapSpacing.EXPONENTIAL
              ? " exp-taps reach "
                  + TapSpacing.EXPONENTIAL.reach(spec.kernelSize(), spec.dilation())
              : "",
          spec.gating() == TrellisGating.NONE ? "" : " " + spec.gating(),
          spec.weightNorm() ? " wn" : "",
          spectral(spec));
    }
  },
  /** A 2-D convolution with group norm over images (single-scale). */
  CONV(true, true) {
    @Override
    public Cell build(ExperimentConfig.Model spec, int inputWidth) {
      // Group norm with 4 groups where the channels allow it (as multiscale DEQs do), else none.
      int groups = spec.hidden() % 4 == 0 ? 4 : 0;
      return new ConvCell(
          new ConvCell.Config(
              spec.hidden(),
              inputWidth,
              spec.kernelSize(),
              groups,
              Activation.RELU,
              0.5 * spec.initScale(),
              spec.convolution(),
              spec.spectralNorm()));
    }

    @Override
    String sizes(ExperimentConfig.Model spec) {
      return String.format(Locale.ROOT, "C=%d k=%d", spec.hidden(), spec.kernelSize())
          + spectral(spec);
    }
  },
  /**
   * MDEQ-style multiscale convolution over images: several resolutions in one equilibrium state, a
   * residual block per resolution, fused by up- and down-sampling.
   */
  MDEQ(true, true) {
    @Override
    public Cell build(ExperimentConfig.Model spec, int inputWidth) {
      // Group norm with 4 groups where the channels allow it (as MDEQ does), else 2 or 1.
      int groups = spec.hidden() % 4 == 0 ? 4 : spec.hidden() % 2 == 0 ? 2 : 1;
      return new MultiscaleCell(
          new MultiscaleCell.Config(
              spec.hidden(),
              inputWidth,
              spec.scales(),
              spec.kernelSize(),
              groups,
              Activation.RELU,
              // Each block's norm gain multiplies a path through two convolutions and the fusion's
              // sum over resolutions: 0.2 keeps ρ(J_f) below 1 at the start (0.5 did not).
              0.2 * spec.initScale(),
              spec.convolution(),
              spec.spectralNorm()));
    }

    @Override
    String sizes(ExperimentConfig.Model spec) {
      return String.format(
              Locale.ROOT, "C=%d scales=%d k=%d", spec.hidden(), spec.scales(), spec.kernelSize())
          + spectral(spec);
    }

    @Override
    public int featureWidth(ExperimentConfig.Model spec) {
      return spec.hidden() * ((1 << spec.scales()) - 1);
    }
  },
  /** {@code tanh(z Wᵀ + x Uᵀ + b)}, position by position. */
  MLP(false, false) {
    @Override
    public Cell build(ExperimentConfig.Model spec, int inputWidth) {
      return new MlpCell(spec.hidden(), inputWidth, Activation.TANH, 0.4 * spec.initScale());
    }

    @Override
    String sizes(ExperimentConfig.Model spec) {
      return "d=" + spec.hidden();
    }
  },
  /**
   * A user's TorchScript module ({@code model.module}) whose {@code forward(z, x)} is f. It is not
   * built from sizes: a run loads it on its device and checks it on {@code model.moduleInput}.
   */
  TORCHSCRIPT(false, false) {
    @Override
    public Cell build(ExperimentConfig.Model spec, int inputWidth) {
      throw new IllegalArgumentException(
          "model.cell torchscript is loaded from model.module by a run, on the run's device");
    }

    @Override
    String sizes(ExperimentConfig.Model spec) {
      return java.nio.file.Path.of(spec.module()).getFileName().toString();
    }

    @Override
    public boolean builtIn() {
      return false;
    }
  };

  /** Distances with their own relative-position bias: covers the sweeps' longest sequences. */
  private static final int RELATIVE_DISTANCES = 1024;

  private final boolean convolutional;
  private final boolean spectralNormalized;

  CellKind(boolean convolutional, boolean spectralNormalized) {
    this.convolutional = convolutional;
    this.spectralNormalized = spectralNormalized;
  }

  /** Whether the cell is the workbench's own (built from sizes), not a user's module. */
  public boolean builtIn() {
    return true;
  }

  /** The workbench's own cells: what the precision checks and the doctor go through. */
  public static java.util.List<CellKind> builtIns() {
    return java.util.Arrays.stream(values()).filter(CellKind::builtIn).toList();
  }

  /** Whether the cell takes {@code model.spectralNorm}. */
  public boolean spectralNormalized() {
    return spectralNormalized;
  }

  /** The width of the features an image classifier reads from this cell's state. */
  public int featureWidth(ExperimentConfig.Model spec) {
    return spec.hidden();
  }

  private static String spectral(ExperimentConfig.Model spec) {
    return spec.spectralNorm() > 0
        ? String.format(Locale.ROOT, " sn≤%s", Double.toString(spec.spectralNorm()))
        : "";
  }

  /** A new, uninitialized cell for {@code spec} taking inputs of width {@code inputWidth}. */
  public abstract Cell build(ExperimentConfig.Model spec, int inputWidth);

  /** The widths that matter, e.g. {@code H=48 k=3 d=1 wn}. */
  abstract String sizes(ExperimentConfig.Model spec);

  /** Whether the cell has convolutions, whose kernel {@code model.convolution} chooses. */
  public boolean convolutional() {
    return convolutional;
  }

  /** A short description of {@code spec}'s cell, e.g. {@code trellisnet H=48 k=3 d=1 wn [auto]}. */
  public String describe(ExperimentConfig.Model spec) {
    String path = convolutional ? " [" + spec.convolution() + "]" : "";
    return label() + " " + sizes(spec) + path;
  }

  @Override
  public String toString() {
    return label();
  }
}
