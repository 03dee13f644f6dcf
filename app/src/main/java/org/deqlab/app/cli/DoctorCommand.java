package org.deqlab.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.deqlab.core.cell.ConvolutionPath;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.EngineThreads;
import org.deqlab.core.engine.Gpu;
import org.deqlab.core.engine.GpuSupport;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.engine.TorchNatives;
import org.deqlab.core.experiment.DeviceChoice;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.numerics.CheckedCell;
import org.deqlab.core.numerics.PrecisionCache;
import org.deqlab.core.numerics.PrecisionCheck;
import org.deqlab.core.numerics.PrecisionOutcome;
import org.deqlab.core.numerics.PrecisionSubjects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./deq doctor}: are float32 gradients right on this machine? For every built-in cell at the
 * presets' sizes and at a small size (convolutions with 8 channels) — or for one config's cell —
 * compares float32 gradients with the float64 twin's, one line per check, and exits 2 when any
 * fails, saying what to do.
 */
@Command(
    resourceBundle = "org.deqlab.app.cli.Help",
    name = "doctor",
    header = "self-check: float32 gradients of every cell and layer against float64",
    description = {
      "Checks that float32 gradients are right on this machine and library versions. For every"
          + " built-in cell at the presets' sizes and at a small size (convolutions with 8"
          + " channels), it builds the cell in float32 and a float64 twin with the same parameters"
          + " and compares, on one small random input, the gradients w.r.t. the state z, the input"
          + " x and every parameter of: f itself (a vector–Jacobian product), a DEQ layer with the"
          + " implicit backward, one with the phantom backward, an unrolled stack, and the"
          + " Jacobian-regularization term.",
      "",
      "One line per check: the worst quantity, its max relative error, the tolerance, pass or"
          + " FAIL. Exit 0 when every check passes, 2 when one fails.",
      "",
      "--preset NAME or --config FILE checks only that experiment's cell, at its sizes."
    })
final class DoctorCommand implements Callable<Integer> {
  private final PrintStream out;
  @Spec private CommandSpec spec;

  @Mixin private ConfigOptions configOptions;

  @Option(names = "--convolution", paramLabel = "auto|native|padded|unfolded")
  private ConvolutionPath path = ConvolutionPath.AUTO;

  @Option(names = "--tolerance-scale", paramLabel = "X")
  private double scale = 1;

  @Option(names = "--json", paramLabel = "FILE", descriptionKey = "doctor.json")
  private Path json;

  DoctorCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    OptionValues.within(spec, "--tolerance-scale", scale, 1e-12, 1e6);
    PrecisionCheck check =
        new PrecisionCheck(PrecisionCheck.Tolerances.defaults().scaled(scale), 17);
    List<CheckedCell> subjects;
    if (configOptions.given()) {
      ExperimentConfig config = configOptions.load(true);
      if (spec.commandLine().getParseResult().hasMatchedOption("--convolution")) {
        config = config.withModel(config.model().withConvolution(path));
      }
      subjects =
          List.of(
              PrecisionSubjects.forConfig(
                  config, PrecisionSubjects.describe(config.model()) + " (" + config.name() + ")"));
    } else {
      subjects = PrecisionSubjects.builtIn(path);
    }
    GpuSupport gpus = GpuSupport.probe();
    printEnvironment(gpus);
    Optional<String> gpuRequestProblem = gpuRequestProblem(gpus);
    List<Device> devices = devicesToCheck(gpus);
    Provenance provenance = Provenance.capture(devices.isEmpty() ? Device.cpu() : devices.get(0));
    long started = System.nanoTime();
    List<PrecisionOutcome> outcomes = new ArrayList<>();
    for (Device device : devices) {
      out.printf(
          Locale.ROOT,
          "%nfloat32 gradients against float64 on %s%s%n",
          DeqEngine.label(device),
          device.isGpu()
              ? (System.getenv("NVIDIA_TF32_OVERRIDE") != null
                      && System.getenv("NVIDIA_TF32_OVERRIDE").equals("0")
                  ? " (TF32 off: NVIDIA_TF32_OVERRIDE=0, as ./deq sets it)"
                  : " (cuDNN may compute float32 convolutions in TF32, PyTorch's default;"
                      + " ./deq sets NVIDIA_TF32_OVERRIDE=0 because TF32 failed these checks on"
                      + " an H200)")
              : "");
      outcomes.addAll(check(check, subjects, device));
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    List<PrecisionOutcome> failed = outcomes.stream().filter(o -> !o.passed()).toList();
    if (json != null) {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("command", "doctor");
      report.put("provenance", provenance);
      report.put("cpu", cpuModel());
      report.put("natives", gpus.natives().describe());
      report.put("nvidiaDriver", gpus.driverVersion().orElse(null));
      report.put("gpus", gpus.gpus());
      report.put("gpuProblem", gpus.problem().orElse(null));
      report.put("devices", devices.stream().map(DeqEngine::label).toList());
      report.put("convolution", path.label());
      report.put("toleranceScale", scale);
      report.put("checks", outcomes);
      report.put("passed", failed.isEmpty());
      Reports.writeJson(json, report);
      out.println("wrote " + json);
    }
    if (gpuRequestProblem.isPresent()) {
      out.printf(
          Locale.ROOT,
          "%d of %d checks failed (%.1f s); the GPU set-up asked for cannot work: %s%n",
          failed.size(),
          outcomes.size(),
          seconds,
          gpuRequestProblem.get());
      return 2;
    }
    if (failed.isEmpty()) {
      out.printf(Locale.ROOT, "all %d checks passed in %.1f s%n", outcomes.size(), seconds);
      return 0;
    }
    out.printf(
        Locale.ROOT,
        "%d of %d checks FAILED (%.1f s): %s%n",
        failed.size(),
        outcomes.size(),
        seconds,
        advice(failed, path, scale));
    return 2;
  }

  /** Runs every check of every subject on {@code device}, printing one line per check. */
  private List<PrecisionOutcome> check(
      PrecisionCheck check, List<CheckedCell> subjects, Device device) {
    String format = "%-58s %-13s %-12s %9s %9s  %s%n";
    out.printf(Locale.ROOT, format, "cell", "check", "worst", "rel.error", "tolerance", "result");
    List<PrecisionOutcome> outcomes = new ArrayList<>();
    Autograd.setRecording(false);
    try (NDManager manager = DeqEngine.newManager(device)) {
      for (CheckedCell subject : subjects) {
        for (PrecisionOutcome outcome : check.run(subject, manager)) {
          outcomes.add(outcome);
          PrecisionOutcome.QuantityError worst = outcome.worst();
          out.printf(
              Locale.ROOT,
              format,
              truncate(outcome.subject(), 58),
              outcome.probe(),
              truncate(worst.quantity(), 12),
              String.format(Locale.ROOT, "%.1e", worst.relativeError()),
              String.format(Locale.ROOT, "%.0e", outcome.tolerance()),
              outcome.passed() ? "pass" : "FAIL");
          if (!outcome.solveNote().isEmpty()) {
            out.println("    " + outcome.solveNote());
          }
          out.flush();
        }
      }
    }
    return outcomes;
  }

  /**
   * The machine as the engine sees it: Java, DJL and PyTorch with where the natives came from, the
   * NVIDIA driver and its GPUs, the thread counts, and for a GPU that cannot be used the reason and
   * the fix.
   */
  private void printEnvironment(GpuSupport gpus) {
    TorchNatives natives = gpus.natives();
    String format = "  %-9s %s%n";
    out.printf(Locale.ROOT, "doctor: DEQ Workbench %s%n", Provenance.workbenchVersion());
    out.printf(
        Locale.ROOT,
        format,
        "java",
        System.getProperty("java.vendor")
            + " "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.home")
            + ")");
    out.printf(Locale.ROOT, format, "engine", DeqEngine.versions());
    out.printf(Locale.ROOT, format, "natives", natives.describe());
    out.printf(Locale.ROOT, format, "", "libtorch: " + natives.directory());
    natives.jniLibrary().ifPresent(jni -> out.printf(Locale.ROOT, format, "", "bridge: " + jni));
    TorchNatives.fallbackReason()
        .ifPresent(reason -> out.printf(Locale.ROOT, format, "not used", reason));
    out.printf(
        Locale.ROOT,
        format,
        "machine",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.arch")
            + ", "
            + cpuModel()
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " CPUs");
    out.printf(
        Locale.ROOT,
        format,
        "threads",
        "intra-op "
            + EngineThreads.current()
            + EngineThreads.fixedByUser().stream()
                .mapToObj(n -> " (set by " + EngineThreads.VARIABLE + ")")
                .findFirst()
                .orElse(" (each run measures whether more help)"));
    out.printf(
        Locale.ROOT,
        format,
        "NVIDIA",
        gpus.driverVersion().map(v -> "driver for CUDA " + v).orElse("no driver"));
    for (Gpu gpu : gpus.gpus()) {
      out.printf(Locale.ROOT, format, "", gpu.toString());
    }
    out.printf(
        Locale.ROOT,
        format,
        "GPU",
        gpus.problem().map(problem -> "none usable: " + problem).orElse(gpus.usable() + " usable"));
  }

  /**
   * Why the GPU set-up the user asked for ({@code DEQ_TORCH_LIB}, or {@code --device cuda}) cannot
   * work, if it cannot.
   */
  private Optional<String> gpuRequestProblem(GpuSupport gpus) {
    String torchLib = System.getenv("DEQ_TORCH_LIB");
    if (torchLib != null && !torchLib.isBlank() && !gpus.natives().cuda()) {
      return Optional.of(
          TorchNatives.fallbackReason()
              .orElse("DEQ_TORCH_LIB=" + torchLib + " was not loaded (start with ./deq)"));
    }
    DeviceOption device = configOptions.device();
    if (device.given() && device.choice().kind() == DeviceChoice.Kind.CUDA) {
      try {
        device.resolve();
      } catch (IllegalArgumentException e) {
        return Optional.of(e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** The device asked for, or the CPU and every usable GPU. */
  private List<Device> devicesToCheck(GpuSupport gpus) {
    DeviceOption device = configOptions.device();
    if (device.given()) {
      try {
        return List.of(device.resolve());
      } catch (IllegalArgumentException e) {
        return List.of();
      }
    }
    List<Device> devices = new ArrayList<>(List.of(Device.cpu()));
    for (int i = 0; i < gpus.usable(); i++) {
      devices.add(Device.gpu(i));
    }
    return devices;
  }

  /** What to do about the failed checks. */
  private static String advice(List<PrecisionOutcome> failed, ConvolutionPath path, double scale) {
    if (scale < 1) {
      return "the tolerances were tightened by --tolerance-scale "
          + scale
          + "; float32 cannot meet them";
    }
    boolean onlyConvolutions = failed.stream().allMatch(PrecisionOutcome::convolutional);
    if (onlyConvolutions && path != ConvolutionPath.UNFOLDED) {
      return "the engine's convolution gradients are wrong here: keep model.convolution at auto"
          + " (the training commands check it and move to unfolded if needed) or set it to"
          + " unfolded; try ./deq doctor --convolution unfolded";
    }
    return "train these cells in float64 (dtype) and report this output (it names the CPU and"
        + " the versions) as an issue";
  }

  private static String truncate(String text, int width) {
    return text.length() <= width ? text : text.substring(0, width - 1) + "…";
  }

  private static String cpuModel() {
    return PrecisionCache.cpuModel();
  }
}
