package org.deqlab.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunOutcome;
import org.deqlab.core.experiment.ExperimentConfigs;
import org.deqlab.core.run.ExperimentRun;
import org.deqlab.core.run.RunFolderLock;
import org.deqlab.core.run.RunLog;
import org.deqlab.core.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a user does to {@code ./deq train} that must not lose a run: a signal mid-run (in a real
 * process), a second run into the same folder, reusing a finished run's folder, resuming; and the
 * messages of options and configs, and every config the README and the help show.
 */
class FaultsTest {
  @TempDir Path directory;

  private Path tinyConfig() throws IOException {
    return Files.writeString(
        directory.resolve("tiny.json"),
        """
        {"preset": "copy-memory-deq-transformer", "name": "tiny",
         "task": {"sequenceLength": 8, "batchSize": 4, "evalBatches": 1},
         "model": {"embedding": 8, "hidden": 8, "heads": 1, "feedForward": 16},
         "jacobian": {"probeEvery": 2, "probeProducts": 4},
         "steps": 100000, "pretrainSteps": 1, "evalEvery": 0, "checkpointEvery": 0}
        """);
  }

  private static CliOutcome run(String... args) {
    return CliOutcome.run(args);
  }

  private static void assertOneLineError(CliOutcome outcome, String... contained) {
    assertEquals(2, outcome.code(), outcome.err() + outcome.out());
    String err = outcome.err().strip();
    assertFalse(err.contains("\n"), "one line: " + err);
    assertTrue(err.startsWith("error: "), err);
    for (String text : contained) {
      assertTrue(err.contains(text), "'" + text + "' in: " + err);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "INT"})
  void aSignalStopsTrainingAfterTheStepWithWholeFilesAndTheSignalsExitCode(String signal)
      throws Exception {
    Path out = directory.resolve("run");
    Process process =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "train",
                "--config",
                tinyConfig().toString(),
                "--out",
                out.toString())
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("train.out").toFile())
            .start();
    try {
      Path log = out.resolve(ExperimentRun.LOG);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (steps(log) < 3) {
        assertTrue(process.isAlive(), "training ended early: " + output());
        assertTrue(System.nanoTime() < deadline, "no 3 steps in 120 s: " + output());
        Thread.sleep(100);
      }
      long signalled = System.nanoTime();
      new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "still running 30 s after SIG" + signal);
      double seconds = (System.nanoTime() - signalled) / 1e9;
      assertEquals(signal.equals("INT") ? 130 : 143, process.exitValue(), output());
      assertTrue(seconds < 15, "stopped in " + seconds + " s");

      RunLog.Contents contents = RunLog.read(log);
      assertEquals(0, contents.unreadableLines(), "every record whole");
      List<String> lines = Files.readAllLines(log);
      RunEvent.Finished finished = contents.ofType(RunEvent.Finished.class).get(0);
      assertEquals(RunOutcome.STOPPED, finished.reason());
      assertTrue(lines.get(lines.size() - 1).contains("\"finished\""), "the end is logged");
      assertEquals(finished.step(), contents.ofType(RunEvent.Step.class).size());
      Path checkpoint = out.resolve(ExperimentRun.LAST_CHECKPOINT);
      assertEquals("tiny", Checkpoint.readConfig(checkpoint).name()); // checksum verified
      assertTrue(output().contains("stopped at step " + finished.step()), output());
      assertFalse(output().contains("AutoNonVariableTypeMode"), "PyTorch's warning is spent");

      // and the run goes on from there
      CliOutcome resumed =
          run(
              "train",
              "--resume",
              out.toString(),
              "--steps",
              Integer.toString(finished.step() + 2));
      assertEquals(0, resumed.code(), resumed.err() + resumed.out());
      RunLog.Contents after = RunLog.read(log);
      assertEquals(finished.step() + 2, after.ofType(RunEvent.Step.class).size());
      assertEquals(RunOutcome.COMPLETED, after.ofType(RunEvent.Finished.class).get(0).reason());
    } finally {
      process.destroyForcibly();
    }
  }

  private static int steps(Path log) throws IOException {
    if (!Files.exists(log)) {
      return 0;
    }
    return (int)
        Files.readAllLines(log, StandardCharsets.UTF_8).stream()
            .filter(line -> line.startsWith("{\"type\":\"step\""))
            .count();
  }

  private String output() {
    try {
      return Files.readString(directory.resolve("train.out"));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  @Test
  void aSecondRunIntoAFolderInUseOrHoldingARunIsRefusedUnlessOverwriting() throws IOException {
    Path out = directory.resolve("run");
    String config = tinyConfig().toString();
    try (RunFolderLock busy = RunFolderLock.claim(out, RunFolderLock.Reuse.NEW)) {
      assertOneLineError(
          run("train", "--config", config, "--steps", "2", "--out", out.toString()),
          out + " is in use by another run (pid " + ProcessHandle.current().pid());
    }
    assertEquals(
        0, run("train", "--config", config, "--steps", "2", "--out", out.toString()).code());
    assertOneLineError(
        run("train", "--config", config, "--steps", "3", "--out", out.toString()),
        out + " already holds a run",
        "--overwrite");
    assertEquals(2, RunLog.read(out.resolve("run.jsonl")).ofType(RunEvent.Step.class).size());
    CliOutcome replaced =
        run("train", "--config", config, "--steps", "3", "--out", out.toString(), "--overwrite");
    assertEquals(0, replaced.code(), replaced.err());
    assertEquals(3, RunLog.read(out.resolve("run.jsonl")).ofType(RunEvent.Step.class).size());
    assertFalse(Files.exists(out.resolve("checkpoint-2.ckpt")), "the old run's files are gone");
  }

  @Test
  void anUnwritableOutputFolderIsOneLineBeforeAnyWork() throws IOException {
    Path file = Files.writeString(directory.resolve("a-file"), "");
    CliOutcome outcome =
        run("train", "--config", tinyConfig().toString(), "--out", file.resolve("run").toString());
    assertOneLineError(outcome, "cannot write the run folder " + file.resolve("run"));
    assertFalse(outcome.out().contains("training"), "no work started: " + outcome.out());
  }

  @Test
  void optionAndConfigErrorsNameWhatTheUserWrote() throws IOException {
    assertOneLineError(
        run("sweep-length", "--preset", "copy-memory-deq-transformer", "--lengths", ","),
        "--lengths",
        "empty list");
    assertOneLineError(run("memory", "--depths", ","), "--depths");
    assertOneLineError(run("run", "--sweep", ",", "--steps", "1"), "--sweep");
    Path malformed =
        Files.writeString(
            directory.resolve("bad.json"),
            "{\"preset\": \"copy-memory-deq-transformer\",\n \"task\": {\"sequenceLength\": 10,}\n}");
    assertOneLineError(
        run("train", "--config", malformed.toString()),
        "line 2, column",
        "(near task.sequenceLength)");
    Path backward =
        Files.writeString(
            directory.resolve("b.json"), "{\"backward\": {\"options\": {\"maxIterations\": 0}}}");
    assertOneLineError(
        run("train", "--config", backward.toString()), "backward.options.maxIterations (b_thres)");
    Path huge =
        Files.writeString(
            directory.resolve("huge.json"), "{\"task\": {\"sequenceLength\": 1000000}}");
    assertOneLineError(
        run("train", "--config", huge.toString(), "--out", directory.resolve("h").toString()),
        "task.sequenceLength 1000000",
        "would need about");
    assertOneLineError(
        run("sweep-length", "--preset", "copy-memory-deq-transformer", "--lengths", "8,1000000"),
        "sweep length 1000000: task.sequenceLength 1000000",
        "would need about");
    assertOneLineError(
        run("memory", "--length", "100000", "--depths", "1"),
        "memory at length 100000",
        "one training step would need at least about");
    assertOneLineError(
        run("train", "--resume", directory.resolve("nothing").toString()), "cannot resume");
  }

  /** Every {@code {"preset": …}} config the README and the help show, as written there. */
  private static List<String> documentedConfigs() throws IOException {
    List<String> configs = new ArrayList<>();
    Pattern config = Pattern.compile("\\{\"preset\": [^`\\n]*\\}(?=`|\\s*$|\\s)");
    for (Path file :
        List.of(
            Path.of("..", "README.md"),
            Path.of(
                "src", "main", "resources", "org", "deqlab", "app", "cli", "Help.properties"))) {
      Matcher matcher = config.matcher(Files.readString(file));
      while (matcher.find()) {
        configs.add(matcher.group());
      }
    }
    return configs;
  }

  @Test
  void everyConfigInTheReadmeAndTheHelpLoadsAndTrains() throws IOException {
    List<String> configs = documentedConfigs();
    assertTrue(configs.size() >= 2, "the README's and the help's examples: " + configs);
    int index = 0;
    for (String text : configs) {
      ExperimentConfigs.fromText(text, "documented config " + text); // refused as the user would
      Path file = Files.writeString(directory.resolve("doc-" + index + ".json"), text);
      Path out = directory.resolve("doc-run-" + index++);
      CliOutcome outcome =
          run("train", "--config", file.toString(), "--steps", "2", "--out", out.toString());
      assertEquals(0, outcome.code(), text + ": " + outcome.err());
    }
  }
}
