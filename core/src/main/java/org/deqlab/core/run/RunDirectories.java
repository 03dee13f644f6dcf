package org.deqlab.core.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Where runs are written when the user names no folder: a per-user data directory, not the
 * directory the workbench happened to be started from. {@code DEQ_RUNS} (environment) or {@code
 * -Ddeq.runs} overrides it; otherwise the platform's place for per-user application data:
 *
 * <ul>
 *   <li>Linux and other Unix: {@code $XDG_DATA_HOME/deq-workbench/runs}, by default {@code
 *       ~/.local/share/deq-workbench/runs};
 *   <li>macOS: {@code ~/Library/Application Support/DEQ Workbench/runs};
 *   <li>Windows: {@code %LOCALAPPDATA%\DEQ Workbench\runs}.
 * </ul>
 *
 * Each run gets a folder of its own under that root, named after the experiment and the time.
 */
public final class RunDirectories {
  /** Environment variable naming the runs folder. */
  public static final String ENVIRONMENT_VARIABLE = "DEQ_RUNS";

  /** System property naming the runs folder (wins over the environment variable). */
  public static final String PROPERTY = "deq.runs";

  private static final DateTimeFormatter FOLDER_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT);

  private RunDirectories() {}

  /** The folder that holds this user's runs on this machine (not created). */
  public static Path userRoot() {
    return userRoot(
        System.getenv(),
        System.getProperty(PROPERTY),
        System.getProperty("os.name", ""),
        System.getProperty("user.home"));
  }

  /**
   * The runs folder for the given environment, property value, operating system name and home
   * directory (what {@link #userRoot()} reads from the process).
   */
  static Path userRoot(
      Map<String, String> environment, String property, String osName, String home) {
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String variable = environment.get(ENVIRONMENT_VARIABLE);
    if (variable != null && !variable.isBlank()) {
      return Path.of(variable);
    }
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      String local = environment.get("LOCALAPPDATA");
      Path base =
          local != null && !local.isBlank() ? Path.of(local) : Path.of(home, "AppData", "Local");
      return base.resolve("DEQ Workbench").resolve("runs");
    }
    if (os.startsWith("mac")) {
      return Path.of(home, "Library", "Application Support", "DEQ Workbench", "runs");
    }
    String xdg = environment.get("XDG_DATA_HOME");
    Path base =
        xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
            ? Path.of(xdg)
            : Path.of(home, ".local", "share");
    return base.resolve("deq-workbench").resolve("runs");
  }

  /**
   * A folder for a new run of the experiment {@code name} under {@code root}: {@code
   * NAME-yyyyMMdd-HHmmss-SSS}, with a counter added if that exists already. Not created: the run
   * creates it when it writes its log.
   */
  public static Path newRun(Path root, String name) {
    return newRun(root, name, LocalDateTime.now());
  }

  static Path newRun(Path root, String name, LocalDateTime time) {
    String base = safe(name) + "-" + time.format(FOLDER_TIME);
    Path folder = root.resolve(base);
    for (int copy = 2; Files.exists(folder); copy++) {
      folder = root.resolve(base + "-" + copy);
    }
    return folder;
  }

  /** The name with characters that are unsafe in file names replaced. */
  private static String safe(String name) {
    String cleaned = name == null ? "" : name.replaceAll("[^A-Za-z0-9._-]", "_");
    return cleaned.isEmpty() ? "run" : cleaned;
  }
}
