package org.deqlab.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deqlab.core.experiment.Precision;
import org.deqlab.core.io.DeqProblem;
import org.deqlab.core.io.NpzProblem;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.StopCriterion;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options shared by commands that work on one problem ({@code solve}, {@code probe}): where the
 * problem comes from (an MLP {@code .npz}, a random MLP, or a TorchScript cell on its input),
 * dtype, device and solver settings. A picocli mixin.
 */
final class ProblemOptions {
  private static final SolverOptions DEFAULTS = SolverOptions.defaults();
  private static final String[] RANDOM_PROBLEM = {
    "--dim", "--input-dim", "--batch", "--spectral-norm", "--seed"
  };

  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  @Option(names = "--problem", paramLabel = "FILE.npz", descriptionKey = "ProblemOptions.problem")
  private Path file;

  @Mixin private TorchScriptOptions torchScript;

  @Option(names = "--dim", paramLabel = "D")
  private int dim = 256;

  @Option(names = "--input-dim", paramLabel = "P")
  private int inputDim = 64;

  @Option(names = "--batch", paramLabel = "N", descriptionKey = "ProblemOptions.batch")
  private int batch = 64;

  @Option(names = "--spectral-norm", paramLabel = "S")
  private double spectralNorm = 0.9;

  @Option(names = "--seed", paramLabel = "K")
  private long seed = 0;

  @Option(names = "--dtype", paramLabel = "float32|float64")
  private Precision precision = Precision.FLOAT32;

  @Mixin private DeviceOption device;

  @Option(names = "--f-thres", paramLabel = "N")
  private int maxIterations = DEFAULTS.maxIterations();

  @Option(names = "--tol", paramLabel = "EPS")
  private double tolerance = DEFAULTS.tolerance();

  @Option(names = "--stop", paramLabel = "abs|rel")
  private StopCriterion stopCriterion = DEFAULTS.stopCriterion();

  @Option(names = "--anderson-m", paramLabel = "M")
  private int andersonMemory = DEFAULTS.andersonMemory();

  @Option(names = "--anderson-lambda", paramLabel = "L")
  private double andersonRegularization = DEFAULTS.andersonRegularization();

  @Option(names = "--anderson-beta", paramLabel = "B")
  private double andersonMixing = DEFAULTS.andersonMixing();

  @Option(names = "--broyden-memory", paramLabel = "K")
  private int broydenMemory = DEFAULTS.broydenMemory();

  @Option(names = "--line-search")
  private boolean lineSearch;

  @Option(names = "--damping", paramLabel = "T")
  private double damping = DEFAULTS.damping();

  /** The {@code --problem} file, or null for a random problem. */
  Path file() {
    return file;
  }

  /** Whether the problem comes from a file ({@code --problem} or {@code --cell}). */
  boolean fromFile() {
    return file != null || torchScript.cell() != null || torchScript.input() != null;
  }

  Device device() {
    return device.resolve();
  }

  /** {@code --device} as given, for a checkpoint restored in place of a problem. */
  DeviceOption deviceOption() {
    return device;
  }

  /**
   * The problem the options describe: a TorchScript cell on its input ({@code --cell}, {@code
   * --input}), an MLP {@code .npz} ({@code --problem}), or a random MLP. Close it when done.
   */
  DeqProblem load(NDManager manager) {
    if (torchScript.given()) {
      refuseWith("--cell", "--problem", "--dtype");
      return torchScript.load(manager);
    }
    if (file != null) {
      refuseWith("--problem");
      return NpzProblem.load(file, manager, precision.dataType());
    }
    return NpzProblem.random(
        manager,
        precision.dataType(),
        OptionValues.within(command, "--dim", dim, 1, 1 << 16),
        OptionValues.within(command, "--input-dim", inputDim, 1, 1 << 16),
        OptionValues.within(command, "--batch", batch, 1, 1 << 16),
        OptionValues.within(command, "--spectral-norm", spectralNorm, 0, 1e3),
        seed);
  }

  /** Refuses the random problem's options (and {@code others}) next to a problem from a file. */
  private void refuseWith(String given, String... others) {
    List<String> refused = new ArrayList<>(List.of(RANDOM_PROBLEM));
    refused.addAll(List.of(others));
    for (String option : refused) {
      if (command.commandLine().getParseResult().hasMatchedOption(option)) {
        throw new ParameterException(
            command.commandLine(),
            option
                + (option.equals("--dtype")
                    ? " cannot be combined with --cell: a TorchScript cell runs in its parameters'"
                        + " dtype"
                    : " cannot be combined with " + given));
      }
    }
  }

  SolverOptions solverOptions() {
    return DEFAULTS
        .withMaxIterations(OptionValues.within(command, "--f-thres", maxIterations, 1, 1_000_000))
        .withTolerance(OptionValues.within(command, "--tol", tolerance, Double.MIN_VALUE, 1e6))
        .withStopCriterion(stopCriterion)
        .withAnderson(
            OptionValues.within(command, "--anderson-m", andersonMemory, 1, 100),
            OptionValues.within(command, "--anderson-lambda", andersonRegularization, 0, 1e6),
            OptionValues.within(command, "--anderson-beta", andersonMixing, 1e-9, 1))
        .withBroyden(
            OptionValues.within(command, "--broyden-memory", broydenMemory, 1, 1000), lineSearch)
        .withDamping(OptionValues.within(command, "--damping", damping, 1e-9, 1));
  }
}
