package org.deqlab.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./deq doctor} as a user runs it: every check passes here, and a failing one exits 2. */
class DoctorCommandTest {
  @TempDir Path directory;

  private record Outcome(int code, String out, String err) {}

  private static Outcome run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Main()
            .run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void everyBuiltInCellAndLayerPassesWithOneLinePerCheckAndAJsonReport() throws Exception {
    Path json = directory.resolve("doctor.json");
    Outcome outcome = run("doctor", "--json", json.toString());
    assertEquals(0, outcome.code, outcome.out + outcome.err);
    JsonNode report = Reports.JSON.readTree(json.toFile());
    int checks = report.get("checks").size();
    assertTrue(checks >= 40, "5 probes × (4 presets + 4 small cells), got " + checks);
    assertTrue(report.get("passed").asBoolean());
    long lines = outcome.out.lines().filter(l -> l.endsWith(" pass")).count();
    assertEquals(checks, lines, outcome.out);
    for (String probe :
        new String[] {"f VJP", "DEQ implicit", "DEQ phantom", "unrolled", "Jacobian term"}) {
      assertTrue(outcome.out.contains(probe), probe + " in\n" + outcome.out);
    }
    assertTrue(outcome.out.contains("conv C=8"), "a small convolution is checked:\n" + outcome.out);
    assertTrue(outcome.out.contains("all " + checks + " checks passed"), outcome.out);
  }

  @Test
  void aFailingCheckExitsTwoAndSaysWhatToDo() {
    Outcome outcome = run("doctor", "--preset", "shapes-deq-conv", "--tolerance-scale", "1e-9");
    assertEquals(2, outcome.code, outcome.out);
    assertTrue(outcome.out.contains("FAIL"), outcome.out);
    assertTrue(outcome.out.contains("5 of 5 checks FAILED"), outcome.out);
    assertTrue(
        outcome.out.contains("--tolerance-scale"), "the advice names the cause:\n" + outcome.out);
  }

  @Test
  void oneExperimentsCellIsCheckedAtItsSizes() {
    Outcome outcome = run("doctor", "--preset", "copy-memory-deq-trellisnet");
    assertEquals(0, outcome.code, outcome.out + outcome.err);
    assertTrue(outcome.out.contains("trellisnet H=32"), outcome.out);
    assertTrue(outcome.out.contains("all 5 checks passed"), outcome.out);
  }

  @Test
  void aBadPathIsOneLineNamingTheOption() {
    Outcome outcome = run("doctor", "--convolution", "fast");
    assertEquals(2, outcome.code);
    assertTrue(outcome.err.contains("--convolution"), outcome.err);
  }
}
