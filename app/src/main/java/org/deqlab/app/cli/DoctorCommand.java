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
import java.util.concurrent.Callable;
import org.deqlab.core.cell.ConvolutionPath;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.Provenance;
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
    Device device = configOptions.device().resolve();
    Provenance provenance = Provenance.capture(device);
    out.printf(
        Locale.ROOT,
        "doctor: float32 gradients against float64 on %s (%s, %s, %s)%n",
        DeqEngine.label(device),
        DeqEngine.versions(),
        provenance.os(),
        cpuModel());
    String format = "%-58s %-13s %-12s %9s %9s  %s%n";
    out.printf(Locale.ROOT, format, "cell", "check", "worst", "rel.error", "tolerance", "result");
    long started = System.nanoTime();
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
          out.flush();
        }
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    List<PrecisionOutcome> failed = outcomes.stream().filter(o -> !o.passed()).toList();
    if (json != null) {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("command", "doctor");
      report.put("provenance", provenance);
      report.put("cpu", cpuModel());
      report.put("convolution", path.label());
      report.put("toleranceScale", scale);
      report.put("checks", outcomes);
      report.put("passed", failed.isEmpty());
      Reports.writeJson(json, report);
      out.println("wrote " + json);
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
