package org.deqlab.core.experiment;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * A rough lower bound of the memory an experiment needs, computed from its sizes alone, so that an
 * absurd size ({@code task.sequenceLength} 1e6) is refused before any work with the figure and the
 * limit, instead of ending in an {@link OutOfMemoryError} minutes later. Two budgets: the generated
 * data sets live on the Java heap; one training step's tensors (states, the solvers' histories,
 * attention maps, stored activations) live in native memory. The estimate counts only the largest
 * terms, so passing it does not promise a run fits; failing it means the run cannot.
 *
 * @param dataBytes the task's generated data on the Java heap
 * @param stepBytes the tensors of one training step
 */
public record Footprint(long dataBytes, long stepBytes) {
  /** The estimate for {@code config}, saturating at {@link Long#MAX_VALUE}. */
  public static Footprint of(ExperimentConfig config) {
    ExperimentConfig.Task task = config.task();
    ExperimentConfig.Model model = config.model();
    double length = task.sequenceLength();
    double positions =
        switch (task.kind()) {
          case COPY_MEMORY -> length + 20;
          case CHAR_LM -> length;
          case SHAPES -> length * length;
          case TARGETS -> 1; // the user's arrays: their size is what the file holds
        };
    double examples =
        switch (task.kind()) {
          case COPY_MEMORY -> 11_000 * 2; // inputs and targets, int
          case CHAR_LM -> 0; // the corpus is what it is; windows are views
          case SHAPES -> 2_500;
          case TARGETS -> 0;
        };
    double data = examples * positions * 4;

    double state = (double) task.batchSize() * positions * model.hidden();
    double copies = Math.max(history(config.forward().solver(), config.forward().options()), 4);
    if (config.backward().mode() == BackwardKind.IMPLICIT) {
      copies = Math.max(copies, history(config.backward().solver(), config.backward().options()));
    }
    double unrolled = model.deq() ? model.pretrainDepth() : model.depth();
    double floats = state * (copies + 6 * unrolled);
    floats += (double) task.batchSize() * positions * model.feedForward() * 2 * unrolled;
    if (model.cell() == CellKind.TRANSFORMER) {
      floats += (double) task.batchSize() * model.heads() * positions * positions * 3 * unrolled;
    }
    double bytes = floats * config.dtype().dataType().getNumOfBytes();
    return new Footprint(saturate(data), saturate(bytes));
  }

  private static double history(
      org.deqlab.core.solver.SolverKind solver, org.deqlab.core.solver.SolverOptions options) {
    return switch (solver) {
      case ANDERSON -> 2.0 * options.andersonMemory() + 4;
      case BROYDEN -> 2.0 * options.broydenMemory() + 4;
      default -> 4;
    };
  }

  private static long saturate(double value) {
    return value >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) value;
  }

  /**
   * Refuses a config whose estimate exceeds this machine: the Java heap for the data, physical
   * memory for a step on the CPU (a GPU's memory is checked by the device when it allocates).
   *
   * @throws IllegalArgumentException naming the sizes, the estimate and the limit
   */
  public void check(ExperimentConfig config, boolean onGpu) {
    long heap = Runtime.getRuntime().maxMemory();
    String sizes =
        String.format(
            Locale.ROOT,
            "task.sequenceLength %d, task.batchSize %d, model.hidden %d",
            config.task().sequenceLength(),
            config.task().batchSize(),
            config.model().hidden());
    if (dataBytes > heap) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "%s: the %s data would need about %s of Java heap; the limit is %s (-Xmx in"
                  + " DEQ_JAVA_OPTS); lower task.sequenceLength",
              sizes,
              config.task().kind(),
              bytes(dataBytes),
              bytes(heap)));
    }
    long physical = physicalMemory();
    if (!onGpu && physical > 0 && stepBytes > physical) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "%s: one training step would need at least about %s; this machine has %s of"
                  + " memory; lower task.sequenceLength, task.batchSize or model.hidden",
              sizes,
              bytes(stepBytes),
              bytes(physical)));
    }
  }

  private static long physicalMemory() {
    try {
      return ((com.sun.management.OperatingSystemMXBean)
              ManagementFactory.getOperatingSystemMXBean())
          .getTotalMemorySize();
    } catch (ClassCastException | LinkageError e) {
      return -1;
    }
  }

  /** E.g. {@code 3.2 GiB}. */
  public static String bytes(long value) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double scaled = value;
    int unit = 0;
    while (scaled >= 1024 && unit < units.length - 1) {
      scaled /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, unit == 0 ? "%.0f %s" : "%.1f %s", scaled, units[unit]);
  }
}
