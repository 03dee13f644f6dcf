package org.deqlab.core.data;

import org.deqlab.core.text.Labelled;

/**
 * Which held-out data an evaluation reads. Corpora with a validation and a test part (PTB,
 * WikiText, the shipped novels) give each its own batches; generated tasks (copy memory, shapes)
 * have one held-out set, which serves both.
 */
public enum Split implements Labelled {
  /** Held out for choosing settings and watching training. */
  VALID,
  /** Held out for the final figure. */
  TEST;

  @Override
  public String toString() {
    return label();
  }
}
