package org.deqlab.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deqlab.core.bench.ConvolutionBenchmark;
import org.deqlab.core.bench.SolverBenchmark;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.EngineThreads;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.LayerKind;
import org.deqlab.core.experiment.Presets;
import org.deqlab.core.io.DeqProblem;
import org.deqlab.core.io.NpzProblem;
import org.deqlab.core.memory.MemoryPoint;
import org.deqlab.core.memory.ProcessMemory;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.StopCriterion;
import org.deqlab.core.torchscript.TorchScriptProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./deq bench}: the fixed workloads behind the README's performance table — solver steps,
 * time per solve and per f evaluation, overhead ratios and backward times on the MLP, TrellisNet
 * and Transformer cells, and DEQ-versus-unrolled memory — printed and written as JSON.
 */
@Command(
    resourceBundle = "org.deqlab.app.cli.Help",
    name = "bench",
    header = "benchmark solvers and memory on fixed workloads",
    description = {
      "Workloads: the MLP cell at d=256, batch 64 (or the given .npz problem); the TrellisNet cell"
          + " at T = 50, 100, 200, 400; the Transformer cell at T = 100; then training-step memory"
          + " of the TrellisNet cell at T = 200 as a DEQ and unrolled (L = 1…64).",
      "",
      "For each solver: steps, time per solve, time per f evaluation, overhead ratio = solve time"
          + " / (evaluations × f time), implicit backward time.",
      "",
      "Then the convolution paths: the TrellisNet and conv cells at 8 channels and at the presets'"
          + " widths, one f evaluation and one VJP on the engine's kernel and unfolded.",
      "",
      "With --cell FILE.pt --input FILE.npz: only the TorchScript cell's solves; with --problem"
          + " FILE.npz (the same MLP's W, U, b, x) also the built-in MLP cell's, and the ratios"
          + " TorchScript / built-in."
    })
final class BenchCommand implements Callable<Integer> {
  private static final String TRELLIS_PRESET = "copy-memory-deq-trellisnet";

  /** The sequence length of the peak-memory target (TrellisNet at T = 200). */
  private static final int MEMORY_LENGTH = 200;

  /** Alternating rounds of the TorchScript cell and its built-in twin in {@code --cell} mode. */
  private static final int CELL_ROUNDS = 6;

  private final PrintStream out;
  @Spec private CommandSpec spec;

  @Option(names = "--problem", paramLabel = "FILE.npz")
  private Path problemFile;

  @Option(names = "--json", paramLabel = "FILE")
  private Path json;

  @Option(names = "--repeats", paramLabel = "N")
  private int repeats = 5;

  @Option(names = "--quick")
  private boolean quick;

  @Mixin private DeviceOption deviceOption;

  @Mixin private TorchScriptOptions torchScript;

  BenchCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    OptionValues.within(spec, "--repeats", repeats, 1, 100);
    Autograd.setRecording(false);
    if (torchScript.given()) {
      return benchCell();
    }
    SolverBenchmark benchmark = new SolverBenchmark(repeats);
    List<SolverBenchmark.Row> rows = new ArrayList<>();
    List<MemoryPoint> memory = new ArrayList<>();
    List<ConvolutionBenchmark.Row> convolutions;
    List<SolverKind> solvers =
        List.of(SolverKind.FIXED_POINT, SolverKind.ANDERSON, SolverKind.BROYDEN);
    Device device = deviceOption.resolve();
    EngineThreads.Choice threads;
    try (NDManager manager = DeqEngine.newManager(device)) {
      manager.getEngine().setRandomSeed(0);
      NpzProblem mlp =
          problemFile != null
              ? NpzProblem.load(problemFile, manager, DataType.FLOAT32)
              : NpzProblem.random(manager, DataType.FLOAT32, 256, 64, 64, 2.0, 0);
      threads = threadsFor(mlp, manager, device);
      out.println(
          "DEQ Workbench bench — "
              + DeqEngine.versions()
              + " on "
              + DeqEngine.label(device)
              + ", "
              + Runtime.getRuntime().availableProcessors()
              + " CPUs, intra-op threads "
              + threads);
      printHeader(out);
      SolverOptions mlpOptions =
          SolverOptions.defaults().withStopping(100, 1e-4, StopCriterion.RELATIVE);
      String mlpName =
          problemFile != null ? "mlp " + problemFile.getFileName() : "mlp d=256 b=64 ‖W‖=2";
      print(out, rows, benchmark.run(mlpName, mlp.cell(), manager, mlp.x(), solvers, mlpOptions));

      ExperimentConfig trellis = Presets.get(TRELLIS_PRESET);
      for (int length : quick ? List.of(50, 200) : List.of(50, 100, 200, 400)) {
        sequenceWorkload(out, rows, benchmark, manager, trellis, length, solvers);
      }
      sequenceWorkload(
          out, rows, benchmark, manager, Presets.get("copy-memory-deq-transformer"), 100, solvers);

      convolutions = convolutionWorkloads(out, new ConvolutionBenchmark(repeats), manager, quick);
    }
    if (ProcessMemory.available()) {
      memory =
          memoryWorkload(
              out,
              TRELLIS_PRESET,
              device,
              quick ? List.of(1, 4, 16) : List.of(1, 2, 4, 8, 16, 32, 64));
    }
    Map<String, Object> targets = targets(rows, memory);
    out.println();
    targets.forEach((name, value) -> out.println(name + ": " + value));
    Map<String, Object> sections = new LinkedHashMap<>();
    sections.put("convolutionPaths", convolutions);
    sections.put("memory", memory);
    sections.put("targets", targets);
    writeReport(device, threads, rows, sections);
    return 0;
  }

  /**
   * {@code --cell}: the TorchScript cell's solves, f evaluations and implicit backward, and — with
   * {@code --problem}, the same MLP's weights as the built-in cell — the same figures for the
   * built-in cell and the ratios TorchScript / built-in (the target: a solve no more than
   * 1.5× slower).
   */
  private int benchCell() throws IOException {
    torchScript.refuse("--quick");
    Device device = deviceOption.resolve();
    List<SolverKind> solvers =
        List.of(SolverKind.FIXED_POINT, SolverKind.ANDERSON, SolverKind.BROYDEN);
    SolverOptions options =
        SolverOptions.defaults().withStopping(100, 1e-4, StopCriterion.RELATIVE);
    SolverBenchmark benchmark = new SolverBenchmark(repeats);
    List<SolverBenchmark.Row> rows = new ArrayList<>();
    Map<String, Object> ratios = new LinkedHashMap<>();
    EngineThreads.Choice threads;
    try (NDManager manager = DeqEngine.newManager(device);
        TorchScriptProblem cell = torchScript.load(manager)) {
      manager.getEngine().setRandomSeed(0);
      threads = threadsFor(cell, manager, device);
      out.println(
          "DEQ Workbench bench --cell — "
              + DeqEngine.versions()
              + " on "
              + DeqEngine.label(device)
              + ", intra-op threads "
              + threads);
      NpzProblem builtIn =
          problemFile == null
              ? null
              : NpzProblem.load(problemFile, manager, cell.cell().dataTypeOf());
      // Rounds alternate the two cells, so that load from elsewhere on the machine falls on both.
      List<List<SolverBenchmark.Row>> scriptRounds = new ArrayList<>();
      List<List<SolverBenchmark.Row>> builtInRounds = new ArrayList<>();
      int rounds = builtIn == null ? 1 : CELL_ROUNDS;
      java.util.function.Supplier<List<SolverBenchmark.Row>> builtInRound =
          () ->
              benchmark.run(
                  "built-in " + problemFile.getFileName(),
                  builtIn.cell(),
                  manager,
                  builtIn.x(),
                  solvers,
                  options);
      for (int round = 0; round < rounds; round++) {
        if (builtIn != null && round % 2 == 1) {
          builtInRounds.add(builtInRound.get());
        }
        scriptRounds.add(
            benchmark.run(
                "torchscript " + torchScript.cell().getFileName(),
                cell.cell(),
                manager,
                cell.x(),
                solvers,
                options));
        if (builtIn != null && round % 2 == 0) {
          builtInRounds.add(builtInRound.get());
        }
      }
      if (rounds > 1) {
        out.println(
            "each solver's fastest of "
                + rounds
                + " alternating rounds of each cell (medians over --repeats within a round)");
      }
      printHeader(out);
      List<SolverBenchmark.Row> script = bestRows(scriptRounds);
      print(out, rows, script);
      if (builtIn != null) {
        List<SolverBenchmark.Row> twin = bestRows(builtInRounds);
        print(out, rows, twin);
        out.println();
        out.println("TorchScript / built-in (target: solve ≤ 1.50)");
        for (int i = 0; i < script.size(); i++) {
          SolverBenchmark.Row a = script.get(i);
          SolverBenchmark.Row b = twin.get(i);
          double solve = a.solveMillis() / b.solveMillis();
          String line =
              String.format(
                  Locale.ROOT,
                  "solve %.2f %s, f evaluation %.2f, implicit backward %.2f (steps %d vs %d)",
                  solve,
                  solve <= 1.5 ? "met" : "MISSED",
                  a.evaluationMillis() / b.evaluationMillis(),
                  a.backwardMillis() / b.backwardMillis(),
                  a.steps(),
                  b.steps());
          out.printf("%-12s %s%n", a.solver(), line);
          ratios.put(a.solver(), line);
        }
      }
    }
    writeReport(device, threads, rows, Map.of("torchScriptOverBuiltIn", ratios));
    return 0;
  }

  /** The JSON report, when one was asked for: provenance, threads, solver rows, then sections. */
  private void writeReport(
      Device device, EngineThreads.Choice threads, Object rows, Map<String, Object> sections)
      throws IOException {
    if (json == null) {
      return;
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("command", "bench");
    report.put("provenance", Provenance.capture(device));
    report.put("intraOpThreads", threads);
    report.put("solvers", rows);
    report.putAll(sections);
    Reports.writeJson(json, report);
    out.println("wrote " + json);
  }

  /**
   * Per solver, the round with the shortest solve: on a shared machine the figure least disturbed
   * by other load, which is what a comparison of two cells' own costs needs.
   */
  private static List<SolverBenchmark.Row> bestRows(List<List<SolverBenchmark.Row>> rounds) {
    List<SolverBenchmark.Row> medians = new ArrayList<>();
    for (int i = 0; i < rounds.get(0).size(); i++) {
      List<SolverBenchmark.Row> candidates = new ArrayList<>();
      for (List<SolverBenchmark.Row> round : rounds) {
        candidates.add(round.get(i));
      }
      candidates.sort(java.util.Comparator.comparingDouble(SolverBenchmark.Row::solveMillis));
      medians.add(candidates.get(0));
    }
    return medians;
  }

  /** The thread count for every workload, measured on the MLP's f (one on a GPU run). */
  private static EngineThreads.Choice threadsFor(DeqProblem mlp, NDManager manager, Device device) {
    if (device.isGpu()) {
      return new EngineThreads.Choice(EngineThreads.current(), "operators run on the GPU");
    }
    ParameterStore parameters = new ParameterStore(manager, false);
    NDArray injection = mlp.cell().inject(parameters, mlp.x(), false);
    NDArray z0 = mlp.cell().initialState(mlp.x());
    return EngineThreads.chooseFor(
        () -> mlp.cell().apply(parameters, z0, injection, false).close(),
        Runtime.getRuntime().availableProcessors());
  }

  private void sequenceWorkload(
      PrintStream out,
      List<SolverBenchmark.Row> rows,
      SolverBenchmark benchmark,
      NDManager manager,
      ExperimentConfig config,
      int length,
      List<SolverKind> solvers) {
    Cell cell;
    try {
      cell = config.newCell();
    } catch (IllegalArgumentException e) {
      out.println("skipped " + config.model().cell() + ": " + e.getMessage());
      return;
    }
    cell.initialize(manager, DataType.FLOAT32);
    NDArray x = manager.randomNormal(new Shape(16, length, config.model().embedding()));
    String name = config.model().cell() + " T=" + length + " b=16";
    print(out, rows, benchmark.run(name, cell, manager, x, solvers, config.forward().options()));
  }

  /**
   * The unfolded convolution path against the engine's kernel, on the TrellisNet and conv cells at
   * a small width (8 channels: where the kernel's float32 gradient is wrong here) and at the
   * presets' widths: one f evaluation and one vector–Jacobian product.
   */
  private static List<ConvolutionBenchmark.Row> convolutionWorkloads(
      PrintStream out, ConvolutionBenchmark benchmark, NDManager manager, boolean quick) {
    out.println();
    out.println(
        "convolution paths: one f evaluation and one VJP w.r.t. z, float32 (auto = the"
            + " path auto takes here)");
    out.printf(
        "%-30s %-9s %-9s %10s %10s %10s%n",
        "workload", "path", "auto", "f ms", "vjp ms", "vjp ratio");
    List<ConvolutionBenchmark.Row> rows = new ArrayList<>();
    ExperimentConfig.Model trellis = Presets.get(TRELLIS_PRESET).model();
    ExperimentConfig.Model conv = Presets.get("shapes-deq-conv").model();
    int length = quick ? 50 : 200;
    for (int width : new int[] {8, trellis.hidden()}) {
      ExperimentConfig.Model spec =
          trellis.withWidths(trellis.embedding(), width, 1, width).withDropout(0);
      NDArray x = manager.randomNormal(new Shape(16, length, spec.embedding()));
      rows.addAll(
          benchmark.run(
              String.format(Locale.ROOT, "trellisnet H=%d T=%d b=16", width, length),
              path -> spec.cell().build(spec.withConvolution(path), spec.embedding()),
              x,
              width,
              1));
    }
    int side = quick ? 8 : 16;
    for (int width : new int[] {8, conv.hidden()}) {
      ExperimentConfig.Model spec = conv.withWidths(1, width, 1, width).withDropout(0);
      NDArray x = manager.randomNormal(new Shape(32, 1, side, side));
      rows.addAll(
          benchmark.run(
              String.format(Locale.ROOT, "conv C=%d %dx%d b=32", width, side, side),
              path -> spec.cell().build(spec.withConvolution(path), 1),
              x,
              width,
              2));
    }
    for (ConvolutionBenchmark.Row row : rows) {
      out.printf(
          Locale.ROOT,
          "%-30s %-9s %-9s %10.3f %10.3f %10.2f%n",
          row.workload(),
          row.path(),
          row.autoChoice(),
          row.forwardMillis(),
          row.vjpMillis(),
          row.vjpRatio());
    }
    return rows;
  }

  /**
   * The memory table, measured by {@code ./deq memory} in a process of its own: the timings above
   * run with the allocator's usual thresholds (mapping every 64 KiB block for the memory reading
   * made the MLP's f evaluation take 1.4 ms instead of about 0.1 ms), the memory reading needs the
   * opposite.
   */
  private static List<MemoryPoint> memoryWorkload(
      PrintStream out, String preset, Device device, List<Integer> depths) throws Exception {
    out.println();
    out.println("memory: training step, resident bytes kept for backward and the step's peak");
    return MemoryCommand.measureInFreshProcess(
        List.of(
            "--preset",
            preset,
            "--device",
            DeqEngine.label(device),
            "--batch",
            "16",
            "--depths",
            MemoryCommand.joined(depths)),
        MEMORY_LENGTH,
        out);
  }

  private static Map<String, Object> targets(
      List<SolverBenchmark.Row> rows, List<MemoryPoint> memory) {
    Map<String, Object> targets = new LinkedHashMap<>();
    for (SolverBenchmark.Row row : rows) {
      boolean mlp = row.workload().startsWith("mlp");
      boolean trellis50 = row.workload().startsWith("trellisnet T=50 ");
      if ((mlp || trellis50) && !row.solver().equals("fixed-point")) {
        double limit = mlp ? 1.15 : 3.0;
        targets.put(
            String.format(
                Locale.ROOT, "overhead %s %s (target ≤ %.2f)", row.solver(), row.workload(), limit),
            String.format(
                Locale.ROOT,
                "%.2f %s",
                row.overheadRatio(),
                row.overheadRatio() <= limit ? "met" : "MISSED"));
      }
    }
    MemoryPoint deq =
        memory.stream().filter(p -> p.layer() == LayerKind.DEQ).findFirst().orElse(null);
    MemoryPoint one = memory.stream().filter(p -> p.depth() == 1).findFirst().orElse(null);
    MemoryPoint four = memory.stream().filter(p -> p.depth() == 4).findFirst().orElse(null);
    if (deq != null && one != null) {
      double ratio = (double) deq.keptBytes() / Math.max(1, one.keptBytes());
      targets.put(
          "DEQ kept / unrolled(L=1) kept (target ≤ 1.10)",
          String.format(Locale.ROOT, "%.2f %s", ratio, ratio <= 1.1 ? "met" : "MISSED"));
    }
    if (deq != null && four != null) {
      double ratio = (double) deq.peakBytes() / Math.max(1, four.peakBytes());
      targets.put(
          "DEQ peak / unrolled(L=4) peak (target ≤ 1.00)",
          String.format(Locale.ROOT, "%.2f %s", ratio, ratio <= 1.0 ? "met" : "MISSED"));
    }
    return targets;
  }

  private static void printHeader(PrintStream out) {
    out.printf(
        "%-24s %-12s %6s %6s %-15s %10s %10s %9s %9s %10s %6s%n",
        "workload",
        "solver",
        "steps",
        "f-evals",
        "stop",
        "rel res",
        "solve ms",
        "f ms",
        "overhead",
        "bwd ms",
        "bwd st");
  }

  private static void print(
      PrintStream out, List<SolverBenchmark.Row> all, List<SolverBenchmark.Row> rows) {
    for (SolverBenchmark.Row r : rows) {
      out.printf(
          Locale.ROOT,
          "%-24s %-12s %6d %6d %-15s %10.2e %10.2f %9.3f %9.2f %10.2f %6d%n",
          r.workload(),
          r.solver(),
          r.steps(),
          r.evaluations(),
          r.stopReason(),
          r.relativeResidual(),
          r.solveMillis(),
          r.evaluationMillis(),
          r.overheadRatio(),
          r.backwardMillis(),
          r.backwardSteps());
      all.add(r);
    }
  }
}
