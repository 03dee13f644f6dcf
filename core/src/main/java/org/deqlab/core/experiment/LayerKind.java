package org.deqlab.core.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.deqlab.core.text.Labels;

/** How the cell is used: solved for its equilibrium, or applied a fixed number of times. */
public enum LayerKind {
  /** A deep equilibrium layer: root finding forward, implicit (or phantom) gradients backward. */
  DEQ,
  /** The weight-tied stack the DEQ replaces, {@code model.depth} applications of the cell. */
  UNROLLED;

  @JsonValue
  public String label() {
    return Labels.of(this);
  }

  @JsonCreator
  public static LayerKind parse(String text) {
    return Labels.parse(LayerKind.class, text);
  }

  @Override
  public String toString() {
    return label();
  }
}
