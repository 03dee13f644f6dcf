package org.deqlab.core.cell;

import org.deqlab.core.text.Labelled;

/**
 * How a {@link TrellisCell} turns its convolution into the next state: a plain {@code tanh}, a
 * gated {@code tanh(a) ⊙ σ(b)}, or TrellisNet's own LSTM unit, whose state carries a memory cell
 * {@code c} from position to position through a forget gate.
 */
public enum TrellisGating implements Labelled {
  /** {@code z = tanh(a)}: H convolution channels. */
  NONE,
  /** {@code z = tanh(a) ⊙ σ(b)}: 2H convolution channels. */
  GLU,
  /**
   * The state is {@code [h, c]} (H/2 channels each); the convolution of h gives four gates i, o, g,
   * f (2H channels) and {@code c_t = σ(f) ⊙ c_{t−1} + σ(i) ⊙ tanh(g)}, {@code h_t = σ(o) ⊙
   * tanh(c_t)}: the unit of TrellisNet and DEQ-TrellisNet.
   */
  LSTM;

  @Override
  public String toString() {
    return label();
  }
}
