package org.deqlab.app.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.experiment.DeviceChoice;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.Footprint;
import org.deqlab.core.experiment.LayerKind;
import org.deqlab.core.memory.MemoryPoint;
import org.deqlab.core.memory.MemoryStudy;
import org.deqlab.core.memory.ProcessMemory;
import org.deqlab.core.torchscript.TorchScriptStudy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./deq memory}: training-step memory of a preset's cell as a DEQ versus weight-tied
 * unrolled stacks of growing depth, measured from the process, with times and gradient agreement.
 */
@Command(
    resourceBundle = "org.deqlab.app.cli.Help",
    name = "memory",
    header = "training-step memory: DEQ versus unrolled depth L",
    description =
        "Measures one training step of the preset's cell (default: the default preset's) as a DEQ"
            + " with implicit backward and as unrolled weight-tied stacks of each depth, at each"
            + " sequence length (for an image task: each image size, default the task's): resident"
            + " memory added by the forward pass and kept for backward, the solver's buffers that"
            + " the forward solve leaves for the adjoint solve to reuse, the step's peak (which"
            + " includes them), forward and backward times, and how far each gradient is from the"
            + " DEQ's; each figure is the median of three steps. Each length runs in a fresh"
            + " process and the run ends with a summary over the lengths. Memory is read from the"
            + " process (Linux /proc), so run it on an otherwise idle machine; tensors much under"
            + " 64 KB (T < 50 on the presets) are too small for it to resolve.")
final class MemoryCommand implements Callable<Integer> {
  /** glibc's switch for the size from which blocks are mapped and unmapped individually. */
  private static final String MMAP_THRESHOLD = "MALLOC_MMAP_THRESHOLD_";

  private final PrintStream out;
  @Spec private CommandSpec spec;

  @Mixin private ConfigOptions configOptions;

  @Option(
      names = "--depths",
      paramLabel = "L",
      split = ",",
      converter = OptionValues.PositiveInteger.class,
      defaultValue = "1,2,4,8,16,32,64")
  private List<Integer> depths;

  @Option(
      names = "--lengths",
      paramLabel = "T",
      split = ",",
      converter = OptionValues.PositiveInteger.class)
  private List<Integer> lengths;

  @Option(names = "--length", paramLabel = "T")
  private Integer length;

  @Option(names = "--batch", paramLabel = "B")
  private int batch = 16;

  @Mixin private TableFiles files;

  @Mixin private TorchScriptOptions torchScript;

  MemoryCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    OptionValues.nonEmpty(spec, "--depths", depths);
    if (torchScript.given()) {
      return measureCell();
    }
    OptionValues.nonEmpty(spec, "--lengths", lengths);
    ExperimentConfig config = configOptions.load(false);
    List<Integer> measured = lengthsToMeasure(config);
    OptionValues.within(spec, "--batch", batch, 1, 100_000);
    if (!ProcessMemory.available()) {
      throw new IllegalArgumentException(
          "memory: this system does not expose /proc/self/status and clear_refs");
    }
    int deepest = depths.stream().mapToInt(Integer::intValue).max().orElse(1);
    for (int each : measured) { // refuse what cannot fit before measuring anything
      ExperimentConfig at =
          config
              .withTask(config.task().withSequenceLength(each).withBatchSize(batch))
              .withModel(config.model().withLayer(LayerKind.UNROLLED).withDepth(deepest));
      try {
        Footprint.of(at).check(at, config.device().kind() == DeviceChoice.Kind.CUDA);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "memory at length " + each + " and depth " + deepest + ": " + e.getMessage(), e);
      }
    }
    List<String> arguments = new ArrayList<>(configOptions.asArguments());
    arguments.addAll(List.of("--depths", joined(depths), "--batch", String.valueOf(batch)));
    Device device = config.device().resolve();
    List<MemoryPoint> points = new ArrayList<>();
    List<String> inputs = new ArrayList<>();
    for (int each : measured) {
      inputs.add(new MemoryStudy(config, each, batch).inputShape().toString());
      points.addAll(
          measured.size() == 1 && System.getenv(MMAP_THRESHOLD) != null
              ? measureHere(config, each, batch, depths, out)
              : measureInFreshProcess(arguments, each, out));
    }
    if (measured.size() > 1) {
      printSummary(out, points, measured, depths);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("command", "memory");
    report.put("provenance", Provenance.capture(device));
    report.put("config", config);
    report.put("inputShapes", inputs);
    report.put("measuredBy", MemoryStudy.meterFor(device).method());
    report.put("points", points);
    files.write(report, csv(points), out);
    return 0;
  }

  /** The points as CSV rows under a header. */
  private static String csv(List<MemoryPoint> points) {
    StringBuilder rows =
        new StringBuilder(
            "layer,depth,length,kept_bytes,workspace_bytes,peak_bytes,forward_ms,backward_ms,forward_steps,loss,gradient_difference\n");
    for (MemoryPoint p : points) {
      rows.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%d,%d,%d,%d,%.3f,%.3f,%d,%.6e,%.6e%n",
              p.layer(),
              p.depth(),
              p.length(),
              p.keptBytes(),
              p.workspaceBytes(),
              p.peakBytes(),
              p.forwardMillis(),
              p.backwardMillis(),
              p.forwardSteps(),
              p.loss(),
              p.gradientDifference()));
    }
    return rows.toString();
  }

  /** {@code --length}, {@code --lengths}, or the task's default lengths. */
  private List<Integer> lengthsToMeasure(ExperimentConfig config) {
    if (length != null && lengths != null) {
      throw new ParameterException(spec.commandLine(), "give --length or --lengths, not both");
    }
    if (length != null) {
      return List.of(OptionValues.within(spec, "--length", length, 1, 100_000));
    }
    if (lengths != null) {
      return lengths;
    }
    return config.task().kind().images()
        ? List.of(config.task().sequenceLength())
        : List.of(50, 100, 200);
  }

  /** One length measured in this process, printing each point as it comes. */
  private static List<MemoryPoint> measureHere(
      ExperimentConfig config, int length, int batch, List<Integer> depths, PrintStream out) {
    MemoryStudy study = new MemoryStudy(config, length, batch);
    Device device = config.device().resolve();
    out.printf(
        Locale.ROOT,
        "%s cell (%s), input %s, %s on %s; forward %s to %.0e%n",
        config.model().cell(),
        config.name(),
        study.inputShape(),
        config.dtype().dataType(),
        DeqEngine.label(device),
        config.forward().solver(),
        config.forward().options().tolerance());
    out.println("memory read as: " + study.method());
    printHeader(out);
    return study.measure(depths, false, point -> printPoint(out, point));
  }

  private static void printHeader(PrintStream out) {
    out.printf(
        "%-9s %6s %12s %12s %12s %10s %10s %6s %12s%n",
        "layer",
        "depth",
        "kept (MB)",
        "solver (MB)",
        "peak (MB)",
        "fwd (ms)",
        "bwd (ms)",
        "steps",
        "grad diff");
  }

  private static void printPoint(PrintStream out, MemoryPoint point) {
    out.printf(
        Locale.ROOT,
        "%-9s %6s %12.2f %12s %12.2f %10.1f %10.1f %6s %12.2e%n",
        point.layer(),
        point.layer() == LayerKind.DEQ ? "-" : String.valueOf(point.depth()),
        point.keptMegabytes(),
        point.layer() == LayerKind.DEQ
            ? String.format(Locale.ROOT, "%.2f", point.workspaceMegabytes())
            : "-",
        point.peakMegabytes(),
        point.forwardMillis(),
        point.backwardMillis(),
        point.forwardSteps() == 0 ? "-" : String.valueOf(point.forwardSteps()),
        point.gradientDifference());
  }

  /**
   * {@code --cell}: the user's TorchScript cell as a DEQ against its unrolled twin (the same module
   * applied L times with autograd), measured in this process at the input's shape (batch from
   * {@code --batch} if given), with the C allocator told to release freed blocks at once.
   */
  private int measureCell() throws IOException {
    torchScript.refuse("--preset", "--config", "--length", "--lengths");
    Device device = configOptions.device().resolve();
    int rows =
        spec.commandLine().getParseResult().hasMatchedOption("--batch")
            ? OptionValues.within(spec, "--batch", batch, 1, 100_000)
            : 0;
    String[] described = {""};
    List<MemoryPoint> points;
    try {
      points =
          TorchScriptStudy.memory(
              torchScript.cell(),
              torchScript.input(),
              device,
              depths,
              rows,
              line -> {
                described[0] = line;
                out.println(line);
                printHeader(out);
              },
              point -> printPoint(out, point));
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("memory: " + e.getMessage(), e);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("command", "memory");
    report.put("provenance", Provenance.capture(device));
    report.put("cell", torchScript.cell().toString());
    report.put("measured", described[0]);
    report.put("points", points);
    MemoryPoint deq = points.get(0);
    for (MemoryPoint point : points.subList(1, points.size())) {
      out.printf(
          Locale.ROOT,
          "DEQ/unrolled kept at L=%d: %.3f%n",
          point.depth(),
          deq.keptBytes() / (double) Math.max(1, point.keptBytes()));
    }
    files.write(report, csv(points), out);
    return 0;
  }

  /**
   * One length measured by a new JVM running this command for that length alone. Resident memory
   * only shows new pages: after a long sequence's deep stack the allocator keeps hundreds of
   * megabytes of freed pages that the next length reuses unseen (it read 0.03 MB kept at T = 100
   * after T = 50), so each length gets a process of its own. Its allocator is told to map every
   * block from 64 KiB on its own pages and unmap it when freed ({@value #MMAP_THRESHOLD}), so the
   * resident size follows the live tensors; without that, glibc serves most tensors from pages it
   * already holds and an unrolled stack of depth 16 read 20 KB kept.
   *
   * @param arguments the command's options other than the length and the report file
   */
  static List<MemoryPoint> measureInFreshProcess(
      List<String> arguments, int length, PrintStream out)
      throws IOException, InterruptedException {
    Path json = Files.createTempFile("deq-memory-" + length + "-", ".json");
    try {
      List<String> command = new ArrayList<>();
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(Main.class.getName());
      command.add("memory");
      command.addAll(arguments);
      command.addAll(List.of("--length", String.valueOf(length), "--json", json.toString()));
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
      builder.environment().putIfAbsent(MMAP_THRESHOLD, "65536");
      Process child = builder.start();
      out.println();
      try (BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          if (!line.startsWith("wrote ")) {
            out.println(line);
          }
        }
      }
      int status = child.waitFor();
      if (status != 0) {
        throw new IllegalStateException(
            "memory: the measurement at length " + length + " failed (exit " + status + ")");
      }
      JsonNode report = Reports.JSON.readTree(json.toFile());
      return Reports.JSON.readerForListOf(MemoryPoint.class).readValue(report.get("points"));
    } finally {
      Files.deleteIfExists(json);
    }
  }

  static String joined(List<Integer> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  /** Kept and peak megabytes per length: the DEQ's against the shallowest and deepest stacks. */
  private static void printSummary(
      PrintStream out, List<MemoryPoint> points, List<Integer> lengths, List<Integer> depths) {
    int shallow = depths.stream().min(Integer::compare).orElseThrow();
    int deep = depths.stream().max(Integer::compare).orElseThrow();
    out.printf(Locale.ROOT, "%nsummary over lengths (MB): kept for backward, then step peak%n");
    out.printf(
        Locale.ROOT,
        "%7s %10s %10s %10s %10s %10s %10s%n",
        "length",
        "deq kept",
        "L=" + shallow + " kept",
        "L=" + deep + " kept",
        "deq peak",
        "L=" + shallow + " peak",
        "L=" + deep + " peak");
    for (int length : lengths) {
      MemoryPoint deq = find(points, length, 0);
      MemoryPoint first = find(points, length, shallow);
      MemoryPoint last = find(points, length, deep);
      out.printf(
          Locale.ROOT,
          "%7d %10.2f %10.2f %10.2f %10.2f %10.2f %10.2f%n",
          length,
          deq.keptMegabytes(),
          first.keptMegabytes(),
          last.keptMegabytes(),
          deq.peakMegabytes(),
          first.peakMegabytes(),
          last.peakMegabytes());
    }
  }

  private static MemoryPoint find(List<MemoryPoint> points, int length, int depth) {
    return points.stream()
        .filter(p -> p.length() == length && p.depth() == depth)
        .findFirst()
        .orElseThrow();
  }
}
