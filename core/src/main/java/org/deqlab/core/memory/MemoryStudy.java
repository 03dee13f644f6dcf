package org.deqlab.core.memory;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.function.Consumer;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.CudaDriver;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.experiment.ExperimentConfig;

/**
 * One memory measurement of an experiment's cell at one input size: the set-up that {@code ./deq
 * memory} and the window's memory view share (the config's seed, cell, precision and solvers, the
 * allocator made to release freed blocks at once) around a {@link MemoryComparison}. Runs on the
 * thread that owns the engine.
 *
 * @param config the experiment whose cell, solver settings, precision, device and seed are used
 * @param length sequence length T (for an image task: the image side)
 * @param batch batch size
 */
public record MemoryStudy(ExperimentConfig config, int length, int batch) {

  /** The cell's input batch: (batch, length, embedding), or images (batch, 1, length, length). */
  public Shape inputShape() {
    return config.task().kind().cellInputShape(batch, length, config.model());
  }

  /**
   * Measures the DEQ and each unrolled depth, reporting each point as soon as it is measured.
   *
   * @param warmUp one discarded DEQ pass first: a busy process (the window's class loading, JIT and
   *     JavaFX thread) otherwise adds its own growth to the DEQ's small figure
   * @throws IllegalStateException where the process's memory cannot be read, or the C allocator
   *     cannot be made to release freed memory at once (the figures would be too low), or a GPU's
   *     memory cannot be read
   */
  public List<MemoryPoint> measure(
      List<Integer> depths, boolean warmUp, Consumer<MemoryPoint> onPoint) {
    Device device = config.device().resolve();
    MemoryMeter meter = meterFor(device);
    if (!device.isGpu() && !MallocTuning.releasePromptly()) {
      throw new IllegalStateException(
          "cannot make the C allocator release freed memory at once (mallopt); start with"
              + " MALLOC_MMAP_THRESHOLD_=65536 in the environment");
    }
    DataType dataType = config.dtype().dataType();
    Autograd.setRecording(false);
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
              config.backward().options(),
              meter);
      Shape input = inputShape();
      if (warmUp) {
        comparison.run(input, List.of(), ignored -> {});
      }
      return comparison.run(input, depths, onPoint);
    } finally {
      if (!device.isGpu()) {
        MallocTuning.restore();
      }
    }
  }

  /** How this study's figures are measured, in words (the meter of the config's device). */
  public String method() {
    return meterFor(config.device().resolve()).method();
  }

  /**
   * What reads memory on {@code device}: the process's resident size for the CPU, the CUDA memory
   * pool for a GPU.
   *
   * @throws IllegalStateException naming what is missing and how to fix it: Linux's /proc for the
   *     CPU; the NVIDIA driver or PyTorch's pool allocator for a GPU
   */
  public static MemoryMeter meterFor(Device device) {
    if (!device.isGpu()) {
      if (!ProcessMemory.available()) {
        throw new IllegalStateException(
            "this system does not expose /proc/self/status and clear_refs, which the"
                + " measurement reads");
      }
      return ProcessMemory.meter();
    }
    if (!CudaPoolMemory.allocatorUsesPool(System.getenv("PYTORCH_CUDA_ALLOC_CONF"))) {
      throw new IllegalStateException(
          "GPU memory is read from the CUDA memory pool, which PyTorch uses only when started"
              + " with "
              + CudaPoolMemory.ALLOCATOR_SETTING
              + " (./deq sets it when it wires a CUDA PyTorch; set it yourself otherwise)");
    }
    CudaDriver driver =
        CudaDriver.load()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "cannot read GPU memory: the NVIDIA driver library libcuda.so.1 is not"
                            + " available"));
    return new CudaPoolMemory(driver, device.getDeviceId());
  }
}
