package org.deqlab.core.memory;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Makes glibc's allocator hand freed tensors back to the system at once, for the memory view's
 * measurement only. The measurement reads the process's resident size, which follows live tensors
 * only when blocks from 64 KiB are mmap-ed ({@code ./deq memory} sets {@code
 * MALLOC_MMAP_THRESHOLD_} for that); the same setting for the whole session slowed training steps
 * in the window by about half, so here it is switched on with {@code mallopt} for the measurement
 * and back to large thresholds afterwards. Called on the engine thread.
 */
public final class MallocTuning {
  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_MMAP_THRESHOLD = -3;
  private static final int PROMPT_MMAP_THRESHOLD = 64 * 1024;

  /** glibc's own ceiling for its adaptive thresholds on 64-bit (where training left them). */
  private static final int ADAPTED_MMAP_THRESHOLD = 32 * 1024 * 1024;

  private MallocTuning() {}

  /** The C library's {@code mallopt}. */
  private interface C extends Library {
    int mallopt(int parameter, int value);

    int malloc_trim(long pad);
  }

  private static C library() {
    return Native.load("c", C.class);
  }

  /**
   * True when the user set the allocator's thresholds by environment (then they are left alone).
   */
  public static boolean setByEnvironment() {
    return System.getenv("MALLOC_MMAP_THRESHOLD_") != null;
  }

  /**
   * Switches prompt release on; false where this is not glibc on Linux (figures may be too low).
   */
  public static boolean releasePromptly() {
    if (setByEnvironment()) {
      return true;
    }
    try {
      C c = library();
      boolean set = c.mallopt(M_MMAP_THRESHOLD, PROMPT_MMAP_THRESHOLD) == 1;
      // Free chunks kept from before would be reused without the process growing: return them.
      c.malloc_trim(0);
      return set;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return false;
    }
  }

  /** Back to large thresholds for fast training (as glibc's adaptive rule would have set them). */
  public static void restore() {
    if (setByEnvironment()) {
      return;
    }
    try {
      C c = library();
      c.mallopt(M_MMAP_THRESHOLD, ADAPTED_MMAP_THRESHOLD);
      c.mallopt(M_TRIM_THRESHOLD, 2 * ADAPTED_MMAP_THRESHOLD);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      // not glibc: nothing was changed
    }
  }
}
