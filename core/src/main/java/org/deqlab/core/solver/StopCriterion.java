package org.deqlab.core.solver;

import java.util.Locale;
import org.deqlab.core.text.Labelled;

/**
 * Which residual decides convergence: the absolute {@code ‖f(z) − z‖} or the relative {@code ‖f(z)
 * − z‖ / ‖f(z)‖}, both per sample. Relative is scale-free and is what the DEQ reference code
 * reports; absolute is right when the state's scale is fixed by the cell.
 */
public enum StopCriterion implements Labelled {
  ABSOLUTE("abs"),
  RELATIVE("rel");

  private final String label;

  StopCriterion(String label) {
    this.label = label;
  }

  /** The short name used on the command line and in JSON. */
  @Override
  public String label() {
    return label;
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
