package org.deqlab.core.solver;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.deqlab.core.text.Labels;

/**
 * Which residual decides convergence: the absolute {@code ‖f(z) − z‖} or the relative {@code ‖f(z)
 * − z‖ / ‖f(z)‖}, both per sample. Relative is scale-free and is what the DEQ reference code
 * reports; absolute is right when the state's scale is fixed by the cell.
 */
public enum StopCriterion {
  ABSOLUTE("abs"),
  RELATIVE("rel");

  private final String label;

  StopCriterion(String label) {
    this.label = label;
  }

  /** The short name used on the command line and in JSON. */
  @JsonValue
  public String label() {
    return label;
  }

  /** Parses {@code abs}/{@code rel} (or {@code absolute}/{@code relative}). */
  @JsonCreator
  public static StopCriterion parse(String text) {
    return Labels.parse(StopCriterion.class, text, StopCriterion::label);
  }

  /** Picks this criterion's value out of an (absolute, relative) pair. */
  public double of(double absolute, double relative) {
    return this == ABSOLUTE ? absolute : relative;
  }

  @Override
  public String toString() {
    return label.toLowerCase(Locale.ROOT);
  }
}
