package org.deqlab.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Set;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.io.NpzProblem;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.StopCriterion;

/**
 * The options shared by commands that work on an MLP problem ({@code solve}, {@code probe}, {@code
 * bench}): where the problem comes from, dtype, device and solver settings.
 */
final class ProblemOptions {
  static final Set<String> VALUED =
      Set.of(
          "--problem",
          "--dim",
          "--input-dim",
          "--batch",
          "--spectral-norm",
          "--seed",
          "--dtype",
          "--device",
          "--f-thres",
          "--tol",
          "--stop",
          "--anderson-m",
          "--anderson-lambda",
          "--anderson-beta",
          "--broyden-memory",
          "--damping");
  static final Set<String> FLAGS = Set.of("--line-search");

  static final String USAGE =
      """
        Problem (one of):
          --problem FILE.npz        f(z,x) = tanh(z·Wᵀ + x·Uᵀ + b) with arrays W (d×d), U (d×p),
                                    b (d), x (n×p), float32 or float64 (PyTorch nn.Linear layout)
          (none)                    a built-in random problem:
            --dim D                 state size d (default 256)
            --input-dim P           input size p (default 64)
            --batch N               samples n (default 64)
            --spectral-norm S       ‖W‖₂ (default 0.9; above ~1 the map may stop contracting)
            --seed K                random seed (default 0)
          --dtype float32|float64   computation dtype (default float32)
          --device cpu|gpu[:N]      where to compute (default cpu)
        Solver settings:
          --f-thres N               max iterations (default 50)
          --tol EPS                 tolerance (default 1e-3)
          --stop abs|rel            stop criterion: ‖f(z)−z‖ or ‖f(z)−z‖/‖f(z)‖ (default rel)
          --anderson-m M            Anderson memory (default 5)
          --anderson-lambda L       Anderson ridge, relative (default 1e-4)
          --anderson-beta B         Anderson mixing β (default 1.0)
          --broyden-memory K        Broyden low-rank updates before restart (default 50)
          --line-search             Broyden backtracking line search
          --damping T               damping τ of fixed-point iteration (default 1.0)
      """;

  private ProblemOptions() {}

  static DataType dataType(Arguments args) {
    return args.parsed("--dtype", DataType.FLOAT32, DeqEngine::parseDataType);
  }

  static Device device(Arguments args) {
    return args.parsed("--device", Device.cpu(), DeqEngine::parseDevice);
  }

  static NpzProblem load(Arguments args, NDManager manager) {
    DataType dataType = dataType(args);
    Path file = args.path("--problem");
    if (file != null) {
      for (String random :
          new String[] {"--dim", "--input-dim", "--batch", "--spectral-norm", "--seed"}) {
        if (args.has(random)) {
          throw new UsageException(
              random + " describes a random problem; it cannot be combined with --problem");
        }
      }
      try {
        return NpzProblem.load(file, manager, dataType);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    return NpzProblem.random(
        manager,
        dataType,
        args.integer("--dim", 256, 1, 1 << 16),
        args.integer("--input-dim", 64, 1, 1 << 16),
        args.integer("--batch", 64, 1, 1 << 16),
        args.real("--spectral-norm", 0.9, 0, 1e3),
        args.longValue("--seed", 0));
  }

  static SolverOptions solverOptions(Arguments args) {
    SolverOptions defaults = SolverOptions.defaults();
    try {
      return defaults
          .withMaxIterations(args.integer("--f-thres", defaults.maxIterations(), 1, 1_000_000))
          .withTolerance(args.real("--tol", defaults.tolerance(), Double.MIN_VALUE, 1e6))
          .withStopCriterion(args.parsed("--stop", defaults.stopCriterion(), StopCriterion::parse))
          .withAnderson(
              args.integer("--anderson-m", defaults.andersonMemory(), 1, 100),
              args.real("--anderson-lambda", defaults.andersonRegularization(), 0, 1e6),
              args.real("--anderson-beta", defaults.andersonMixing(), 1e-9, 1))
          .withBroyden(
              args.integer("--broyden-memory", defaults.broydenMemory(), 1, 1000),
              args.flag("--line-search"))
          .withDamping(args.real("--damping", defaults.damping(), 1e-9, 1));
    } catch (UsageException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
