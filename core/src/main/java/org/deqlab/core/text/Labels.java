package org.deqlab.core.text;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/**
 * How the engine's enums read and print their values: the lowercase words users type in configs, on
 * the command line and in the window, one rule for all so that every choice parses alike and every
 * error lists what would have been accepted.
 */
public final class Labels {
  private Labels() {}

  /** {@code NAME_WITH_PARTS} as {@code name-with-parts}. */
  public static String of(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The constant whose default label ({@link #of}), name or name in any case is {@code text}. */
  public static <E extends Enum<E>> E parse(Class<E> type, String text) {
    return parse(type, text, Labels::of);
  }

  /**
   * The constant whose label (or name, in any case, with {@code _} or {@code -}) is {@code text};
   * the error lists the labels.
   */
  public static <E extends Enum<E>> E parse(Class<E> type, String text, Function<E, String> label) {
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
