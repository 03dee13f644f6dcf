package org.deqlab.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** PyTorch's out-of-memory messages, as DJL passes them on, are recognized with their sizes. */
class OutOfMemoryTest {

  @Test
  void theCachingAllocatorsMessageGivesTheGpuAndTheRequest() {
    EngineException e =
        new EngineException(
            "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.15"
                + " GiB of which 1.25 GiB is free. Of the allocated memory 76.1 GiB is allocated"
                + " by PyTorch");
    assertEquals(Optional.of(new OutOfMemory("GPU 0", "2.00 GiB")), OutOfMemory.in(e));
    assertEquals(
        "GPU 0 memory ran out (2.00 GiB requested)", OutOfMemory.in(e).orElseThrow().describe());
  }

  @Test
  void theAsynchronousAllocatorsMessageIsFoundInsideAWrappingException() {
    RuntimeException e =
        new IllegalStateException(
            "step failed",
            new EngineException(
                "Allocation on device 1 would exceed allowed memory. (out of memory)\n"
                    + "Currently allocated     : 70.00 GiB\n"
                    + "Requested               : 512.00 MiB\n"
                    + "Device limit            : 79.15 GiB\n"
                    + "GPU 1"));
    assertEquals(Optional.of(new OutOfMemory("GPU 1", "512.00 MiB")), OutOfMemory.in(e));
  }

  @Test
  void theCpuAllocatorsMessageIsConvertedToMebibytes() {
    EngineException e =
        new EngineException(
            "[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: not enough memory: you"
                + " tried to allocate 3221225472 bytes.");
    assertEquals(Optional.of(new OutOfMemory("CPU", "3072.00 MiB")), OutOfMemory.in(e));
  }

  @Test
  void otherErrorsAreNotMistakenForIt() {
    assertTrue(OutOfMemory.in(new EngineException("shape mismatch (8, 3) vs (3, 4)")).isEmpty());
    assertTrue(OutOfMemory.in(new IllegalStateException()).isEmpty());
  }
}
