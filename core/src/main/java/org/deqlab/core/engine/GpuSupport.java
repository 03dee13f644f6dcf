package org.deqlab.core.engine;

import java.util.List;
import java.util.Optional;

/**
 * Whether the engine can compute on a GPU here, and if not, exactly why: a GPU needs the NVIDIA
 * driver, at least one board it sees, and PyTorch natives built for CUDA (Maven Central's are the
 * CPU build, see {@link TorchNatives}). Asked when a device is chosen and by {@code ./deq doctor}.
 *
 * @param natives the PyTorch natives loaded
 * @param driverVersion the NVIDIA driver's CUDA version, empty without a driver
 * @param gpus the boards the driver sees
 * @param problem why no GPU is usable (empty when one is), with what to do
 */
public record GpuSupport(
    TorchNatives natives,
    Optional<String> driverVersion,
    List<Gpu> gpus,
    Optional<String> problem) {

  /** The fix every "no GPU" reason ends with. */
  public static final String ROUTE =
      "give ./deq a CUDA build of PyTorch 2.7.1: DEQ_TORCH_LIB=<its lib directory>, or"
          + " 'pip install torch==2.7.1' (CUDA 12.8 wheel) for the python3 on the PATH";

  /** Looks at the driver, its GPUs and the loaded natives. */
  public static GpuSupport probe() {
    return probe(TorchNatives.loaded(), CudaDriver.load());
  }

  /** The same decision from given parts (tests give a fake driver). */
  public static GpuSupport probe(TorchNatives natives, Optional<CudaDriver> driver) {
    if (driver.isEmpty()) {
      return new GpuSupport(
          natives,
          Optional.empty(),
          List.of(),
          Optional.of(
              "no NVIDIA driver: libcuda.so.1 cannot be loaded (a CUDA toolkit without the driver"
                  + " is not enough)"));
    }
    String version = Gpu.driverVersion(driver.get());
    List<Gpu> gpus = Gpu.list(driver.get());
    Optional<String> problem = Optional.empty();
    if (gpus.isEmpty()) {
      problem = Optional.of("the NVIDIA driver (CUDA " + version + ") sees no GPU");
    } else if (!natives.cuda()) {
      problem =
          Optional.of(
              "the loaded PyTorch natives are a CPU build ("
                  + natives.describe()
                  + ")"
                  + TorchNatives.fallbackReason().map(r -> "; " + r).orElse("")
                  + "; "
                  + ROUTE);
    }
    return new GpuSupport(natives, Optional.of(version), gpus, problem);
  }

  /** How many GPUs the engine can compute on (0 when {@link #problem()} says why). */
  public int usable() {
    return problem.isPresent() ? 0 : gpus.size();
  }
}
