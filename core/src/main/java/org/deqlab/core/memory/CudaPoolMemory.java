package org.deqlab.core.memory;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import org.deqlab.core.engine.CudaDriver;

/**
 * A GPU's tensor memory read from its default CUDA memory pool: bytes in use now and their
 * high-water mark, which the driver keeps and lets us reset to zero before each step. PyTorch
 * allocates from that pool only with its asynchronous allocator ({@code
 * PYTORCH_CUDA_ALLOC_CONF=backend:cudaMallocAsync}, which {@code ./deq} sets when it wires a CUDA
 * PyTorch); its default caching allocator keeps its own pool, invisible to the driver and to DJL.
 * Unlike {@code cudaMemGetInfo} before and after, this sees the peak inside a step, and freed
 * blocks the caching allocator would keep do not count.
 */
public final class CudaPoolMemory implements MemoryMeter {
  /** The environment setting under which PyTorch's tensors come from the driver's pool. */
  public static final String ALLOCATOR_SETTING = "PYTORCH_CUDA_ALLOC_CONF=backend:cudaMallocAsync";

  private final CudaDriver driver;
  private final int ordinal;
  private final Pointer pool;

  /** The pool of GPU {@code ordinal}. */
  public CudaPoolMemory(CudaDriver driver, int ordinal) {
    this.driver = driver;
    this.ordinal = ordinal;
    int[] device = new int[1];
    driver.check(driver.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
    PointerByReference handle = new PointerByReference();
    driver.check(driver.cuDeviceGetDefaultMemPool(handle, device[0]), "cuDeviceGetDefaultMemPool");
    this.pool = handle.getValue();
  }

  /** Whether PyTorch was started with the asynchronous allocator that uses the driver's pool. */
  public static boolean allocatorUsesPool(String allocatorConfig) {
    return allocatorConfig != null
        && allocatorConfig.replace(" ", "").contains("backend:cudaMallocAsync");
  }

  @Override
  public String method() {
    return "GPU memory in use in cuda:"
        + ordinal
        + "'s CUDA memory pool (PyTorch's cudaMallocAsync allocator; peak: the pool's used-memory"
        + " high-water mark)";
  }

  @Override
  public long currentBytes() {
    return attribute(CudaDriver.POOL_USED_CURRENT);
  }

  @Override
  public long peakBytes() {
    return attribute(CudaDriver.POOL_USED_HIGH);
  }

  /** The driver accepts only zero for a high-water mark; it then climbs back to the current use. */
  @Override
  public void resetPeak() {
    driver.check(
        driver.cuMemPoolSetAttribute(pool, CudaDriver.POOL_USED_HIGH, new long[] {0}),
        "cuMemPoolSetAttribute(used high)");
  }

  private long attribute(int attribute) {
    long[] value = new long[1];
    driver.check(
        driver.cuMemPoolGetAttribute(pool, attribute, value),
        "cuMemPoolGetAttribute(" + attribute + ")");
    return value[0];
  }
}
