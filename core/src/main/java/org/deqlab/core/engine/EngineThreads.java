package org.deqlab.core.engine;

/**
 * Sizes PyTorch's thread pools before the engine starts. With as many intra-op threads as cores,
 * PyTorch's OpenMP workers spin against the JavaFX thread (which draws the charts in software) and
 * against any other process: on a 2-core machine a training step was measured ten times slower. One
 * core is left free; a value the user set with {@code -D} wins.
 */
public final class EngineThreads {
  private EngineThreads() {}

  /** Call before the first engine use. */
  public static void configure() {
    int cores = Runtime.getRuntime().availableProcessors();
    setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(Math.max(1, cores - 1)));
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
