package org.deqlab.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.deqlab.core.cell.Activation;
import org.deqlab.core.cell.MlpCell;
import org.deqlab.core.engine.CudaDriver;
import org.deqlab.core.engine.Gpu;
import org.deqlab.core.experiment.LayerKind;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.testing.EngineTest;
import org.deqlab.core.testing.FakeCudaDriver;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic of memory measurements, without a GPU: the CUDA pool meter and the GPU list read
 * the driver's counters through a fake driver, and a comparison turns a meter's readings into kept
 * and peak bytes the same way whichever meter it reads.
 */
class MemoryMeterTest extends EngineTest {

  @Test
  void thePoolMeterReadsUseAndHighWaterMarkOfItsGpusPoolAndResetsTheMarkToZero() {
    FakeCudaDriver driver = new FakeCudaDriver(2);
    CudaPoolMemory meter = new CudaPoolMemory(driver, 1);
    assertEquals("pool of 101", driver.calls.get(0));
    driver.attributes.put(CudaDriver.POOL_USED_CURRENT, 3_000L);
    driver.attributes.put(CudaDriver.POOL_USED_HIGH, 9_000L);
    driver.attributes.put(CudaDriver.POOL_RESERVED_HIGH, 64_000L);
    assertEquals(3_000L, meter.currentBytes());
    assertEquals(9_000L, meter.peakBytes());
    meter.resetPeak();
    assertEquals("set 8 = 0 on 101", driver.calls.get(1));
    assertEquals(0L, meter.peakBytes());
    assertTrue(meter.method().contains("cuda:1") && meter.method().contains("cudaMallocAsync"));
  }

  @Test
  void aFailingDriverCallIsNamedWithTheDriversText() {
    FakeCudaDriver driver = new FakeCudaDriver(2);
    CudaPoolMemory meter = new CudaPoolMemory(driver, 0);
    driver.failing = 2;
    IllegalStateException e = assertThrows(IllegalStateException.class, meter::currentBytes);
    assertEquals("cuMemPoolGetAttribute(7) failed: out of memory (2)", e.getMessage());
  }

  @Test
  void theGpuListHasEachBoardsNameAndMemoryAndTheDriverVersionReadsAsMajorMinor() {
    FakeCudaDriver driver = new FakeCudaDriver(2);
    List<Gpu> gpus = Gpu.list(driver);
    assertEquals(
        List.of(new Gpu(0, "Fake GPU 100", 8L << 30), new Gpu(1, "Fake GPU 101", 16L << 30)), gpus);
    assertEquals("cuda:1 Fake GPU 101, 16.0 GiB", gpus.get(1).toString());
    assertEquals("12.8", Gpu.driverVersion(driver));
  }

  @Test
  void onlyTheAsynchronousAllocatorFillsTheDriversPool() {
    assertTrue(CudaPoolMemory.allocatorUsesPool("backend:cudaMallocAsync"));
    assertTrue(
        CudaPoolMemory.allocatorUsesPool("expandable_segments:False, backend: cudaMallocAsync"));
    assertFalse(CudaPoolMemory.allocatorUsesPool("backend:native"));
    assertFalse(CudaPoolMemory.allocatorUsesPool(null));
  }

  /**
   * A meter that reports a fixed baseline before each step, the baseline plus {@code kept} after
   * the forward pass and the baseline plus {@code peak} as the step's peak.
   */
  private static final class ScriptedMeter implements MemoryMeter {
    static final long BASELINE = 5_000_000_000L;
    final long kept;
    final long peak;
    boolean afterForward;
    int resets;

    ScriptedMeter(long kept, long peak) {
      this.kept = kept;
      this.peak = peak;
    }

    @Override
    public String method() {
      return "scripted";
    }

    @Override
    public long currentBytes() {
      long value = afterForward ? BASELINE + kept : BASELINE;
      afterForward = !afterForward;
      return value;
    }

    @Override
    public long peakBytes() {
      return BASELINE + peak;
    }

    @Override
    public void resetPeak() {
      resets++;
    }
  }

  @Test
  void aComparisonReportsKeptBytesLessTheSolversBuffersAndThePeakAboveTheStartOfTheStep() {
    manager.getEngine().setRandomSeed(3);
    MlpCell cell = new MlpCell(16, 4, Activation.TANH, 0.5);
    cell.initialize(manager, DataType.FLOAT32);
    ScriptedMeter meter = new ScriptedMeter(40_000_000L, 70_000_000L);
    MemoryComparison comparison =
        new MemoryComparison(
            cell,
            manager,
            SolverKind.ANDERSON,
            SolverOptions.defaults(),
            SolverOptions.defaults(),
            meter);
    List<MemoryPoint> points = comparison.run(new Shape(8, 4), List.of(2), point -> {});
    MemoryPoint deq = points.get(0);
    MemoryPoint unrolled = points.get(1);
    assertEquals(LayerKind.DEQ, deq.layer());
    assertTrue(deq.workspaceBytes() > 0, "Anderson leaves its history for the adjoint solve");
    assertEquals(40_000_000L - deq.workspaceBytes(), deq.keptBytes());
    assertEquals(70_000_000L, deq.peakBytes());
    assertEquals(LayerKind.UNROLLED, unrolled.layer());
    assertEquals(0L, unrolled.workspaceBytes());
    assertEquals(40_000_000L, unrolled.keptBytes());
    assertEquals(70_000_000L, unrolled.peakBytes());
    assertEquals(8, meter.resets, "one reset per step: warm-up and three measured, twice");
  }
}
