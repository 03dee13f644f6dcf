package org.deqlab.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parsed options of one subcommand: {@code --name value}, {@code --name=value} and bare {@code
 * --flag}. Parsing knows every option the command accepts, so a typo is reported with the option's
 * name and the list of valid ones, and every typed getter names the option whose value is wrong.
 */
public final class Arguments {
  private final String command;
  private final Map<String, String> values;
  private final Set<String> flags;

  private Arguments(String command, Map<String, String> values, Set<String> flags) {
    this.command = command;
    this.values = values;
    this.flags = flags;
  }

  /**
   * Parses {@code args} for {@code command}.
   *
   * @param valued options that take a value
   * @param booleanFlags options that take none
   */
  public static Arguments parse(
      String command, String[] args, Set<String> valued, Set<String> booleanFlags) {
    Map<String, String> values = new LinkedHashMap<>();
    Set<String> flags = new TreeSet<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new UsageException(command + ": unexpected argument '" + arg + "'");
      }
      String name = arg;
      String inline = null;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        inline = arg.substring(eq + 1);
      }
      if (booleanFlags.contains(name)) {
        if (inline != null) {
          throw new UsageException(command + ": option " + name + " takes no value");
        }
        flags.add(name);
      } else if (valued.contains(name)) {
        String value = inline;
        if (value == null) {
          if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new UsageException(command + ": option " + name + " needs a value");
          }
          value = args[++i];
        }
        if (values.put(name, value) != null) {
          throw new UsageException(command + ": option " + name + " given twice");
        }
      } else {
        Set<String> known = new TreeSet<>(valued);
        known.addAll(booleanFlags);
        throw new UsageException(
            command + ": unknown option '" + name + "' (valid: " + String.join(" ", known) + ")");
      }
    }
    return new Arguments(command, values, flags);
  }

  public boolean has(String name) {
    return values.containsKey(name) || flags.contains(name);
  }

  public boolean flag(String name) {
    return flags.contains(name);
  }

  public String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public Path path(String name) {
    String value = values.get(name);
    return value == null ? null : Path.of(value);
  }

  public int integer(String name, int fallback, int min, int max) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(
          command + ": option " + name + " needs an integer, got '" + value + "'");
    }
    if (parsed < min || parsed > max) {
      throw new UsageException(
          command + ": option " + name + " must be in [" + min + ", " + max + "], got " + parsed);
    }
    return parsed;
  }

  public long longValue(String name, long fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(
          command + ": option " + name + " needs an integer, got '" + value + "'");
    }
  }

  public double real(String name, double fallback, double min, double max) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    double parsed;
    try {
      parsed = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(
          command + ": option " + name + " needs a number, got '" + value + "'");
    }
    if (!(parsed >= min && parsed <= max)) {
      throw new UsageException(
          command + ": option " + name + " must be in [" + min + ", " + max + "], got " + value);
    }
    return parsed;
  }

  /** A comma-separated list of positive integers, e.g. {@code 25,50,100}. */
  public List<Integer> integers(String name, List<Integer> fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    List<Integer> parsed = new ArrayList<>();
    for (String part : value.split(",")) {
      try {
        int n = Integer.parseInt(part.trim());
        if (n < 1) {
          throw new NumberFormatException();
        }
        parsed.add(n);
      } catch (NumberFormatException e) {
        throw new UsageException(
            command
                + ": option "
                + name
                + " needs positive integers separated by commas, got '"
                + value
                + "'");
      }
    }
    return parsed;
  }

  /** Applies {@code parser} to an option's value, prefixing its error with the option's name. */
  public <T> T parsed(String name, T fallback, java.util.function.Function<String, T> parser) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return parser.apply(value.trim());
    } catch (IllegalArgumentException e) {
      throw new UsageException(command + ": option " + name + ": " + e.getMessage());
    }
  }
}
