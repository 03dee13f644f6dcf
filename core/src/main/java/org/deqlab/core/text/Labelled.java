package org.deqlab.core.text;

import java.util.List;

/**
 * An enum whose constants users type as words: configs, run logs, the command line and the window
 * all read and write it through {@link Labels}, so an enum only says how it deviates from the rule
 * (a label of its own, aliases), never how to parse or print itself.
 */
public interface Labelled {
  /** The word users type; by default the constant's name in lowercase with hyphens. */
  default String label() {
    return Labels.of((Enum<?>) this);
  }

  /** Other words accepted for this constant (never written). */
  default List<String> aliases() {
    return List.of();
  }
}
