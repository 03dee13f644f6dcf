package org.deqlab.app.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.deqlab.core.torchscript.TorchScriptProblem;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --cell FILE.pt --input FILE.npz}: a user's TorchScript cell on its input, in place of the
 * built-in problem or preset cell ({@code solve}, {@code probe} through {@link ProblemOptions},
 * {@code memory}, {@code train}, {@code bench}, {@code sweep-length}). A picocli mixin.
 */
final class TorchScriptOptions {
  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  @Option(names = "--cell", paramLabel = "FILE.pt", descriptionKey = "TorchScriptOptions.cell")
  private Path cell;

  @Option(names = "--input", paramLabel = "FILE.npz", descriptionKey = "TorchScriptOptions.input")
  private Path input;

  /** Whether a cell was given (then an input must be too). */
  boolean given() {
    if ((cell == null) != (input == null)) {
      throw new ParameterException(
          command.commandLine(),
          "--cell FILE.pt and --input FILE.npz go together (the input holds x and z0)");
    }
    return cell != null;
  }

  /** Refuses {@code options} that describe a preset's experiment, which --cell replaces. */
  void refuse(String... options) {
    for (String option : options) {
      if (command.commandLine().getParseResult().hasMatchedOption(option)) {
        throw new ParameterException(
            command.commandLine(), option + " cannot be combined with --cell");
      }
    }
  }

  Path cell() {
    return cell;
  }

  Path input() {
    return input;
  }

  /** Loads and checks the cell on its input. */
  TorchScriptProblem load(NDManager manager) {
    return TorchScriptProblem.load(cell, input, manager);
  }
}
