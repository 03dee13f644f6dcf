package org.deqlab.core.cell;

import org.deqlab.core.text.Labelled;

/**
 * Where the k taps of a causal convolution over time look back. {@link #DILATED}: lags 0, d, 2d, …,
 * (k−1)·d, an ordinary dilated convolution. {@link #EXPONENTIAL}: lag 0 and the multiples j·bⁱ (1 ≤
 * j < b) of the powers of a base b = max(2, d), nearest first, until the k taps are used — for b =
 * 2 the lags 0, 1, 2, 4, 8, …, for b = 8 the lags 0, 1…7, 8, 16…56, 64, 128, …. It folds a
 * TrellisNet/TCN dilation schedule (1, b, b², …) into the one weight-tied layer: a past position t
 * − s with s < b^L is L applications away at most (one per base-b digit of s), where dilated taps
 * need s / ((k−1)·d) applications.
 */
public enum TapSpacing implements Labelled {
  DILATED,
  EXPONENTIAL;

  /**
   * The lag of each tap, farthest first: tap j of a (C_out, C_in, k) kernel sees position t −
   * lags[j].
   */
  public int[] lags(int taps, int dilation) {
    int[] lags = new int[taps];
    if (this == DILATED) {
      for (int j = 0; j < taps; j++) {
        lags[j] = (taps - 1 - j) * dilation;
      }
      return lags;
    }
    int base = Math.max(2, dilation);
    long power = 1;
    int digit = 1;
    for (int fromPresent = 1; fromPresent < taps; fromPresent++) {
      long lag = digit * power;
      if (lag > Integer.MAX_VALUE / 2) {
        throw new IllegalArgumentException(
            "exponential taps: " + taps + " taps in base " + base + " look back too far");
      }
      lags[taps - 1 - fromPresent] = (int) lag;
      if (++digit == base) {
        digit = 1;
        power *= base;
      }
    }
    return lags;
  }

  /** The farthest lag of {@code taps} taps: the receptive field of one application, less one. */
  public int reach(int taps, int dilation) {
    return lags(taps, dilation)[0];
  }

  @Override
  public String toString() {
    return label();
  }
}
