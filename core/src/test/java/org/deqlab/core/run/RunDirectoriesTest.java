package org.deqlab.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs go to a per-user data folder unless the user names one, and never into an existing run. */
class RunDirectoriesTest {
  private static final String HOME = "/home/ada";

  @Test
  void linuxRunsLiveUnderTheXdgDataHome() {
    assertEquals(
        Path.of("/home/ada/.local/share/deq-workbench/runs"),
        RunDirectories.userRoot(Map.of(), null, "Linux", HOME));
    assertEquals(
        Path.of("/data/ada/deq-workbench/runs"),
        RunDirectories.userRoot(Map.of("XDG_DATA_HOME", "/data/ada"), null, "Linux", HOME));
    // the XDG rules ignore a relative XDG_DATA_HOME
    assertEquals(
        Path.of("/home/ada/.local/share/deq-workbench/runs"),
        RunDirectories.userRoot(Map.of("XDG_DATA_HOME", "rel"), null, "Linux", HOME));
  }

  @Test
  void macOsAndWindowsUseTheirOwnPerUserFolders() {
    assertEquals(
        Path.of(HOME, "Library", "Application Support", "DEQ Workbench", "runs"),
        RunDirectories.userRoot(Map.of(), null, "Mac OS X", HOME));
    assertEquals(
        Path.of("C:/Users/ada/AppData/Local", "DEQ Workbench", "runs"),
        RunDirectories.userRoot(
            Map.of("LOCALAPPDATA", "C:/Users/ada/AppData/Local"), null, "Windows 11", HOME));
  }

  @Test
  void thePropertyThenTheEnvironmentVariableOverrideThePlatformFolder() {
    Map<String, String> environment = Map.of(RunDirectories.ENVIRONMENT_VARIABLE, "/srv/runs");
    assertEquals(Path.of("/srv/runs"), RunDirectories.userRoot(environment, null, "Linux", HOME));
    assertEquals(
        Path.of("/tmp/mine"), RunDirectories.userRoot(environment, "/tmp/mine", "Linux", HOME));
  }

  @Test
  void eachRunGetsAFreshFolderNamedAfterItsExperiment(@TempDir Path root) throws IOException {
    LocalDateTime time = LocalDateTime.of(2026, 12, 4, 9, 30, 15, 123_000_000);
    Path first = RunDirectories.newRun(root, "quick char/lm", time);
    assertEquals(root.resolve("quick_char_lm-20261204-093015-123"), first);
    Files.createDirectories(first);
    Path second = RunDirectories.newRun(root, "quick char/lm", time);
    assertNotEquals(first, second);
    assertEquals(root.resolve("quick_char_lm-20261204-093015-123-2"), second);
  }
}
