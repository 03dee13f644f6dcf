package org.deqlab.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import org.deqlab.core.io.NpzProblem;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.StopCriterion;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options shared by commands that work on an MLP problem ({@code solve}, {@code probe}): where
 * the problem comes from, dtype, device and solver settings. A picocli mixin.
 */
final class ProblemOptions {
  private static final SolverOptions DEFAULTS = SolverOptions.defaults();
  private static final String[] RANDOM_PROBLEM = {
    "--dim", "--input-dim", "--batch", "--spectral-norm", "--seed"
  };

  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  @Option(
      names = "--problem",
      paramLabel = "FILE.npz",
      description =
          "f(z,x) = tanh(z·Wᵀ + x·Uᵀ + b) with arrays W (d×d), U (d×p), b (d), x (n×p), float32"
              + " or float64 (PyTorch nn.Linear layout); without it, a built-in random problem"
              + " (the next five options)")
  private Path file;

  @Option(
      names = "--dim",
      paramLabel = "D",
      description = "random problem: state size d (default ${DEFAULT-VALUE})")
  private int dim = 256;

  @Option(
      names = "--input-dim",
      paramLabel = "P",
      description = "random problem: input size p (default ${DEFAULT-VALUE})")
  private int inputDim = 64;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "random problem: samples n (default ${DEFAULT-VALUE})")
  private int batch = 64;

  @Option(
      names = "--spectral-norm",
      paramLabel = "S",
      description =
          "random problem: ‖W‖₂ (default ${DEFAULT-VALUE}; above ~1 the map may stop contracting)")
  private double spectralNorm = 0.9;

  @Option(
      names = "--seed",
      paramLabel = "K",
      description = "random problem: seed (default ${DEFAULT-VALUE})")
  private long seed = 0;

  @Option(
      names = "--dtype",
      paramLabel = "float32|float64",
      description = "computation dtype (default ${DEFAULT-VALUE})")
  private DataType dataType = DataType.FLOAT32;

  @Mixin private DeviceOption device;

  @Option(
      names = "--f-thres",
      paramLabel = "N",
      description = "solver: max iterations (default ${DEFAULT-VALUE})")
  private int maxIterations = DEFAULTS.maxIterations();

  @Option(
      names = "--tol",
      paramLabel = "EPS",
      description = "solver: tolerance (default ${DEFAULT-VALUE})")
  private double tolerance = DEFAULTS.tolerance();

  @Option(
      names = "--stop",
      paramLabel = "abs|rel",
      description =
          "solver: stop criterion, ‖f(z)−z‖ or ‖f(z)−z‖/‖f(z)‖ (default ${DEFAULT-VALUE})")
  private StopCriterion stopCriterion = DEFAULTS.stopCriterion();

  @Option(
      names = "--anderson-m",
      paramLabel = "M",
      description = "Anderson memory (default ${DEFAULT-VALUE})")
  private int andersonMemory = DEFAULTS.andersonMemory();

  @Option(
      names = "--anderson-lambda",
      paramLabel = "L",
      description = "Anderson ridge, relative (default ${DEFAULT-VALUE})")
  private double andersonRegularization = DEFAULTS.andersonRegularization();

  @Option(
      names = "--anderson-beta",
      paramLabel = "B",
      description = "Anderson mixing β (default ${DEFAULT-VALUE})")
  private double andersonMixing = DEFAULTS.andersonMixing();

  @Option(
      names = "--broyden-memory",
      paramLabel = "K",
      description = "Broyden low-rank updates before restart (default ${DEFAULT-VALUE})")
  private int broydenMemory = DEFAULTS.broydenMemory();

  @Option(names = "--line-search", description = "Broyden backtracking line search")
  private boolean lineSearch;

  @Option(
      names = "--damping",
      paramLabel = "T",
      description = "damping τ of fixed-point iteration (default ${DEFAULT-VALUE})")
  private double damping = DEFAULTS.damping();

  /** The {@code --problem} file, or null for a random problem. */
  Path file() {
    return file;
  }

  Device device() {
    return device.resolve(command);
  }

  NpzProblem load(NDManager manager) {
    if (file != null) {
      for (String random : RANDOM_PROBLEM) {
        if (command.commandLine().getParseResult().hasMatchedOption(random)) {
          throw new ParameterException(
              command.commandLine(),
              random + " describes a random problem; it cannot be combined with --problem");
        }
      }
      return NpzProblem.load(file, manager, dataType);
    }
    return NpzProblem.random(
        manager,
        dataType,
        OptionValues.within(command, "--dim", dim, 1, 1 << 16),
        OptionValues.within(command, "--input-dim", inputDim, 1, 1 << 16),
        OptionValues.within(command, "--batch", batch, 1, 1 << 16),
        OptionValues.within(command, "--spectral-norm", spectralNorm, 0, 1e3),
        seed);
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
