package org.deqlab.core.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.Optional;

/**
 * The few NVIDIA driver-API calls the workbench makes itself (DJL exposes neither GPU names nor
 * allocator statistics): device names and memory for {@code ./deq doctor}, and the CUDA memory
 * pool's counters for GPU memory measurements. Bound through JNA to {@code libcuda.so.1}, which the
 * driver installs; the CUDA runtime alone (a toolkit without a driver) is not enough. An interface,
 * so that tests drive the arithmetic above it with a fake on machines without a GPU.
 */
public interface CudaDriver extends Library {
  /** {@code CUDA_SUCCESS}. */
  int SUCCESS = 0;

  /** {@code CU_MEMPOOL_ATTR_USED_MEM_CURRENT}: bytes handed out from the pool now. */
  int POOL_USED_CURRENT = 7;

  /** {@code CU_MEMPOOL_ATTR_USED_MEM_HIGH}: the most bytes handed out since the last reset. */
  int POOL_USED_HIGH = 8;

  /** {@code CU_MEMPOOL_ATTR_RESERVED_MEM_HIGH}: the most bytes the pool held from the device. */
  int POOL_RESERVED_HIGH = 6;

  int cuInit(int flags);

  int cuDriverGetVersion(int[] version);

  int cuDeviceGetCount(int[] count);

  int cuDeviceGet(int[] device, int ordinal);

  int cuDeviceGetName(byte[] name, int length, int device);

  int cuDeviceTotalMem_v2(long[] bytes, int device);

  int cuDeviceGetDefaultMemPool(PointerByReference pool, int device);

  int cuMemPoolGetAttribute(Pointer pool, int attribute, long[] value);

  int cuMemPoolSetAttribute(Pointer pool, int attribute, long[] value);

  int cuGetErrorString(int error, PointerByReference text);

  /** The driver library, initialized; empty where it is not installed or does not start. */
  static Optional<CudaDriver> load() {
    try {
      CudaDriver driver = Native.load("cuda", CudaDriver.class);
      return driver.cuInit(0) == SUCCESS ? Optional.of(driver) : Optional.empty();
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The driver's text for an error code, e.g. {@code out of memory}. */
  default String describe(int error) {
    PointerByReference text = new PointerByReference();
    if (cuGetErrorString(error, text) == SUCCESS && text.getValue() != null) {
      return text.getValue().getString(0) + " (" + error + ")";
    }
    return "CUDA driver error " + error;
  }

  /** Throws with the call's name and the driver's text unless {@code status} is success. */
  default void check(int status, String call) {
    if (status != SUCCESS) {
      throw new IllegalStateException(call + " failed: " + describe(status));
    }
  }
}
