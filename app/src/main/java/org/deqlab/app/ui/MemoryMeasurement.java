package org.deqlab.app.ui;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.function.Consumer;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.memory.MemoryComparison;
import org.deqlab.core.memory.MemoryPoint;
import org.deqlab.core.memory.ProcessMemory;

/**
 * The memory view's measurement: one training step of a config's cell as a DEQ (implicit backward)
 * and as weight-tied unrolled stacks of several depths, with {@link MemoryComparison} (the same
 * measurement as {@code ./deq memory}). Runs on the engine thread.
 */
final class MemoryMeasurement {
  private MemoryMeasurement() {}

  /**
   * The input batch shape for a config: (batch, length, embedding), or images (batch, 1, length,
   * length).
   */
  static Shape inputShape(ExperimentConfig config, int length, int batch) {
    return config.task().kind().cellInputShape(batch, length, config.model());
  }

  static List<MemoryPoint> run(
      ExperimentConfig config,
      List<Integer> depths,
      int length,
      int batch,
      Consumer<MemoryPoint> onPoint) {
    if (!ProcessMemory.available()) {
      throw new IllegalStateException(
          "this system does not expose /proc/self/status and clear_refs, which the measurement reads");
    }
    Device device = config.device().resolve();
    DataType dataType = config.dtype().dataType();
    Autograd.setRecording(false);
    if (!MallocTuning.releasePromptly()) {
      throw new IllegalStateException(
          "cannot make the C allocator release freed memory at once"
              + " (mallopt); start the window with MALLOC_MMAP_THRESHOLD_=65536 in the environment");
    }
    try (NDManager manager = DeqEngine.newManager(device)) {
      manager.getEngine().setRandomSeed((int) config.seed());
      Cell cell = config.newCell();
      cell.initialize(manager, dataType);
      MemoryComparison comparison =
          new MemoryComparison(
              cell,
              manager,
              config.forward().solver(),
              config.forward().options(),
              config.backward().options());
      Shape input = inputShape(config, length, batch);
      // The window's process is busier than ./deq memory's (class loading, JIT, the JavaFX
      // thread): one discarded DEQ pass first keeps that out of the DEQ's small figure.
      comparison.run(input, List.of(), ignored -> {});
      return comparison.run(input, depths, onPoint);
    } finally {
      MallocTuning.restore();
    }
  }
}
