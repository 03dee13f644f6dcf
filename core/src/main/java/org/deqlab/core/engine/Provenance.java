package org.deqlab.core.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Where a result came from: code version, library versions, device and machine. Every report and
 * run log starts with one, so a figure can be traced back and a run reproduced from its log.
 *
 * @param createdAt when the record was captured (ISO-8601)
 * @param gitCommit the workbench's git commit ({@code git describe --always --dirty}), or "unknown"
 *     outside a checkout
 * @param djlVersion DJL's version
 * @param engine the engine and its native version, e.g. "PyTorch 2.7.1"
 * @param device the device computations ran on
 * @param java the Java runtime
 * @param os operating system and architecture
 * @param cpus available processors
 * @param maxHeapBytes the JVM's maximum heap
 */
public record Provenance(
    String createdAt,
    String gitCommit,
    String djlVersion,
    String engine,
    String device,
    String java,
    String os,
    int cpus,
    long maxHeapBytes) {

  /** The workbench's code version ({@code git describe}), looked up once per process. */
  private static volatile String workbenchVersion;

  /** Captures the provenance of work about to run on {@code device}. */
  public static Provenance capture(Device device) {
    Engine engine = DeqEngine.get();
    return new Provenance(
        Instant.now().toString(),
        workbenchVersion(),
        Engine.getDjlVersion(),
        engine.getEngineName() + " " + engine.getVersion(),
        DeqEngine.label(device),
        System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory());
  }

  /**
   * The workbench's git commit ({@code git describe --always --dirty}), or "unknown" outside a
   * checkout. The code does not change while the process runs, so it is asked once.
   */
  public static String workbenchVersion() {
    String version = workbenchVersion;
    if (version == null) {
      version = describeGitCommit();
      workbenchVersion = version;
    }
    return version;
  }

  private static String describeGitCommit() {
    String home = System.getProperty("deq.home", System.getProperty("user.dir"));
    try {
      Process process =
          new ProcessBuilder("git", "describe", "--always", "--dirty", "--abbrev=12")
              .directory(new File(home))
              .redirectErrorStream(true)
              .start();
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line = reader.readLine();
        if (process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0 && line != null) {
          return line.trim();
        }
      }
    } catch (Exception e) {
      // Not a checkout, or no git: the record says so.
    }
    return "unknown";
  }
}
