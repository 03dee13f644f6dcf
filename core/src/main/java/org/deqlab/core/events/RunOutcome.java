package org.deqlab.core.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.deqlab.core.text.Labels;

/** How a run ended. */
public enum RunOutcome {
  /** Every step ran. */
  COMPLETED,
  /** Stopped on request (the window's Stop, Ctrl-C) after a whole step. */
  STOPPED,
  /** A step failed (a non-finite loss or gradient, an engine error); the log says which. */
  FAILED;

  @JsonValue
  public String label() {
    return Labels.of(this);
  }

  @JsonCreator
  public static RunOutcome parse(String text) {
    return Labels.parse(RunOutcome.class, text);
  }

  @Override
  public String toString() {
    return label();
  }
}
