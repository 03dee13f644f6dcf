package org.deqlab.core.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Optional;
import org.deqlab.core.engine.GpuSupport;
import org.deqlab.core.engine.TorchNatives;
import org.deqlab.core.testing.FakeCudaDriver;
import org.junit.jupiter.api.Test;

/** What users may write for a device, and what a CUDA choice resolves to or why it cannot. */
class DeviceChoiceTest {

  @Test
  void everySpellingUsersTypeParses() {
    assertEquals(DeviceChoice.AUTO, DeviceChoice.parse("auto"));
    assertEquals(DeviceChoice.CPU, DeviceChoice.parse(" CPU "));
    assertEquals(DeviceChoice.cuda(0), DeviceChoice.parse("cuda"));
    assertEquals(DeviceChoice.cuda(2), DeviceChoice.parse("cuda:2"));
    assertEquals(DeviceChoice.cuda(0), DeviceChoice.parse("gpu"));
    assertEquals(DeviceChoice.cuda(1), DeviceChoice.parse("gpu:1"));
    assertEquals("cuda:1", DeviceChoice.parse("gpu:1").label());
    assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse("tpu"));
    assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse("cuda:x"));
  }

  @Test
  void aGpuBeyondTheDriversCountIsRefusedWithTheRangeThereIs() {
    TorchNatives cuda =
        new TorchNatives("2.7.1", Path.of("/t"), true, "DEQ_TORCH_LIB", Optional.empty());
    GpuSupport two = GpuSupport.probe(cuda, Optional.of(new FakeCudaDriver(2)));
    assertEquals(Device.gpu(1), DeviceChoice.cuda(1).cuda(two));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DeviceChoice.cuda(3).cuda(two));
    assertEquals(
        "device cuda:3 is not usable: the NVIDIA driver sees 2 GPU(s), cuda:0 to cuda:1",
        e.getMessage());
  }

  @Test
  void onThisMachinesCpuNativesCudaIsRefusedWithTheReasonAndAutoIsTheCpu() {
    assumeFalse(TorchNatives.loaded().cuda(), "this JVM runs a CUDA build of PyTorch");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse("cuda").resolve());
    assertEquals(0, e.getMessage().indexOf("device cuda:0 is not usable: "), e.getMessage());
    assertEquals(Device.cpu(), DeviceChoice.AUTO.resolve());
  }
}
