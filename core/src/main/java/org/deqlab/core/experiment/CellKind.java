package org.deqlab.core.experiment;

import java.util.Locale;
import org.deqlab.core.cell.Activation;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.cell.ConvCell;
import org.deqlab.core.cell.MlpCell;
import org.deqlab.core.cell.TransformerCell;
import org.deqlab.core.cell.TrellisCell;
import org.deqlab.core.text.Labelled;

/**
 * The built-in cells, each knowing how to build itself from a model section. A new cell is written
 * in {@code org.deqlab.core.cell} and registered here with one constant: configs, the window's
 * choices and the precision checks all take it from this list.
 */
public enum CellKind implements Labelled {
  /** DEQ-Transformer (Universal Transformer layer) with a relative-position bias. */
  TRANSFORMER(false) {
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
  TRELLISNET(true) {
    @Override
    public Cell build(ExperimentConfig.Model spec, int inputWidth) {
      return new TrellisCell(
          new TrellisCell.Config(
              spec.hidden(),
              inputWidth,
              spec.kernelSize(),
              spec.dilation(),
              false,
              spec.weightNorm(),
              spec.dropout(),
              0.5 * spec.initScale(),
              spec.convolution()));
    }

    @Override
    String sizes(ExperimentConfig.Model spec) {
      return String.format(
          Locale.ROOT,
          "H=%d k=%d d=%d%s",
          spec.hidden(),
          spec.kernelSize(),
          spec.dilation(),
          spec.weightNorm() ? " wn" : "");
    }
  },
  /** A 2-D convolution with group norm over images (single-scale). */
  CONV(true) {
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
              spec.convolution()));
    }

    @Override
    String sizes(ExperimentConfig.Model spec) {
      return String.format(Locale.ROOT, "C=%d k=%d", spec.hidden(), spec.kernelSize());
    }
  },
  /** {@code tanh(z Wᵀ + x Uᵀ + b)}, position by position. */
  MLP(false) {
    @Override
    public Cell build(ExperimentConfig.Model spec, int inputWidth) {
      return new MlpCell(spec.hidden(), inputWidth, Activation.TANH, 0.4 * spec.initScale());
    }

    @Override
    String sizes(ExperimentConfig.Model spec) {
      return "d=" + spec.hidden();
    }
  };

  /** Distances with their own relative-position bias: covers the sweeps' longest sequences. */
  private static final int RELATIVE_DISTANCES = 1024;

  private final boolean convolutional;

  CellKind(boolean convolutional) {
    this.convolutional = convolutional;
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
