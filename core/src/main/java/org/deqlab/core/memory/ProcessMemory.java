package org.deqlab.core.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory as the operating system counts it (Linux {@code /proc}): the
 * current resident set and its peak, which can be reset to the current value so the peak of one
 * training step can be measured on its own. Tensors on the CPU live in native memory outside the
 * Java heap, so this — not a formula — is what a memory comparison reads.
 */
public final class ProcessMemory {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private ProcessMemory() {}

  /** The process's resident memory as a {@link MemoryMeter}, for tensors on the CPU. */
  public static MemoryMeter meter() {
    return new MemoryMeter() {
      @Override
      public String method() {
        return "host resident memory of the process (Linux /proc/self/status VmRSS, peak VmHWM)";
      }

      @Override
      public long currentBytes() {
        return residentBytes();
      }

      @Override
      public long peakBytes() {
        return ProcessMemory.peakBytes();
      }

      @Override
      public void resetPeak() {
        ProcessMemory.resetPeak();
      }
    };
  }

  /** Whether resident and peak memory can be read (and the peak reset) on this system. */
  public static boolean available() {
    return Files.isReadable(STATUS) && Files.isWritable(CLEAR_REFS);
  }

  /** Current resident set size in bytes. */
  public static long residentBytes() {
    return field("VmRSS:");
  }

  /** Peak resident set size in bytes since start or the last {@link #resetPeak()}. */
  public static long peakBytes() {
    return field("VmHWM:");
  }

  /** Resets the peak to the current resident size (Linux: writes 5 to clear_refs). */
  public static void resetPeak() {
    try {
      Files.writeString(CLEAR_REFS, "5");
    } catch (IOException e) {
      throw new IllegalStateException("cannot reset the peak resident size: " + e.getMessage(), e);
    }
  }

  private static long field(String name) {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(name)) {
          String[] parts = line.substring(name.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + STATUS + ": " + e.getMessage(), e);
    }
    throw new IllegalStateException(STATUS + " has no " + name + " line");
  }
}
