package org.deqlab.core.solver;

import org.deqlab.core.text.Labelled;

/** The root-finding methods on offer, by the names users type. */
public enum SolverKind implements Labelled {
  FIXED_POINT("fixed-point"),
  ANDERSON("anderson"),
  BROYDEN("broyden");

  private final String label;

  SolverKind(String label) {
    this.label = label;
  }

  @Override
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

  @Override
  public String toString() {
    return label;
  }
}
