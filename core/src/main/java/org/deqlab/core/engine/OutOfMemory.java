package org.deqlab.core.engine;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An allocation the engine refused, recognized in PyTorch's error text (DJL passes it on as an
 * {@code EngineException} with the native message): which memory ran out and how much was asked
 * for, so that a run can stop with what to lower instead of a native stack trace.
 *
 * @param memory {@code GPU 0}, {@code GPU}, or {@code CPU}
 * @param requested the size PyTorch reports, as it wrote it (e.g. {@code 2.00 GiB}), or empty
 */
public record OutOfMemory(String memory, String requested) {
  private static final Pattern CUDA =
      Pattern.compile("CUDA out of memory\\. Tried to allocate ([0-9.]+ [KMGT]?i?B)");
  private static final Pattern CUDA_ASYNC =
      Pattern.compile("(?s)out of memory.*Requested\\s*:\\s*([0-9.]+ [KMGT]?i?B)");
  private static final Pattern GPU_INDEX = Pattern.compile("GPU (\\d+)");
  private static final Pattern CPU =
      Pattern.compile("not enough memory: you tried to allocate (\\d+) bytes");

  /** The out-of-memory error in {@code error}'s chain of causes, if it is one. */
  public static Optional<OutOfMemory> in(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String text = t.getMessage();
      if (text == null) {
        continue;
      }
      Matcher gpu = GPU_INDEX.matcher(text);
      String device = gpu.find() ? "GPU " + gpu.group(1) : "GPU";
      Matcher cuda = CUDA.matcher(text);
      if (cuda.find()) {
        return Optional.of(new OutOfMemory(device, cuda.group(1)));
      }
      Matcher async = CUDA_ASYNC.matcher(text);
      if (async.find()) {
        return Optional.of(new OutOfMemory(device, async.group(1)));
      }
      Matcher cpu = CPU.matcher(text);
      if (cpu.find()) {
        double mib = Long.parseLong(cpu.group(1)) / (1024.0 * 1024.0);
        return Optional.of(new OutOfMemory("CPU", String.format(Locale.ROOT, "%.2f MiB", mib)));
      }
      if (text.contains("CUDA out of memory")) {
        return Optional.of(new OutOfMemory(device, ""));
      }
    }
    return Optional.empty();
  }

  /** E.g. {@code GPU 0 memory ran out (2.00 GiB requested)}. */
  public String describe() {
    return memory
        + " memory ran out"
        + (requested.isEmpty() ? "" : " (" + requested + " requested)");
  }
}
