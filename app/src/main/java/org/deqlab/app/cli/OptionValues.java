package org.deqlab.app.cli;

import java.util.function.Function;
import org.deqlab.core.text.PositiveIntegers;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * What picocli's types do not say about an option's value: its allowed range, and parsers that need
 * the engine, checked when the command runs; each failure is a {@link ParameterException} naming
 * the option the way picocli's own conversion errors do.
 */
final class OptionValues {
  private OptionValues() {}

  static int within(CommandSpec command, String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw invalid(command, option, "must be in [" + min + ", " + max + "], got " + value);
    }
    return value;
  }

  static double within(CommandSpec command, String option, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw invalid(command, option, "must be in [" + min + ", " + max + "], got " + value);
    }
    return value;
  }

  /**
   * A list option read with {@code split = ","}: picocli turns {@code ,} into no values at all,
   * which would silently measure nothing.
   */
  static <T> java.util.List<T> nonEmpty(
      CommandSpec command, String option, java.util.List<T> values) {
    if (values != null && values.isEmpty()) {
      throw invalid(
          command,
          option,
          "needs positive whole numbers separated by commas (e.g. 1,2,4,8), got an empty list");
    }
    return values;
  }

  /** Applies {@code parser}, whose {@link IllegalArgumentException} becomes the option's error. */
  static <T> T parse(CommandSpec command, String option, String value, Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw invalid(command, option, e.getMessage());
    }
  }

  static ParameterException invalid(CommandSpec command, String option, String problem) {
    return new ParameterException(
        command.commandLine(), "invalid value for option '" + option + "': " + problem);
  }

  /** A picocli converter from a parser that throws {@link IllegalArgumentException}. */
  static <T> ITypeConverter<T> converter(Function<String, T> parser) {
    return text -> {
      try {
        return parser.apply(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    };
  }

  /** One element of a list option of lengths or depths ({@code split = ","}). */
  static final class PositiveInteger implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String text) throws Exception {
      return converter(PositiveIntegers::parse).convert(text);
    }
  }
}
