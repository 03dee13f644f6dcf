package org.deqlab.app.cli;

import ai.djl.Device;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.deqlab.core.check.DeviceCheck;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.GpuSupport;
import org.deqlab.core.experiment.DeviceChoice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./deq gpu-check} (also {@code scripts/gpu-check}): does the GPU compute what the CPU
 * computes? One line per check of {@link DeviceCheck}; exit 0 when all pass, 1 when one fails, 2
 * when the device cannot be used.
 */
@Command(
    resourceBundle = "org.deqlab.app.cli.Help",
    name = "gpu-check",
    header = "on a GPU: solve, gradients, training, probe and memory against the CPU",
    description =
        "For GPU users, once after setting up a CUDA PyTorch (see the README): solves one MLP"
            + " problem on the GPU and the CPU and compares the equilibria; compares every cell"
            + " kind's gradients (f's VJP, the DEQ with implicit and phantom backward, an unrolled"
            + " stack, the Jacobian term) in float64 and float32 on the GPU with the CPU's float64;"
            + " trains 5 steps of the default preset there; compares the spectral radius; and"
            + " measures a training step's GPU memory. One line per check: pass or FAIL.")
final class GpuCheckCommand implements Callable<Integer> {
  private final PrintStream out;

  @Option(names = "--device", paramLabel = "cuda[:N]", descriptionKey = "gpu-check.device")
  private DeviceChoice choice = DeviceChoice.cuda(0);

  GpuCheckCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    Device device;
    try {
      device = choice.resolve();
    } catch (IllegalArgumentException e) {
      out.println("gpu-check: " + e.getMessage());
      return 2;
    }
    GpuSupport support = GpuSupport.probe();
    out.println(
        "gpu-check: "
            + DeqEngine.label(device)
            + (device.isGpu() ? " (" + support.gpus().get(device.getDeviceId()) + ")" : "")
            + " against the CPU; "
            + support.natives().describe());
    List<DeviceCheck.Result> results =
        new DeviceCheck(
                device,
                result ->
                    out.printf(
                        "%-4s  %s: %s%n",
                        result.passed() ? "pass" : "FAIL", result.check(), result.detail()))
            .run();
    long failed = results.stream().filter(r -> !r.passed()).count();
    out.println(
        failed == 0
            ? "all " + results.size() + " checks passed"
            : failed + " of " + results.size() + " checks FAILED");
    return failed == 0 ? 0 : 1;
  }
}
