package org.deqlab.core.numerics;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One float32-against-float64 comparison: for every differentiated quantity (z, x, each parameter)
 * the max-norm relative error {@code max|g₃₂ − g₆₄| / max|g₆₄|}, and whether the worst of them is
 * within the tolerance. NaN anywhere fails.
 *
 * @param subject the checked cell's label
 * @param probe what was differentiated
 * @param errors per quantity
 * @param tolerance the largest relative error that passes
 * @param convolutional whether the checked cell is made of convolutions
 * @param solveNote for a DEQ probe whose forward solve did not converge on one side or both, which
 *     and how far it got (the gradients then need not agree); empty otherwise
 */
public record PrecisionOutcome(
    String subject,
    Probe probe,
    List<QuantityError> errors,
    double tolerance,
    boolean convolutional,
    String solveNote) {

  public PrecisionOutcome {
    errors = List.copyOf(errors);
    solveNote = solveNote == null ? "" : solveNote;
  }

  /** An outcome whose solves converged (or that had none). */
  public PrecisionOutcome(
      String subject,
      Probe probe,
      List<QuantityError> errors,
      double tolerance,
      boolean convolutional) {
    this(subject, probe, errors, tolerance, convolutional, "");
  }

  /** The relative error of one differentiated quantity. */
  public record QuantityError(String quantity, double relativeError) {}

  /** The quantity with the largest error (NaN counts as largest). */
  public QuantityError worst() {
    return errors.stream()
        .max(
            Comparator.comparingDouble(
                e ->
                    Double.isNaN(e.relativeError()) ? Double.POSITIVE_INFINITY : e.relativeError()))
        .orElse(new QuantityError("-", 0));
  }

  public boolean passed() {
    double worst = worst().relativeError();
    return !Double.isNaN(worst) && worst <= tolerance;
  }

  /**
   * The probe, its worst quantity and error, pass or FAIL, e.g. {@code f VJP: worst x 5.5e-01…}.
   */
  public String summary() {
    QuantityError worst = worst();
    return String.format(
            Locale.ROOT,
            "%s: worst %s %.1e (tolerance %.0e) %s",
            probe,
            worst.quantity(),
            worst.relativeError(),
            tolerance,
            passed() ? "pass" : "FAIL")
        + (solveNote.isEmpty() ? "" : "; " + solveNote);
  }

  /** The subject and the {@link #summary()}. */
  public String describe() {
    return subject + ", " + summary();
  }
}
