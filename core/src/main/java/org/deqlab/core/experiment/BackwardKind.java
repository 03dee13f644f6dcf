package org.deqlab.core.experiment;

import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.text.Labelled;

/** How a DEQ layer differentiates through its equilibrium (see {@link BackwardMode}). */
public enum BackwardKind implements Labelled {
  /** The implicit function theorem: an adjoint fixed-point solve. */
  IMPLICIT,
  /**
   * A few damped unrolled steps from z* ({@code backward.phantomSteps}, {@code phantomDamping}).
   */
  PHANTOM,
  /** One undamped application of f at z*. */
  ONE_STEP;

  /** The layer's backward mode for {@code spec}, with the (live) options of an implicit solve. */
  public BackwardMode toMode(ExperimentConfig.Backward spec, SolverOptions liveOptions) {
    return switch (this) {
      case IMPLICIT -> new BackwardMode.Implicit(spec.solver(), liveOptions);
      case PHANTOM -> new BackwardMode.Phantom(spec.phantomSteps(), spec.phantomDamping());
      case ONE_STEP -> BackwardMode.oneStep();
    };
  }

  @Override
  public String toString() {
    return label();
  }
}
