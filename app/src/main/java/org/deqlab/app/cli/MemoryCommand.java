package org.deqlab.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.memory.MemoryComparison;
import org.deqlab.core.memory.MemoryPoint;
import org.deqlab.core.memory.ProcessMemory;
import org.deqlab.core.model.ModelFactory;
import org.deqlab.core.train.TrainingConfig;

/**
 * {@code ./deq memory}: training-step memory of a preset's cell as a DEQ versus weight-tied
 * unrolled stacks of growing depth, measured from the process, with times and gradient agreement.
 */
public final class MemoryCommand implements Command {

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public String summary() {
    return "training-step memory: DEQ versus unrolled depth L";
  }

  @Override
  public String usage() {
    return """
        Usage: ./deq memory [--preset NAME | --config FILE] [--depths 1,2,4,8,16,32,64]
                            [--length T] [--batch B] [--json FILE] [--csv FILE]

          Measures one training step of the preset's cell (default: the default preset's) as a
          DEQ with implicit backward and as unrolled weight-tied stacks of each depth: resident
          memory added by the forward pass and kept for backward, the step's peak, forward and
          backward times, and how far each gradient is from the DEQ's. Memory is read from the
          process (Linux /proc), so run it on an otherwise idle machine.
        """;
  }

  @Override
  public int run(String[] argv, PrintStream out) throws Exception {
    Arguments args = Arguments.parse(name(), argv,
        Set.of("--preset", "--config", "--depths", "--length", "--batch", "--json", "--csv"), Set.of());
    TrainingConfig config = ConfigOptions.load(args, name(), false);
    List<Integer> depths = args.integers("--depths", List.of(1, 2, 4, 8, 16, 32, 64));
    int length = args.integer("--length", 200, 1, 100_000);
    int batch = args.integer("--batch", 16, 1, 100_000);
    if (!ProcessMemory.available()) {
      throw new UsageException("memory: this system does not expose /proc/self/status and clear_refs");
    }
    Device device = DeqEngine.parseDevice(config.device());
    DataType dataType = DeqEngine.parseDataType(config.dtype());
    boolean images = config.task().kind().equals("shapes");
    Autograd.setRecording(false);
    try (NDManager manager = DeqEngine.newManager(device)) {
      manager.getEngine().setRandomSeed((int) config.seed());
      Cell cell = ModelFactory.cell(config.model(), images ? 1 : config.model().embedding());
      cell.initialize(manager, dataType);
      Shape input = images ? new Shape(batch, 1, length, length)
          : new Shape(batch, length, config.model().embedding());
      out.printf(Locale.ROOT, "%s cell (%s), input %s, %s on %s; forward %s to %.0e%n",
          config.model().cell(), config.name(), input, dataType, device, config.forward().solver(),
          config.forward().options().tolerance());
      out.printf("%-9s %6s %12s %12s %10s %10s %6s %12s%n", "layer", "depth", "kept (MB)",
          "peak (MB)", "fwd (ms)", "bwd (ms)", "steps", "grad diff");
      MemoryComparison comparison = new MemoryComparison(cell, manager, config.forward().solver(),
          config.forward().options(), config.backward().options());
      List<MemoryPoint> points = comparison.run(input, depths, point -> out.printf(Locale.ROOT,
          "%-9s %6s %12.2f %12.2f %10.1f %10.1f %6s %12.2e%n", point.layer(),
          point.depth() == 0 ? "-" : String.valueOf(point.depth()), point.keptMegabytes(),
          point.peakMegabytes(), point.forwardMillis(), point.backwardMillis(),
          point.forwardSteps() == 0 ? "-" : String.valueOf(point.forwardSteps()),
          point.gradientDifference()));
      Path json = args.path("--json");
      if (json != null) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("command", "memory");
        report.put("provenance", Provenance.capture(device));
        report.put("config", config);
        report.put("inputShape", input.toString());
        report.put("points", points);
        Reports.writeJson(json, report);
        out.println("wrote " + json);
      }
      Path csv = args.path("--csv");
      if (csv != null) {
        StringBuilder text = new StringBuilder(
            "layer,depth,length,kept_bytes,peak_bytes,forward_ms,backward_ms,forward_steps,loss,gradient_difference\n");
        for (MemoryPoint p : points) {
          text.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%.3f,%.3f,%d,%.6e,%.6e%n", p.layer(),
              p.depth(), p.length(), p.keptBytes(), p.peakBytes(), p.forwardMillis(), p.backwardMillis(),
              p.forwardSteps(), p.loss(), p.gradientDifference()));
        }
        Files.writeString(csv, text);
        out.println("wrote " + csv);
      }
    }
    return 0;
  }
}
