package org.deqlab.app.cli;

import static org.deqlab.app.cli.CliOutcome.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.deqlab.core.engine.TorchNatives;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./deq doctor} as a user runs it: every check passes here, and a failing one exits 2. */
class DoctorCommandTest {
  @TempDir Path directory;

  @Test
  void everyBuiltInCellAndLayerPassesWithOneLinePerCheckAndAJsonReport() throws Exception {
    Path json = directory.resolve("doctor.json");
    CliOutcome outcome = run("doctor", "--json", json.toString());
    assertEquals(0, outcome.code(), outcome.out() + outcome.err());
    JsonNode report = Reports.JSON.readTree(json.toFile());
    int checks = report.get("checks").size();
    assertTrue(checks >= 40, "5 probes × (4 presets + 4 small cells), got " + checks);
    assertTrue(report.get("passed").asBoolean());
    long lines = outcome.out().lines().filter(l -> l.endsWith(" pass")).count();
    assertEquals(checks, lines, outcome.out());
    for (String probe :
        new String[] {"f VJP", "DEQ implicit", "DEQ phantom", "unrolled", "Jacobian term"}) {
      assertTrue(outcome.out().contains(probe), probe + " in\n" + outcome.out());
    }
    assertTrue(
        outcome.out().contains("conv C=8"), "a small convolution is checked:\n" + outcome.out());
    assertTrue(outcome.out().contains("all " + checks + " checks passed"), outcome.out());
  }

  @Test
  void aFailingCheckExitsTwoAndSaysWhatToDo() {
    CliOutcome outcome = run("doctor", "--preset", "shapes-deq-conv", "--tolerance-scale", "1e-9");
    assertEquals(2, outcome.code(), outcome.out());
    assertTrue(outcome.out().contains("FAIL"), outcome.out());
    assertTrue(outcome.out().contains("5 of 5 checks FAILED"), outcome.out());
    assertTrue(
        outcome.out().contains("--tolerance-scale"),
        "the advice names the cause:\n" + outcome.out());
  }

  @Test
  void oneExperimentsCellIsCheckedAtItsSizes() {
    CliOutcome outcome = run("doctor", "--preset", "copy-memory-deq-trellisnet");
    assertEquals(0, outcome.code(), outcome.out() + outcome.err());
    assertTrue(outcome.out().contains("trellisnet H=32"), outcome.out());
    assertTrue(outcome.out().contains("all 5 checks passed"), outcome.out());
  }

  @Test
  void aBadPathIsOneLineNamingTheOption() {
    CliOutcome outcome = run("doctor", "--convolution", "fast");
    assertEquals(2, outcome.code());
    assertTrue(outcome.err().contains("--convolution"), outcome.err());
  }

  /**
   * The environment comes first: versions, the natives and where they came from, the driver and
   * GPUs; asking for a GPU that cannot be used exits 2 with the reason, after the report.
   */
  @Test
  void theReportNamesTheNativesAndAnUnusableGpuRequestExitsTwoWithTheReason() {
    assumeFalse(TorchNatives.loaded().cuda(), "this JVM runs a CUDA build of PyTorch");
    CliOutcome outcome = run("doctor", "--preset", "char-lm-deq-transformer", "--device", "cuda");
    assertEquals(2, outcome.code(), outcome.out() + outcome.err());
    for (String line : new String[] {"java", "engine", "natives", "libtorch:", "NVIDIA", "GPU"}) {
      assertTrue(outcome.out().contains("  " + line), line + " in\n" + outcome.out());
    }
    assertTrue(outcome.out().contains("(CPU build) from"), outcome.out());
    assertTrue(
        outcome.out().contains("the GPU set-up asked for cannot work: device cuda:0 is not usable"),
        outcome.out());
  }

  @Test
  void withoutAGpuRequestTheCpuIsCheckedAndTheGpuLineSaysWhyNoneIsUsed() {
    assumeFalse(TorchNatives.loaded().cuda(), "this JVM runs a CUDA build of PyTorch");
    CliOutcome outcome = run("doctor", "--preset", "char-lm-deq-transformer");
    assertEquals(0, outcome.code(), outcome.out() + outcome.err());
    assertTrue(outcome.out().contains("float32 gradients against float64 on cpu"), outcome.out());
    assertTrue(outcome.out().contains("  GPU       none usable: "), outcome.out());
  }
}
