package org.deqlab.core.solver;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.deqlab.core.text.Labels;

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

  /** Parses a solver name such as {@code anderson} (or {@code fixed_point}, any case). */
  @JsonCreator
  public static SolverKind parse(String text) {
    return Labels.parse(SolverKind.class, text, SolverKind::label);
  }

  @Override
  public String toString() {
    return label;
  }
}
