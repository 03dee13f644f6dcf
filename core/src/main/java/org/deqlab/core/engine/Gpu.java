package org.deqlab.core.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One GPU as the NVIDIA driver reports it.
 *
 * @param index the CUDA ordinal ({@code cuda:N})
 * @param name the board's name, e.g. {@code NVIDIA H200}
 * @param totalBytes its memory
 */
public record Gpu(int index, String name, long totalBytes) {

  /** Every GPU the driver sees, in ordinal order. */
  public static List<Gpu> list(CudaDriver driver) {
    int[] count = new int[1];
    driver.check(driver.cuDeviceGetCount(count), "cuDeviceGetCount");
    List<Gpu> gpus = new ArrayList<>();
    for (int ordinal = 0; ordinal < count[0]; ordinal++) {
      int[] device = new int[1];
      driver.check(driver.cuDeviceGet(device, ordinal), "cuDeviceGet");
      byte[] name = new byte[256];
      driver.check(driver.cuDeviceGetName(name, name.length, device[0]), "cuDeviceGetName");
      long[] bytes = new long[1];
      driver.check(driver.cuDeviceTotalMem_v2(bytes, device[0]), "cuDeviceTotalMem");
      gpus.add(new Gpu(ordinal, cString(name), bytes[0]));
    }
    return gpus;
  }

  /** The driver's version as {@code major.minor}, e.g. 12080 as {@code 12.8}. */
  public static String driverVersion(CudaDriver driver) {
    int[] version = new int[1];
    driver.check(driver.cuDriverGetVersion(version), "cuDriverGetVersion");
    return version[0] / 1000 + "." + (version[0] % 1000) / 10;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT, "cuda:%d %s, %.1f GiB", index, name, totalBytes / (1024.0 * 1024 * 1024));
  }

  private static String cString(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }
}
