package org.deqlab.core.experiment;

import org.deqlab.core.text.Labelled;

/** How the cell is used: solved for its equilibrium, or applied a fixed number of times. */
public enum LayerKind implements Labelled {
  /** A deep equilibrium layer: root finding forward, implicit (or phantom) gradients backward. */
  DEQ,
  /** The weight-tied stack the DEQ replaces, {@code model.depth} applications of the cell. */
  UNROLLED;

  @Override
  public String toString() {
    return label();
  }
}
