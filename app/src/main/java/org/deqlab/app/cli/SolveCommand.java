package org.deqlab.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.EngineThreads;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.io.DeqProblem;
import org.deqlab.core.io.NpzFiles;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.layer.LayerPass;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolveStats;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.SolverResult;
import org.deqlab.core.text.Labels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./deq solve}: solves a DEQ problem (an MLP from {@code .npz} or built-in, or a TorchScript
 * cell on its input) with one or all solvers, prints a comparison table, and optionally writes the
 * full traces as JSON, the equilibrium as {@code .npz}, and the implicit gradient of {@code
 * ½‖z*‖²}.
 */
@Command(
    resourceBundle = "org.deqlab.app.cli.Help",
    name = "solve",
    header = "solve z* = f(z*, x) for an MLP problem or a TorchScript cell and compare solvers")
final class SolveCommand implements Callable<Integer> {
  private final PrintStream out;
  @Spec private CommandSpec spec;

  @Option(names = "--solver", paramLabel = "anderson|broyden|fixed-point|all")
  private String solver = "all";

  @Option(names = "--json", paramLabel = "FILE", descriptionKey = "solve.json")
  private Path json;

  @Option(names = "--save", paramLabel = "FILE.npz")
  private Path save;

  @Option(names = "--grad")
  private boolean grad;

  @Option(names = "--b-thres", paramLabel = "N")
  private int backwardMaxIterations = 100;

  @Option(names = "--b-tol", paramLabel = "EPS")
  private double backwardTolerance = 1e-6;

  @Mixin private ProblemOptions problemOptions;

  SolveCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    List<SolverKind> kinds =
        solver.equalsIgnoreCase("all")
            ? List.of(SolverKind.values())
            : List.of(
                OptionValues.<SolverKind>parse(
                    spec, "--solver", solver, text -> Labels.parse(SolverKind.class, text)));
    SolverOptions options = problemOptions.solverOptions();
    SolverOptions backwardOptions =
        options
            .withMaxIterations(
                OptionValues.within(spec, "--b-thres", backwardMaxIterations, 1, 1_000_000))
            .withTolerance(
                OptionValues.within(spec, "--b-tol", backwardTolerance, Double.MIN_VALUE, 1e6));
    if (grad && save == null) {
      throw new ParameterException(
          spec.commandLine(),
          "--grad writes its gradients into the --save file; give --save FILE.npz");
    }
    Device device = problemOptions.device();

    Autograd.setRecording(false);
    try (NDManager manager = DeqEngine.newManager(device);
        DeqProblem problem = problemOptions.load(manager)) {
      ParameterStore parameters = new ParameterStore(manager, false);
      NDArray x = problem.x();
      out.printf(
          Locale.ROOT,
          "problem: %s, x %s, %s on %s%n",
          problem.source(),
          x.getShape(),
          problem.cell().dataTypeOf(),
          DeqEngine.label(device));
      Map<String, Object> check = new LinkedHashMap<>();
      GradientCheckReport.print(out, problem, check);
      if (!device.isGpu()) {
        NDArray injection = problem.cell().inject(parameters, x, false);
        NDArray z0 = problem.cell().initialState(x);
        EngineThreads.Choice threads =
            EngineThreads.chooseFor(
                () -> problem.cell().apply(parameters, z0, injection, false).close(),
                Runtime.getRuntime().availableProcessors());
        out.println("intra-op threads: " + threads);
      }
      for (SolverKind kind : kinds) {
        warmUp(problem, parameters, kind, options);
      }

      List<Run> runs = new ArrayList<>();
      for (SolverKind kind : kinds) {
        DeqLayer layer = new DeqLayer(problem.cell(), kind, options, BackwardMode.oneStep());
        SolverResult result = layer.solve(parameters, x, IterationListener.NONE);
        runs.add(new Run(kind, result));
      }
      printTable(out, runs);

      Run best =
          runs.stream().min(Comparator.comparingDouble(r -> r.result.relativeResidual())).get();
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("command", "solve");
      report.put("provenance", Provenance.capture(device));
      report.put("problem", problem.source());
      report.put("inputShape", x.getShape().toString());
      report.put("dtype", problem.cell().dataTypeOf().toString());
      report.put("options", options);
      report.putAll(check);
      List<Map<String, Object>> runReports = new ArrayList<>();
      for (Run run : runs) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("solver", run.kind.label());
        entry.put("stats", run.result.stats());
        entry.put("sampleAbsoluteResiduals", run.result.sampleAbsoluteResiduals());
        entry.put("sampleRelativeResiduals", run.result.sampleRelativeResiduals());
        runReports.add(entry);
      }
      report.put("runs", runReports);

      if (save != null) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        arrays.put("z", best.result.equilibrium());
        if (kinds.size() > 1) {
          out.printf("saved z from %s (lowest relative residual)%n", best.kind);
        }
        if (grad) {
          SolveStats backward =
              implicitGradient(problem, parameters, best.kind, options, backwardOptions, arrays);
          out.printf(
              Locale.ROOT,
              "implicit gradient of ½‖z*‖² (backward %s): %d steps, rel residual %.3g, %s%n",
              best.kind,
              backward.steps(),
              backward.relativeResidual(),
              backward.stopReason());
          report.put("backward", backward);
          report.put("backwardOptions", backwardOptions);
        }
        NpzFiles.write(save, arrays);
        out.println("wrote " + save + " " + arrays.keySet());
        report.put(
            "saved",
            Map.of(
                "file", save.toString(), "solver", best.kind.label(), "arrays", arrays.keySet()));
      }
      if (json != null) {
        Reports.writeJson(json, report);
        out.println("wrote " + json);
      }
    }
    return 0;
  }

  /** One untimed short solve so the table's times do not include engine and JIT start-up. */
  private static void warmUp(
      DeqProblem problem, ParameterStore parameters, SolverKind kind, SolverOptions options) {
    new DeqLayer(problem.cell(), kind, options.withMaxIterations(3), BackwardMode.oneStep())
        .solve(parameters, problem.x(), IterationListener.NONE);
  }

  private static SolveStats implicitGradient(
      DeqProblem problem,
      ParameterStore parameters,
      SolverKind kind,
      SolverOptions forward,
      SolverOptions backward,
      Map<String, NDArray> arrays) {
    DeqLayer layer =
        new DeqLayer(problem.cell(), kind, forward, new BackwardMode.Implicit(kind, backward));
    NDArray x = problem.x().duplicate();
    x.setRequiresGradient(true);
    LayerPass pass = layer.forward(parameters, x, true, IterationListener.NONE);
    NDArray loss = Autograd.recording(true, () -> pass.state().square().sum().mul(0.5));
    Autograd.backward(loss, false);
    SolveStats stats = pass.completeBackward().orElseThrow();
    for (Pair<String, Parameter> named : problem.namedParameters()) {
      arrays.put("d" + named.getKey(), named.getValue().getArray().getGradient());
    }
    arrays.put("dx", x.getGradient());
    return stats;
  }

  private static void printTable(PrintStream out, List<Run> runs) {
    out.printf(
        "%-12s %6s %8s %13s %13s  %-15s %10s%n",
        "solver", "steps", "f-evals", "abs residual", "rel residual", "stop reason", "time (ms)");
    for (Run run : runs) {
      SolverResult r = run.result;
      out.printf(
          Locale.ROOT,
          "%-12s %6d %8d %13.3e %13.3e  %-15s %10.2f%n",
          run.kind.label(),
          r.steps(),
          r.functionEvaluations(),
          r.absoluteResidual(),
          r.relativeResidual(),
          r.stopReason(),
          r.elapsedMillis());
    }
    for (Run run : runs) {
      if (!run.result.converged()) {
        out.printf(
            "note: %s %s — %s%n",
            run.kind, run.result.stopReason(), run.result.stopReason().hint());
      }
    }
  }

  private record Run(SolverKind kind, SolverResult result) {}
}
