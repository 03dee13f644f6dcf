package org.deqlab.core.events;

import org.deqlab.core.text.Labelled;

/** How a run ended. */
public enum RunOutcome implements Labelled {
  /** Every step ran. */
  COMPLETED,
  /** Stopped on request (the window's Stop, Ctrl-C) after a whole step. */
  STOPPED,
  /** A step failed (a non-finite loss or gradient, an engine error); the log says which. */
  FAILED;

  @Override
  public String toString() {
    return label();
  }
}
