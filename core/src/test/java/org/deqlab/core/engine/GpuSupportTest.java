package org.deqlab.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.deqlab.core.testing.FakeCudaDriver;
import org.junit.jupiter.api.Test;

/** Whether a GPU is usable, and the reason when it is not, from the driver and the natives. */
class GpuSupportTest {
  private static final TorchNatives CPU_BUILD =
      new TorchNatives("2.7.1", Path.of("/m2/cpu"), false, "Maven Central", Optional.empty());
  private static final TorchNatives CUDA_BUILD =
      new TorchNatives("2.7.1", Path.of("/venv/torch/lib"), true, "python3", Optional.empty());

  @Test
  void withoutADriverNothingIsUsableAndTheReasonSaysTheToolkitIsNotEnough() {
    GpuSupport support = GpuSupport.probe(CUDA_BUILD, Optional.empty());
    assertEquals(0, support.usable());
    assertTrue(support.problem().orElseThrow().startsWith("no NVIDIA driver"));
    assertTrue(support.driverVersion().isEmpty());
  }

  @Test
  void gpusBehindTheCpuBuildAreListedButNotUsableAndTheRouteIsGiven() {
    GpuSupport support = GpuSupport.probe(CPU_BUILD, Optional.of(new FakeCudaDriver(2)));
    assertEquals(2, support.gpus().size());
    assertEquals(0, support.usable());
    String problem = support.problem().orElseThrow();
    assertTrue(problem.contains("CPU build"), problem);
    assertTrue(problem.endsWith(GpuSupport.ROUTE), problem);
    assertEquals(Optional.of("12.8"), support.driverVersion());
  }

  @Test
  void aCudaBuildWithADriverAndBoardsUsesThemAll() {
    GpuSupport support = GpuSupport.probe(CUDA_BUILD, Optional.of(new FakeCudaDriver(2)));
    assertEquals(2, support.usable());
    assertTrue(support.problem().isEmpty());
  }

  @Test
  void aDriverThatSeesNoBoardSaysSo() {
    GpuSupport support = GpuSupport.probe(CUDA_BUILD, Optional.of(new FakeCudaDriver(0)));
    assertEquals(0, support.usable());
    assertEquals(Optional.of("the NVIDIA driver (CUDA 12.8) sees no GPU"), support.problem());
  }

  @Test
  void devicesAreNamedAsUsersWriteThem() {
    assertEquals("cpu", DeqEngine.label(ai.djl.Device.cpu()));
    assertEquals("cuda:1", DeqEngine.label(ai.djl.Device.gpu(1)));
  }
}
