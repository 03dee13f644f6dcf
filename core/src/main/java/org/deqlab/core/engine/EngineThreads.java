package org.deqlab.core.engine;

import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;

/**
 * How many threads PyTorch's CPU operators use. More is not faster for a DEQ's small operators: on
 * this project's 2-core machine the MLP solve took 1.14–1.45× as long with 2 intra-op threads as
 * with 1, and with every core busy PyTorch's OpenMP workers spun against the window's drawing
 * thread (training steps ten times slower). So a process starts with one thread, and a workload is
 * given more only where it measured faster with them ({@link #chooseFor}). {@code DEQ_THREADS=N} in
 * the environment (or {@code -Ddeq.threads=N}) fixes the count for every command and the window.
 */
public final class EngineThreads {
  /** The user's fixed count, from the environment. */
  public static final String VARIABLE = "DEQ_THREADS";

  private static final String PROPERTY = "deq.threads";

  /** A count must be this much faster than one thread to be chosen. */
  private static final double REQUIRED_SPEEDUP = 1.1;

  /**
   * Below this many milliseconds per application one thread is kept without measuring more: waking
   * a pool costs about as much, and timings this short are mostly noise.
   */
  private static final double SMALL_WORKLOAD_MILLIS = 0.2;

  private EngineThreads() {}

  /**
   * The thread count in use and how it was decided, e.g. {@code 1 (measured: 1 thread 2.1 ms, 2
   * threads 2.6 ms)}.
   */
  public record Choice(int threads, String how) {
    @Override
    public String toString() {
      return threads + " (" + how + ")";
    }
  }

  /** Call before the engine starts: one intra-op and one inter-op thread, or the user's count. */
  public static void configure() {
    setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(fixedByUser().orElse(1)));
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
  }

  /** The count the user fixed with {@value #VARIABLE} or {@code -Ddeq.threads}, if any. */
  public static java.util.OptionalInt fixedByUser() {
    String text = System.getProperty(PROPERTY, System.getenv(VARIABLE));
    if (text == null || text.isBlank()) {
      return java.util.OptionalInt.empty();
    }
    try {
      int threads = Integer.parseInt(text.trim());
      if (threads >= 1) {
        return java.util.OptionalInt.of(threads);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        VARIABLE + " must be a whole number from 1, got '" + text.trim() + "'");
  }

  /** The engine's current intra-op thread count. */
  public static int current() {
    DeqEngine.get();
    return JniUtils.getNumThreads();
  }

  /**
   * Times {@code workload} (a few repetitions after a warm-up) with one thread and with up to
   * {@code maxThreads}, keeps the faster count — more threads only when at least 10 % faster — and
   * leaves the engine set to it. A count the user fixed is kept without measuring.
   */
  public static Choice chooseFor(Runnable workload, int maxThreads) {
    DeqEngine.get();
    java.util.OptionalInt fixed = fixedByUser();
    if (fixed.isPresent()) {
      JniUtils.setNumThreads(fixed.getAsInt());
      return new Choice(fixed.getAsInt(), "set by " + VARIABLE);
    }
    int most = Math.max(1, Math.min(maxThreads, Runtime.getRuntime().availableProcessors()));
    if (most == 1) {
      JniUtils.setNumThreads(1);
      return new Choice(1, "one core to spare");
    }
    double single = millisWith(1, workload);
    if (single < SMALL_WORKLOAD_MILLIS) {
      JniUtils.setNumThreads(1);
      return new Choice(
          1, String.format(Locale.ROOT, "measured: 1 thread %.3f ms, too small to share", single));
    }
    double many = millisWith(most, workload);
    int threads = single / many >= REQUIRED_SPEEDUP ? most : 1;
    JniUtils.setNumThreads(threads);
    return new Choice(
        threads,
        String.format(
            Locale.ROOT, "measured: 1 thread %.2f ms, %d threads %.2f ms", single, most, many));
  }

  /**
   * Sets {@code threads} without measuring (a resumed run keeps its original count, since results
   * are reproducible only at one count); a count the user fixed still wins.
   */
  public static Choice keep(int threads, String why) {
    DeqEngine.get();
    java.util.OptionalInt fixed = fixedByUser();
    if (fixed.isPresent()) {
      JniUtils.setNumThreads(fixed.getAsInt());
      return new Choice(
          fixed.getAsInt(),
          "set by " + VARIABLE + (fixed.getAsInt() == threads ? "" : "; the run had " + threads));
    }
    JniUtils.setNumThreads(threads);
    return new Choice(threads, why);
  }

  private static double millisWith(int threads, Runnable workload) {
    JniUtils.setNumThreads(threads);
    workload.run(); // warm-up: the pool starts, caches fill
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      workload.run();
      best = Math.min(best, (System.nanoTime() - start) / 1e6);
    }
    return best;
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
