package org.deqlab.core.torchscript;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.jacobian.JacobianProbe;
import org.deqlab.core.jacobian.JacobianReport;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.memory.MallocTuning;
import org.deqlab.core.memory.MemoryComparison;
import org.deqlab.core.memory.MemoryMeter;
import org.deqlab.core.memory.MemoryPoint;
import org.deqlab.core.memory.MemoryStudy;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolveStats;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.SolverResult;

/**
 * A first look at a user's TorchScript cell, as the window's "Open PyTorch cell…" shows it: the
 * checks on load, every solver's solve with its residual traces, and the Jacobian at the
 * equilibrium (spectral radius, Ritz values, Frobenius norm). Runs on the engine thread; the module
 * is freed when the look is done, and what comes back is plain values.
 */
public final class TorchScriptStudy {
  private TorchScriptStudy() {}

  /**
   * What the look found.
   *
   * @param source the cell and input files
   * @param inputShape x's shape
   * @param stateShape z's shape
   * @param parameterCount the module's parameters (scalars)
   * @param gradientCheck the VJPs against finite differences on the input
   * @param solves each solver's statistics, with its residual traces
   * @param jacobian the Jacobian at the best solve's equilibrium
   */
  public record Report(
      String source,
      String inputShape,
      String stateShape,
      long parameterCount,
      TorchScriptGradientCheck.Result gradientCheck,
      List<Solve> solves,
      JacobianReport jacobian) {
    public Report {
      solves = List.copyOf(solves);
    }
  }

  /** One solver's solve. */
  public record Solve(SolverKind solver, SolveStats stats) {}

  /**
   * Training-step memory of the cell as a DEQ (Anderson, implicit backward) against its unrolled
   * twin (the same module applied L times with autograd) at each depth, after one warm-up pass,
   * with the C allocator told to release freed blocks at once (see {@link MemoryStudy}).
   *
   * @param batch examples per step; 0 for the input's own batch
   * @param onStart receives one line saying what is measured and how memory is read
   * @param onPoint receives each point as soon as it is measured
   * @throws IllegalStateException if the allocator cannot be tuned or memory cannot be read
   */
  public static List<MemoryPoint> memory(
      Path cell,
      Path input,
      Device device,
      List<Integer> depths,
      int batch,
      Consumer<String> onStart,
      Consumer<MemoryPoint> onPoint) {
    MemoryMeter meter = MemoryStudy.meterFor(device);
    if (!device.isGpu() && !MallocTuning.releasePromptly()) {
      throw new IllegalStateException(
          "cannot make the C allocator release freed memory at once (mallopt); start with"
              + " MALLOC_MMAP_THRESHOLD_=65536 in the environment");
    }
    Autograd.setRecording(false);
    try (NDManager manager = DeqEngine.newManager(device);
        TorchScriptProblem problem = TorchScriptProblem.load(cell, input, manager)) {
      Shape shape = problem.cell().inputShape(batch > 0 ? batch : problem.x().getShape().get(0));
      SolverOptions options = SolverOptions.defaults();
      onStart.accept(
          String.format(
              Locale.ROOT,
              "%s, input %s, %s on %s; forward %s to %.0e; memory read as %s",
              problem.cell(),
              shape,
              problem.cell().dataTypeOf(),
              DeqEngine.label(device),
              SolverKind.ANDERSON,
              options.tolerance(),
              meter.method()));
      MemoryComparison comparison =
          new MemoryComparison(
              problem.cell(), manager, SolverKind.ANDERSON, options, options, meter);
      comparison.run(shape, List.of(), ignored -> {}); // warm-up
      return comparison.run(shape, depths, onPoint);
    } finally {
      if (!device.isGpu()) {
        MallocTuning.restore();
      }
    }
  }

  /**
   * Loads {@code cell} on {@code input}, solves with every solver and probes the Jacobian.
   *
   * @throws TorchScriptException naming the file and the problem, when the cell is refused
   */
  public static Report run(Path cell, Path input, Device device, SolverOptions options) {
    Autograd.setRecording(false);
    try (NDManager manager = DeqEngine.newManager(device);
        TorchScriptProblem problem = TorchScriptProblem.load(cell, input, manager)) {
      ParameterStore parameters = new ParameterStore(manager, false);
      List<Solve> solves = new ArrayList<>();
      NDArray best = null;
      double bestResidual = Double.POSITIVE_INFINITY;
      for (SolverKind kind : SolverKind.values()) {
        SolverResult result =
            new DeqLayer(problem.cell(), kind, options, BackwardMode.oneStep())
                .solve(parameters, problem.x(), IterationListener.NONE);
        solves.add(new Solve(kind, result.stats()));
        if (result.relativeResidual() < bestResidual) {
          bestResidual = result.relativeResidual();
          best = result.equilibrium();
        }
      }
      JacobianReport jacobian =
          new JacobianProbe(JacobianProbe.Options.defaults())
              .probe(problem.cell(), parameters, best, problem.x());
      long count = 0;
      for (var parameter : problem.cell().moduleParameters().values()) {
        count += parameter.getArray().getShape().size();
      }
      return new Report(
          problem.source(),
          problem.x().getShape().toString(),
          problem.z0().getShape().toString(),
          count,
          problem.gradientCheck(),
          solves,
          jacobian);
    }
  }
}
