package org.deqlab.core.testing;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deqlab.core.engine.CudaDriver;

/**
 * An NVIDIA driver for tests on machines without one: it sees a given number of boards (named
 * {@code Fake GPU <handle>}, 8 GiB × (ordinal + 1)), reports driver CUDA 12.8, and keeps memory
 * pool counters that the test sets; {@link #failing} makes pool reads fail with that code.
 */
public final class FakeCudaDriver implements CudaDriver {
  public final Map<Integer, Long> attributes = new HashMap<>();
  public final List<String> calls = new ArrayList<>();
  public int failing = SUCCESS;
  private final int gpus;

  /** A driver that sees {@code gpus} boards. */
  public FakeCudaDriver(int gpus) {
    this.gpus = gpus;
  }

  @Override
  public int cuInit(int flags) {
    return SUCCESS;
  }

  @Override
  public int cuDriverGetVersion(int[] version) {
    version[0] = 12080;
    return SUCCESS;
  }

  @Override
  public int cuDeviceGetCount(int[] count) {
    count[0] = gpus;
    return SUCCESS;
  }

  @Override
  public int cuDeviceGet(int[] device, int ordinal) {
    device[0] = 100 + ordinal;
    return SUCCESS;
  }

  @Override
  public int cuDeviceGetName(byte[] name, int length, int device) {
    byte[] text = ("Fake GPU " + device).getBytes(StandardCharsets.UTF_8);
    System.arraycopy(text, 0, name, 0, text.length);
    return SUCCESS;
  }

  @Override
  public int cuDeviceTotalMem_v2(long[] bytes, int device) {
    bytes[0] = (device - 99) * 8L * 1024 * 1024 * 1024;
    return SUCCESS;
  }

  @Override
  public int cuDeviceGetDefaultMemPool(PointerByReference pool, int device) {
    calls.add("pool of " + device);
    pool.setValue(new Pointer(device));
    return SUCCESS;
  }

  @Override
  public int cuMemPoolGetAttribute(Pointer pool, int attribute, long[] value) {
    if (failing != SUCCESS) {
      return failing;
    }
    value[0] = attributes.getOrDefault(attribute, 0L);
    return SUCCESS;
  }

  @Override
  public int cuMemPoolSetAttribute(Pointer pool, int attribute, long[] value) {
    calls.add("set " + attribute + " = " + value[0] + " on " + Pointer.nativeValue(pool));
    attributes.put(attribute, value[0]);
    return SUCCESS;
  }

  @Override
  public int cuGetErrorString(int error, PointerByReference text) {
    Memory message = new Memory(32);
    message.setString(0, error == 2 ? "out of memory" : "unknown");
    text.setValue(message);
    return SUCCESS;
  }
}
