package org.deqlab.app.cli;

import static org.deqlab.app.cli.CliOutcome.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.io.NpzFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --cell FILE.pt --input FILE.npz} as a user types it: solve, probe, train and its export,
 * and a bad cell as one line with exit code 2. The cells are core's test fixtures.
 */
class TorchScriptCommandsTest {
  private static final Path FIXTURES = Path.of("../core/src/test/resources/torchscript");

  @TempDir Path directory;

  private static String fixture(String name) {
    return FIXTURES.resolve(name).toString();
  }

  /** Runs {@code command} on the fixture cell {@code name}.pt with its input {@code name}.npz. */
  private CliOutcome onCell(String command, String name, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(command, "--cell", fixture(name + ".pt"), "--input", fixture(name + ".npz")));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void solveReportsTheGradientCheckConvergesAndWritesGradientsUnderTheModulesNames()
      throws Exception {
    Path save = directory.resolve("z.npz");
    CliOutcome outcome = onCell("solve", "mlp", "--save", save.toString(), "--grad");
    assertEquals(0, outcome.code(), outcome.err());
    assertTrue(outcome.out().contains("gradient check on load"), outcome.out());
    assertTrue(outcome.out().contains(": passed"), outcome.out());
    assertTrue(outcome.out().contains("converged"), outcome.out());
    try (NDManager manager = DeqEngine.newManager(Device.cpu())) {
      Map<String, NDArray> arrays = NpzFiles.read(save, manager);
      for (String name : new String[] {"z", "dW.weight", "dU.weight", "dU.bias", "dx"}) {
        assertTrue(arrays.containsKey(name), name + " in " + arrays.keySet());
      }
      assertTrue(arrays.get("dU.bias").abs().sum().getFloat() > 0);
    }
  }

  @Test
  void probeMeasuresTheCellsJacobianAtItsEquilibrium() {
    CliOutcome outcome = onCell("probe", "gated");
    assertEquals(0, outcome.code(), outcome.err());
    assertTrue(outcome.out().contains("spectral radius (Arnoldi"), outcome.out());
    assertTrue(outcome.out().contains("ρ < 1"), outcome.out());
  }

  @Test
  void trainIsARunThatLowersTheErrorWritesTheModuleBackAndResumes() {
    CliOutcome outcome =
        onCell(
            "train",
            "gated",
            "--data",
            fixture("gated-train.npz"),
            "--steps",
            "30",
            "--batch",
            "16",
            "--out",
            directory.toString());
    assertEquals(0, outcome.code(), outcome.err());
    double before = figure(outcome.out(), "step 1/30 .*? loss ");
    double after = figure(outcome.out(), "eval @30 \\(valid\\): loss ");
    assertTrue(after < 0.5 * before, outcome.out());
    assertTrue(Files.isRegularFile(directory.resolve("run.jsonl")), outcome.out());
    Path trained = directory.resolve("gated-trained.pt");
    assertTrue(outcome.out().contains("torch.jit.load(\"" + trained), outcome.out());
    CliOutcome reloaded =
        run("solve", "--cell", trained.toString(), "--input", fixture("gated.npz"));
    assertEquals(0, reloaded.code(), reloaded.err());

    CliOutcome resumed = run("train", "--resume", directory.toString(), "--steps", "40");
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.out().contains("resumed from last.ckpt at step 30"), resumed.out());
    assertTrue(resumed.out().contains("eval @40"), resumed.out());
  }

  @Test
  void trainPutsTheCellIntoAPresetsTaskWhenItsShapesFit() throws Exception {
    Path config = directory.resolve("copy.json");
    Files.writeString(
        config,
        "{\"preset\": \"copy-memory-deq-transformer\", \"task\": {\"sequenceLength\": 10,"
            + " \"batchSize\": 8}, \"model\": {\"embedding\": 4, \"hidden\": 16},"
            + " \"steps\": 3, \"pretrainSteps\": 1, \"evalEvery\": 0}");
    CliOutcome outcome =
        onCell(
            "train",
            "sequence",
            "--config",
            config.toString(),
            "--out",
            directory.resolve("copy").toString());
    assertEquals(0, outcome.code(), outcome.err());
    assertTrue(outcome.out().contains("trained 3 steps"), outcome.out());

    Files.writeString(
        config,
        "{\"preset\": \"copy-memory-deq-transformer\", \"model\": {\"embedding\": 4, \"hidden\": 32}}");
    assertError(
        onCell("train", "sequence", "--config", config.toString()), "set model.hidden to 16");
  }

  @Test
  void sweepLengthSolvesASequenceCellAtEachLength() {
    CliOutcome outcome = onCell("sweep-length", "sequence", "--lengths", "6,40");
    assertEquals(0, outcome.code(), outcome.err());
    assertTrue(Pattern.compile("(?m)^\\s+40\\s+\\d+\\s+\\S+\\s+yes").matcher(outcome.out()).find());
  }

  @Test
  void benchComparesTheCellWithTheBuiltInCellOfTheSameWeights() throws Exception {
    Path json = directory.resolve("bench.json");
    CliOutcome outcome =
        onCell(
            "bench",
            "mlp256",
            "--problem",
            fixture("mlp256-weights.npz"),
            "--repeats",
            "1",
            "--json",
            json.toString());
    assertEquals(0, outcome.code(), outcome.err());
    assertTrue(outcome.out().contains("TorchScript / built-in"), outcome.out());
    // The same weights: every solver takes the same steps on both cells.
    for (String solver : new String[] {"fixed-point", "anderson", "broyden"}) {
      Matcher steps =
          Pattern.compile("(?m)^" + solver + " +solve [0-9.]+ \\w+, .*\\(steps (\\d+) vs (\\d+)\\)")
              .matcher(outcome.out());
      assertTrue(steps.find(), outcome.out());
      assertEquals(steps.group(1), steps.group(2), solver);
    }
    assertEquals(3, Reports.JSON.readTree(json.toFile()).get("torchScriptOverBuiltIn").size());
  }

  @Test
  void badCellsAndRefusalsAreOneLineWithExitCodeTwo() {
    assertError(
        onCell("solve", "bad-arity"), "bad-arity.pt: forward must take two arguments (z, x)");
    assertError(
        run("probe", "--cell", fixture("bad-newer.pt"), "--input", fixture("bad-arity.npz")),
        "bad-newer.pt: saved by a newer PyTorch");
    assertError(onCell("train", "conv2"), "conv2.pt: refused for training", "relative error");
    assertError(onCell("train", "no-parameters"), "no parameters to train");
    assertError(run("solve", "--cell", fixture("mlp.pt")), "--input");
    assertError(onCell("sweep-length", "mlp"), "needs a sequence cell");
    assertError(onCell("solve", "mlp", "--dtype", "float64"), "--dtype");
  }

  private static double figure(String out, String before) {
    Matcher m = Pattern.compile(before + "([0-9.eE+-]+)").matcher(out);
    assertTrue(m.find(), out);
    return Double.parseDouble(m.group(1));
  }

  private static void assertError(CliOutcome outcome, String... fragments) {
    assertEquals(2, outcome.code(), outcome.out() + outcome.err());
    assertEquals(1, outcome.err().strip().lines().count(), "one line: " + outcome.err());
    for (String fragment : fragments) {
      assertTrue(outcome.err().contains(fragment), outcome.err());
    }
  }
}
