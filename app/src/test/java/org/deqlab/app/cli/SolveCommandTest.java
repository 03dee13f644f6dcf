package org.deqlab.app.cli;

import static org.deqlab.app.cli.CliOutcome.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.TorchNatives;
import org.deqlab.core.io.NpzFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./deq solve} as a user runs it: the table, the JSON report, the saved arrays, the errors.
 */
class SolveCommandTest {
  @TempDir Path directory;

  @Test
  void allSolversAreComparedAndTheReportTracesAndGradientsAreWritten() throws Exception {
    Path json = directory.resolve("report.json");
    Path save = directory.resolve("z.npz");
    CliOutcome outcome =
        run(
            "solve",
            "--dim",
            "16",
            "--input-dim",
            "4",
            "--batch",
            "3",
            "--dtype",
            "float64",
            "--tol",
            "1e-8",
            "--f-thres",
            "200",
            "--json",
            json.toString(),
            "--save",
            save.toString(),
            "--grad");

    assertEquals(0, outcome.code(), outcome.err());
    for (String solver : new String[] {"fixed-point", "anderson", "broyden"}) {
      assertTrue(outcome.out().contains(solver), outcome.out());
    }
    assertTrue(outcome.out().contains("converged"), outcome.out());

    JsonNode report = Reports.JSON.readTree(json.toFile());
    assertEquals(3, report.get("runs").size());
    JsonNode stats = report.get("runs").get(0).get("stats");
    assertEquals(stats.get("steps").asInt(), stats.get("absoluteTrace").size());
    assertEquals("converged", stats.get("stopReason").asText());
    assertTrue(report.get("provenance").get("engine").asText().startsWith("PyTorch"));
    assertEquals("converged", report.get("backward").get("stopReason").asText());

    try (NDManager manager = DeqEngine.newManager(Device.cpu())) {
      Map<String, NDArray> arrays = NpzFiles.read(save, manager);
      assertEquals(new Shape(3, 16), arrays.get("z").getShape());
      assertEquals(new Shape(16, 16), arrays.get("dW").getShape());
      assertEquals(new Shape(16, 4), arrays.get("dU").getShape());
      assertEquals(new Shape(16), arrays.get("db").getShape());
      assertEquals(new Shape(3, 4), arrays.get("dx").getShape());
      // dL/db = u summed over samples where u = z*(I − J)⁻¹ ≠ 0 for a non-zero equilibrium.
      assertTrue(arrays.get("db").abs().sum().getDouble() > 0);
    }
  }

  @Test
  void badInputGivesOneLineNamingTheProblemAndExitCodeTwo() {
    assertError(run("solve", "--solver", "newton"), "--solver", "newton");
    assertError(run("solve", "--f-thres", "0"), "--f-thres", "got 0");
    assertError(
        run("solve", "--problem", directory.resolve("missing.npz").toString()),
        "problem file not found");
    assertError(run("solve", "--tolerance", "1e-3"), "unknown option '--tolerance'");
    assertError(run("solve", "--grad"), "--save");
    assertError(run("solve", "--dtype", "int8"), "--dtype", "must be one of float32, float64");
    assertError(run("solve", "--device", "tpu"), "--device", "must be auto, cpu, cuda or cuda:N");
    if (!TorchNatives.loaded().cuda()) {
      assertError(run("solve", "--device", "gpu:3"), "device cuda:3 is not usable: ");
    }
    assertError(run("frobnicate"), "unknown command 'frobnicate'");
  }

  @Test
  void helpListsTheCommands() {
    CliOutcome outcome = run();
    assertEquals(0, outcome.code());
    assertTrue(outcome.out().contains("solve"), outcome.out());
    CliOutcome usage = run("help", "solve");
    assertTrue(usage.out().contains("--f-thres"), usage.out());
  }

  private static void assertError(CliOutcome outcome, String... fragments) {
    assertEquals(2, outcome.code(), outcome.out() + outcome.err());
    assertEquals(1, outcome.err().strip().lines().count(), "one line: " + outcome.err());
    for (String fragment : fragments) {
      assertTrue(outcome.err().contains(fragment), outcome.err());
    }
  }
}
