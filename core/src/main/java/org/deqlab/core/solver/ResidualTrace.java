package org.deqlab.core.solver;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.DoubleStream;

/**
 * A solve's residual per iterate (iterate 0 is the initial guess), as an immutable value: made once
 * when the solve ends and then shared — by the result, its statistics, the run's events, the run
 * log and the plots — without copies, compared by content. Written to JSON as an array of numbers.
 */
public final class ResidualTrace {
  private final double[] values;

  private ResidualTrace(double[] values) {
    this.values = values;
  }

  /** A trace holding a copy of {@code values}. */
  @JsonCreator
  public static ResidualTrace of(double... values) {
    return new ResidualTrace(values.clone());
  }

  /** The first {@code length} entries of {@code values}, copied (for a solver's growing buffer). */
  static ResidualTrace ofPrefix(double[] values, int length) {
    return new ResidualTrace(Arrays.copyOf(values, length));
  }

  /** Entries, one per iterate. */
  public int length() {
    return values.length;
  }

  public double at(int iterate) {
    return values[iterate];
  }

  /** The last iterate's residual (NaN for an empty trace). */
  public double last() {
    return values.length == 0 ? Double.NaN : values[values.length - 1];
  }

  public DoubleStream stream() {
    return Arrays.stream(values);
  }

  /** A copy of the entries, for code that needs an array of its own. */
  public double[] toArray() {
    return values.clone();
  }

  /** The entries for JSON only: Jackson reads them, nothing keeps them. */
  @JsonValue
  double[] json() {
    return values;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ResidualTrace trace && Arrays.equals(values, trace.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return values.length <= 4
        ? Arrays.toString(values)
        : "[" + values[0] + ", …, " + last() + "] (" + values.length + " iterates)";
  }
}
