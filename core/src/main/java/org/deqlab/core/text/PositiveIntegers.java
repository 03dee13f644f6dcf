package org.deqlab.core.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Lengths, depths and batch sizes as users type them: whole numbers from 1, alone or as a
 * comma-separated list such as {@code 25,50,100}. The command line and the window read them alike.
 */
public final class PositiveIntegers {
  private PositiveIntegers() {}

  /** One number; the error quotes what was given. */
  public static int parse(String text) {
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "needs positive whole numbers separated by commas (e.g. 1,2,4,8), got '"
            + text.trim()
            + "'");
  }

  /** A comma-separated list of at least one number (an empty list, {@code ,}, is refused). */
  public static List<Integer> parseList(String text) {
    List<Integer> values = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      values.add(parse(part));
    }
    return values;
  }
}
