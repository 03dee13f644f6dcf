package org.deqlab.core.memory;

/**
 * Reads how much memory the engine's tensors occupy, with a peak that can be reset so that one
 * training step's peak is measured on its own. The CPU's tensors are read from the process ({@link
 * ProcessMemory}), a GPU's from the CUDA memory pool ({@link CudaPoolMemory}); reports carry {@link
 * #method()} so that figures from the two are never mistaken for each other.
 */
public interface MemoryMeter {
  /** How the figures are obtained, in words for reports and the window. */
  String method();

  /** Bytes in use now. */
  long currentBytes();

  /** The most bytes in use since the last {@link #resetPeak()}. */
  long peakBytes();

  /** Starts a new peak at the current use. */
  void resetPeak();
}
