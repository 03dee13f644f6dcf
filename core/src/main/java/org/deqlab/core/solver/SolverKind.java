package org.deqlab.core.solver;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** The root-finding methods on offer, by the names users type. */
public enum SolverKind {
  FIXED_POINT("fixed-point"),
  ANDERSON("anderson"),
  BROYDEN("broyden");

  private final String label;

  SolverKind(String label) {
    this.label = label;
  }

  @JsonValue
  public String label() {
    return label;
  }

  /** The solver for this kind. Solvers are stateless between solves, so one instance serves all. */
  public FixedPointSolver solver() {
    return switch (this) {
      case FIXED_POINT -> DampedIterationSolver.INSTANCE;
      case ANDERSON -> AndersonSolver.INSTANCE;
      case BROYDEN -> BroydenSolver.INSTANCE;
    };
  }

  /** Parses a solver name such as {@code anderson}, naming the allowed values on error. */
  @JsonCreator
  public static SolverKind parse(String text) {
    for (SolverKind k : values()) {
      if (k.label.equalsIgnoreCase(text)
          || k.name().equalsIgnoreCase(text)
          || (k == FIXED_POINT && "fixed_point".equalsIgnoreCase(text))) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "solver must be one of "
            + Arrays.toString(Arrays.stream(values()).map(SolverKind::label).toArray())
            + ", got '"
            + text
            + "'");
  }

  @Override
  public String toString() {
    return label;
  }
}
