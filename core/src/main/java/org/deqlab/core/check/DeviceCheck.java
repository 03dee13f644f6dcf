package org.deqlab.core.check;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.deqlab.core.cell.ConvolutionPath;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunOutcome;
import org.deqlab.core.experiment.DeviceChoice;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.Presets;
import org.deqlab.core.io.NpzFiles;
import org.deqlab.core.io.NpzProblem;
import org.deqlab.core.jacobian.JacobianProbe;
import org.deqlab.core.jacobian.JacobianReport;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.memory.MemoryPoint;
import org.deqlab.core.memory.MemoryStudy;
import org.deqlab.core.numerics.CheckedCell;
import org.deqlab.core.numerics.Differences;
import org.deqlab.core.numerics.PrecisionCheck;
import org.deqlab.core.numerics.PrecisionOutcome;
import org.deqlab.core.numerics.PrecisionSubjects;
import org.deqlab.core.numerics.Probe;
import org.deqlab.core.run.ExperimentRun;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.SolverResult;
import org.deqlab.core.solver.StopCriterion;

/**
 * What a GPU user runs once ({@code scripts/gpu-check}): a device's results against the CPU's. The
 * same MLP problem is solved on both; every cell kind's gradients — f's VJP, the DEQ with implicit
 * and phantom backward, an unrolled stack, the Jacobian term — are compared with the CPU's float64
 * twin, in float64 on the device (the devices alone differ) and in float32 (what users train in); a
 * few training steps run there; the spectral radius is estimated on both; and a training step's
 * memory is measured there. One line per check, pass or FAIL.
 *
 * <p>On the CPU itself it compares the CPU with a second CPU manager: the arithmetic of the checks
 * is tested that way on machines without a GPU.
 */
public final class DeviceCheck {
  /** Agreement in float64 between devices: only the order of operations differs. */
  private static final PrecisionCheck.Tolerances FLOAT64 =
      new PrecisionCheck.Tolerances(1e-10, 1e-7, 1e-6);

  private final Device device;
  private final Consumer<Result> onResult;
  private final List<Result> results = new ArrayList<>();

  /**
   * One check.
   *
   * @param check what was compared
   * @param passed whether it agreed within its tolerance
   * @param detail the measured figure and the tolerance, or what went wrong
   */
  public record Result(String check, boolean passed, String detail) {}

  /** Checks {@code device}, handing each result to {@code onResult} as soon as it is known. */
  public DeviceCheck(Device device, Consumer<Result> onResult) {
    this.device = device;
    this.onResult = onResult;
  }

  /** Runs every check; a check that throws fails with its message and the others still run. */
  public List<Result> run() {
    Autograd.setRecording(false);
    try (NDManager cpu = DeqEngine.newManager(Device.cpu());
        NDManager here = DeqEngine.newManager(device)) {
      check("solve: Broyden's z* against the CPU's (float64)", () -> solve(cpu, here));
      for (CheckedCell subject : PrecisionSubjects.small(ConvolutionPath.AUTO)) {
        gradients(subject, DataType.FLOAT64, FLOAT64, cpu, here);
        gradients(subject, DataType.FLOAT32, PrecisionCheck.Tolerances.defaults(), cpu, here);
      }
      check("probe: spectral radius by Arnoldi against the CPU's", () -> probe(cpu, here));
    }
    check("train: 5 steps of the quick preset", this::train);
    check("memory: one training step, DEQ against unrolled L = 4", this::memory);
    return results;
  }

  private void check(String name, Supplier<Result> body) {
    Result result;
    try {
      result = body.get();
    } catch (RuntimeException e) {
      result = new Result(name, false, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    Result named = new Result(name, result.passed(), result.detail());
    results.add(named);
    onResult.accept(named);
  }

  private static Result agreement(double error, double tolerance) {
    return new Result(
        "", error <= tolerance, String.format(Locale.ROOT, "%.1e (≤ %.0e)", error, tolerance));
  }

  /** The same random problem (written once, loaded on both devices) solved on both. */
  private Result solve(NDManager cpu, NDManager here) {
    Path file = problemFile(cpu);
    try {
      double[] reference = equilibrium(NpzProblem.load(file, cpu, DataType.FLOAT64));
      double[] measured = equilibrium(NpzProblem.load(file, here, DataType.FLOAT64));
      return agreement(Differences.relative(measured, reference), 1e-9);
    } finally {
      delete(file);
    }
  }

  private static double[] equilibrium(NpzProblem problem) {
    SolverOptions options =
        SolverOptions.defaults().withStopping(200, 1e-12, StopCriterion.RELATIVE);
    DeqLayer layer =
        new DeqLayer(problem.cell(), SolverKind.BROYDEN, options, BackwardMode.oneStep());
    ParameterStore parameters = new ParameterStore(problem.x().getManager(), false);
    SolverResult result = layer.solve(parameters, problem.x(), IterationListener.NONE);
    return result.equilibrium().toType(DataType.FLOAT64, false).toDoubleArray();
  }

  private void gradients(
      CheckedCell subject,
      DataType dataType,
      PrecisionCheck.Tolerances tolerances,
      NDManager cpu,
      NDManager here) {
    PrecisionCheck precision = new PrecisionCheck(tolerances, 17);
    for (Probe probe : Probe.values()) {
      check(
          "gradients: " + subject.label() + ", " + probe + ", " + dataType + " vs CPU float64",
          () -> {
            PrecisionOutcome outcome = precision.run(subject, probe, here, dataType, cpu);
            return new Result(
                "",
                outcome.passed(),
                String.format(
                        Locale.ROOT,
                        "%s %.1e (≤ %.0e)",
                        outcome.worst().quantity(),
                        outcome.worst().relativeError(),
                        outcome.tolerance())
                    + (outcome.solveNote().isEmpty() ? "" : "; " + outcome.solveNote()));
          });
    }
  }

  /** ρ(J_f(z*)) of the same problem by Arnoldi with as many steps as dimensions. */
  private Result probe(NDManager cpu, NDManager here) {
    Path file = problemFile(cpu);
    try {
      double reference = radius(NpzProblem.load(file, cpu, DataType.FLOAT64));
      double measured = radius(NpzProblem.load(file, here, DataType.FLOAT64));
      return agreement(Math.abs(measured - reference) / Math.abs(reference), 1e-6);
    } finally {
      delete(file);
    }
  }

  private static double radius(NpzProblem problem) {
    ParameterStore parameters = new ParameterStore(problem.x().getManager(), false);
    SolverOptions options = SolverOptions.defaults().withMaxIterations(200).withTolerance(1e-12);
    DeqLayer layer =
        new DeqLayer(problem.cell(), SolverKind.BROYDEN, options, BackwardMode.oneStep());
    NDArray z = layer.solve(parameters, problem.x(), IterationListener.NONE).equilibrium();
    NDArray injection =
        Autograd.noGrad(() -> problem.cell().inject(parameters, problem.x(), false));
    JacobianReport report =
        new JacobianProbe(JacobianProbe.Options.defaults().withArnoldiSteps(PROBLEM_STATE))
            .probe(problem.cell(), parameters, z.get("0:1"), injection.get("0:1"));
    return report.arnoldiRadius();
  }

  /** A few training steps on the device: they run, and the losses stay finite. */
  private Result train() {
    ExperimentConfig config = Presets.get(Presets.DEFAULT).shortened(5).withDevice(deviceChoice());
    try (ExperimentRun run = ExperimentRun.create(config, ExperimentRun.Options.inMemory())) {
      List<Double> losses = new ArrayList<>();
      run.events()
          .subscribe(
              event -> {
                if (event instanceof RunEvent.Step step) {
                  losses.add(step.loss());
                }
              });
      long start = System.nanoTime();
      RunEvent.Finished finished = run.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      boolean finite = losses.stream().allMatch(Double::isFinite);
      return new Result(
          "",
          finished.reason() == RunOutcome.COMPLETED && finite && losses.size() == 5,
          String.format(
              Locale.ROOT,
              "%s, losses %s, %.2f s per step",
              finished.reason(),
              losses.stream().map(l -> String.format(Locale.ROOT, "%.3f", l)).toList(),
              seconds / Math.max(1, losses.size())));
    }
  }

  /** A training step's memory on the device: the DEQ keeps less than a 4-deep stack. */
  private Result memory() {
    ExperimentConfig config = Presets.get(Presets.DEFAULT).withDevice(deviceChoice());
    MemoryStudy study = new MemoryStudy(config, 50, 8);
    List<MemoryPoint> points = study.measure(List.of(4), false, point -> {});
    MemoryPoint deq = points.get(0);
    MemoryPoint unrolled = points.get(1);
    // Resident memory (the host's meter) can miss what a step keeps when the C allocator reuses
    // blocks an earlier check freed, and then reads 0 for both; the step's peak still resolves. A
    // DEQ below the unrolled stack in either figure passes; at or above it in both fails.
    boolean below =
        deq.keptBytes() < unrolled.keptBytes() || deq.peakBytes() < unrolled.peakBytes();
    return new Result(
        "",
        below,
        String.format(
            Locale.ROOT,
            "kept %.2f MiB (DEQ) vs %.2f MiB (L = 4), peak %.2f vs %.2f MiB; %s",
            deq.keptMegabytes(),
            unrolled.keptMegabytes(),
            deq.peakMegabytes(),
            unrolled.peakMegabytes(),
            study.method()));
  }

  private DeviceChoice deviceChoice() {
    return device.isGpu() ? DeviceChoice.cuda(device.getDeviceId()) : DeviceChoice.CPU;
  }

  private static final int PROBLEM_STATE = 32;

  /** A random MLP problem (‖W‖₂ = 0.9) written as a user's .npz would be. */
  private static Path problemFile(NDManager cpu) {
    NpzProblem problem = NpzProblem.random(cpu, DataType.FLOAT64, PROBLEM_STATE, 8, 4, 0.9, 5);
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    arrays.put("W", problem.cell().weight().getArray());
    arrays.put("U", problem.cell().injectionWeight().getArray());
    arrays.put("b", problem.cell().bias().getArray());
    arrays.put("x", problem.x());
    try {
      Path file = Files.createTempFile("deq-device-check-", ".npz");
      NpzFiles.write(file, arrays);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a temporary file: the system cleans it up
    }
  }
}
