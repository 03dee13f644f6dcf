package org.deqlab.core.numerics;

/** How far a measured vector is from a reference, one definition for every comparison. */
public final class Differences {
  private Differences() {}

  /**
   * {@code ‖measured − reference‖ / ‖reference‖} in the 2-norm (the norm floored at 1e-300, so an
   * exactly zero reference gives the absolute difference scaled up, never a division by zero).
   */
  public static double relative(double[] measured, double[] reference) {
    if (measured.length != reference.length) {
      throw new IllegalArgumentException(
          "cannot compare " + measured.length + " values with " + reference.length);
    }
    double difference = 0;
    double norm = 0;
    for (int i = 0; i < reference.length; i++) {
      difference += (measured[i] - reference[i]) * (measured[i] - reference[i]);
      norm += reference[i] * reference[i];
    }
    return Math.sqrt(difference) / Math.max(Math.sqrt(norm), 1e-300);
  }
}
