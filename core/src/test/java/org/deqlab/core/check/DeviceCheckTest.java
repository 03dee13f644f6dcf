package org.deqlab.core.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import org.deqlab.core.engine.GpuSupport;
import org.deqlab.core.memory.ProcessMemory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The device check: on the CPU it compares the CPU with a second CPU manager, which must agree in
 * every check (this is what tests the checks' arithmetic here); on a GPU, tagged {@code gpu}, it is
 * the check a GPU user runs, skipped with the reason where no GPU is usable.
 */
class DeviceCheckTest {

  @Test
  void theCpuAgreesWithItselfInEveryCheckAndEachIsReportedAsItFinishes() {
    assumeTrue(ProcessMemory.available(), "the memory check reads Linux /proc");
    List<DeviceCheck.Result> reported = new ArrayList<>();
    List<DeviceCheck.Result> results = new DeviceCheck(Device.cpu(), reported::add).run();
    assertEquals(results, reported);
    assertTrue(results.size() >= 4 * 5 * 2 + 4, "every cell kind, probe and precision: " + results);
    for (DeviceCheck.Result result : results) {
      assertTrue(result.passed(), result.toString());
    }
    assertTrue(
        results.get(0).detail().matches("[0-9.]+e[-+][0-9]+ \\(≤ 1e-09\\)"),
        results.get(0).detail());
  }

  @Test
  @Tag("gpu")
  void theFirstGpuAgreesWithTheCpu() {
    GpuSupport support = GpuSupport.probe();
    assumeTrue(support.usable() > 0, "no usable GPU: " + support.problem().orElse("none found"));
    List<DeviceCheck.Result> results = new DeviceCheck(Device.gpu(0), result -> {}).run();
    for (DeviceCheck.Result result : results) {
      assertTrue(result.passed(), result.toString());
    }
  }
}
