package org.deqlab.core.numerics;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.Provenance;
import org.deqlab.core.text.Labels;

/**
 * Verdicts of earlier precision checks, so that a training command pays for the check of a cell
 * once per machine, library versions and device. A JSON file of key → verdict; the key holds the
 * CPU model, the architecture, the DJL and PyTorch versions, the device, and what was checked. A
 * cache that cannot be read or written is treated as empty (the check just runs).
 *
 * <p>Location: {@code $XDG_CACHE_HOME/deq-workbench} or {@code ~/.cache/deq-workbench}; the system
 * property {@code deq.cache.dir} overrides both (the build's tests use their target folder).
 */
public final class PrecisionCache {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(Labels.jsonModule())
          .enable(SerializationFeature.INDENT_OUTPUT);
  private static final String FILE_NAME = "precision-checks.json";

  private final Path file;

  /** A remembered verdict: passed or not, the worst error, and when it was measured. */
  public record Verdict(boolean passed, String worst, String checkedAt) {}

  public PrecisionCache(Path file) {
    this.file = file;
  }

  /** The cache at the default location. */
  public static PrecisionCache standard() {
    return new PrecisionCache(directory().resolve(FILE_NAME));
  }

  /** Where the workbench keeps what it caches on this machine. */
  public static Path directory() {
    String configured = System.getProperty("deq.cache.dir");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("deq-workbench");
  }

  public Path file() {
    return file;
  }

  /**
   * The key of a check of {@code subject} on this machine: CPU model, architecture, library
   * versions, the workbench's own version (a fixed cell must be checked again), device, then the
   * subject.
   */
  public static String key(String device, String subject) {
    return String.join(
        " | ",
        cpuModel(),
        System.getProperty("os.arch"),
        DeqEngine.versions(),
        "workbench " + Provenance.workbenchVersion(),
        device,
        subject);
  }

  public synchronized Optional<Verdict> lookup(String key) {
    return Optional.ofNullable(read().get(key));
  }

  public synchronized void store(String key, Verdict verdict) {
    Map<String, Verdict> entries = read();
    entries.put(key, verdict);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), FILE_NAME, ".tmp");
      JSON.writeValue(temporary.toFile(), entries);
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // An unwritable cache only means the check runs again next time.
    }
  }

  /** A verdict for {@code outcomes}: passed when all did, the worst line otherwise. */
  public static Verdict verdictOf(List<PrecisionOutcome> outcomes) {
    PrecisionOutcome worst =
        outcomes.stream().filter(o -> !o.passed()).findFirst().orElse(outcomes.get(0));
    boolean passed = outcomes.stream().allMatch(PrecisionOutcome::passed);
    return new Verdict(passed, worst.summary(), Instant.now().toString());
  }

  private Map<String, Verdict> read() {
    if (!Files.isRegularFile(file)) {
      return new LinkedHashMap<>();
    }
    try {
      return JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Verdict>>() {});
    } catch (IOException e) {
      return new LinkedHashMap<>();
    }
  }

  /** The CPU's model name from {@code /proc/cpuinfo}, or "unknown CPU". */
  public static String cpuModel() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    try (Stream<String> lines = Files.lines(cpuinfo)) {
      return lines
          .filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
  }
}
