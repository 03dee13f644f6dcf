package org.deqlab.core.experiment;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/** How the config's enums read and print their values: the lowercase words users type. */
final class Labels {
  private Labels() {}

  /** {@code NAME_WITH_PARTS} as {@code name-with-parts}. */
  static String of(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The constant whose label (or name, in any case, with {@code _} or {@code -}) is {@code text};
   * the error lists the labels.
   */
  static <E extends Enum<E>> E parse(Class<E> type, String text, Function<E, String> label) {
    String wanted = text == null ? "" : text.trim();
    for (E value : type.getEnumConstants()) {
      if (label.apply(value).equalsIgnoreCase(wanted)
          || value.name().equalsIgnoreCase(wanted.replace('-', '_'))) {
        return value;
      }
    }
    throw new IllegalArgumentException(
        "must be one of "
            + String.join(
                ", ", Arrays.stream(type.getEnumConstants()).map(label).toArray(String[]::new))
            + ", got '"
            + text
            + "'");
  }
}
