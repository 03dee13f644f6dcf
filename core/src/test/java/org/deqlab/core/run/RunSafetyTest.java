package org.deqlab.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunOutcome;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.ExperimentConfigs;
import org.deqlab.core.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing a user does loses a run: the same config gives the same log, a stopped run resumes to the
 * log an uninterrupted one writes, a folder holds one run at a time, a damaged checkpoint is
 * refused, a full disk names itself, and an absurd size is refused before any work.
 */
class RunSafetyTest {
  @TempDir Path directory;

  /**
   * A tiny copy-memory DEQ-Transformer with every source of randomness in a step: dropout masks,
   * Jacobian-term probes and spectral probes, evaluations in between.
   */
  private static ExperimentConfig tiny(int steps) {
    ObjectNode json =
        (ObjectNode)
            ExperimentConfigs.JSON.valueToTree(
                java.util.Map.of(
                    "preset",
                    "copy-memory-deq-transformer",
                    "task",
                    java.util.Map.of("sequenceLength", 6, "batchSize", 4, "evalBatches", 1),
                    "model",
                    java.util.Map.of(
                        "embedding", 8, "hidden", 8, "heads", 1, "feedForward", 16, "dropout", 0.2),
                    "jacobian",
                    java.util.Map.of("weight", 0.5, "probeEvery", 3, "probeProducts", 4),
                    "steps",
                    steps,
                    "pretrainSteps",
                    1,
                    "evalEvery",
                    4,
                    "checkpointEvery",
                    0));
    return ExperimentConfigs.fromJson(json, "test");
  }

  private static ExperimentRun.Options into(Path folder) {
    return ExperimentRun.Options.into(folder).withMaxThreads(1);
  }

  /** Removes wall-clock times (a step's millis, a solve's elapsedNanos) wherever they are. */
  private static void withoutTimes(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove(List.of("millis", "elapsedNanos"));
    }
    node.forEach(RunSafetyTest::withoutTimes);
  }

  /** Asserts equal lists of records, naming the first that differs (not printing them all). */
  private static void assertSame(List<JsonNode> expected, List<JsonNode> actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": records");
    for (int i = 0; i < expected.size(); i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        throw new AssertionError(
            what + ": record " + i + " differs:\n" + expected.get(i) + "\n" + actual.get(i));
      }
    }
  }

  /** The logged steps and evaluations as JSON, without their wall-clock times. */
  private static List<JsonNode> results(Path folder) throws IOException {
    List<JsonNode> kept = new ArrayList<>();
    for (String line : Files.readAllLines(folder.resolve(ExperimentRun.LOG))) {
      ObjectNode node = (ObjectNode) ExperimentConfigs.JSON.readTree(line);
      String type = node.path("type").asText();
      if (type.equals("step") || type.equals("eval")) {
        withoutTimes(node);
        kept.add(node);
      }
    }
    return kept;
  }

  private static RunEvent.Finished train(ExperimentConfig config, Path folder) {
    try (ExperimentRun run = ExperimentRun.create(config, into(folder))) {
      return run.run();
    }
  }

  @Test
  void theSameConfigTwiceAndAStoppedAndResumedRunLogTheSameSteps() throws IOException {
    ExperimentConfig config = tiny(9);
    train(config, directory.resolve("a"));
    train(config, directory.resolve("b"));

    Path resumed = directory.resolve("resumed");
    try (ExperimentRun run = ExperimentRun.create(config, into(resumed))) {
      run.events()
          .subscribe(
              event -> {
                if (event instanceof RunEvent.Step step && step.step() == 5) {
                  run.control().requestStop();
                }
              });
      assertEquals(RunOutcome.STOPPED, run.run().reason());
    }
    try (ExperimentRun run =
        ExperimentRun.restore(
            resumed.resolve(ExperimentRun.LAST_CHECKPOINT),
            into(resumed).withReuse(RunFolderLock.Reuse.RESUME))) {
      assertEquals(5, run.trainer().completedSteps());
      assertEquals(RunOutcome.COMPLETED, run.run().reason());
    }

    List<JsonNode> uninterrupted = results(directory.resolve("a"));
    assertEquals(9 + 3, uninterrupted.size(), "9 steps, evaluations at 4, 8 and the end");
    assertSame(uninterrupted, results(directory.resolve("b")), "the same config twice");
    assertSame(uninterrupted, results(resumed), "stopped at 5, resumed");
    RunLog.Contents log = RunLog.read(resumed.resolve(ExperimentRun.LOG));
    assertEquals(0, log.unreadableLines());
    assertEquals(1, log.ofType(RunEvent.Finished.class).size(), "one end, the resumed run's");
    assertEquals(0, log.ofType(RunEvent.Started.class).size(), "one header: line 1");
  }

  @Test
  void aFolderHoldsOneRunAtATimeAndAFinishedRunIsReplacedOnlyWhenAsked() throws IOException {
    Path folder = directory.resolve("run");
    try (RunFolderLock held = RunFolderLock.claim(folder, RunFolderLock.Reuse.NEW)) {
      String busy =
          assertThrows(
                  IllegalArgumentException.class,
                  () -> RunFolderLock.claim(folder, RunFolderLock.Reuse.NEW))
              .getMessage();
      assertTrue(
          busy.contains("in use by another run (pid " + ProcessHandle.current().pid()), busy);
    }
    // released: a dead run's lock file still names it, but nothing holds it
    Files.writeString(folder.resolve(RunFolderLock.FILE), "pid 999999999, started yesterday");
    try (RunFolderLock taken = RunFolderLock.claim(folder, RunFolderLock.Reuse.NEW)) {
      assertTrue(taken.staleNote().orElseThrow().contains("pid 999999999"));
    }

    Files.writeString(folder.resolve(ExperimentRun.LOG), "{}\n");
    Files.writeString(folder.resolve("checkpoint-3.ckpt"), "x");
    String refused =
        assertThrows(
                IllegalArgumentException.class,
                () -> RunFolderLock.claim(folder, RunFolderLock.Reuse.NEW))
            .getMessage();
    assertTrue(refused.contains("already holds a run") && refused.contains("--overwrite"), refused);
    RunFolderLock.claim(folder, RunFolderLock.Reuse.OVERWRITE).close();
    assertFalse(Files.exists(folder.resolve(ExperimentRun.LOG)));
    assertFalse(Files.exists(folder.resolve("checkpoint-3.ckpt")));

    String nothing =
        assertThrows(
                IllegalArgumentException.class,
                () -> RunFolderLock.claim(folder, RunFolderLock.Reuse.RESUME))
            .getMessage();
    assertTrue(nothing.contains("has no last.ckpt"), nothing);
  }

  @Test
  void anUnwritableFolderIsRefusedBeforeAnyWorkNamingItAndTheCause() throws IOException {
    Path file = Files.writeString(directory.resolve("plain-file"), "");
    Path below = file.resolve("run");
    String message =
        assertThrows(
                IllegalArgumentException.class, () -> ExperimentRun.create(tiny(2), into(below)))
            .getMessage();
    assertTrue(message.startsWith("cannot write the run folder " + below), message);
  }

  @Test
  void aCheckpointWithOneFlippedByteIsRefusedByName() throws IOException {
    Path folder = directory.resolve("run");
    train(tiny(2), folder);
    Path checkpoint = folder.resolve(ExperimentRun.LAST_CHECKPOINT);
    assertEquals(2, Checkpoint.readConfig(checkpoint).steps());
    byte[] bytes = Files.readAllBytes(checkpoint);
    bytes[bytes.length * 2 / 3] ^= 0x10; // inside the parameters
    Files.write(checkpoint, bytes);
    String message =
        assertThrows(
                IllegalArgumentException.class,
                () -> ExperimentRun.restore(checkpoint, ExperimentRun.Options.inMemory()))
            .getMessage();
    assertTrue(message.contains(checkpoint + " is damaged"), message);
    assertTrue(message.contains("checksum"), message);
  }

  @Test
  void aFullDiskNamesTheCauseAndTheLogAndWritesNothingMore() throws IOException {
    Path full = Path.of("/dev/full");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full), "needs /dev/full");
    Path log = Files.createSymbolicLink(directory.resolve(ExperimentRun.LOG), full);
    try (RunLog writer = RunLog.create(log)) {
      RunEvent step = new RunEvent.Finished(3, RunOutcome.COMPLETED, "done");
      String message =
          assertThrows(UncheckedIOException.class, () -> writer.accept(step)).getMessage();
      assertEquals("cannot write run log " + log + ": No space left on device", message);
      writer.accept(step); // after a failure nothing more is tried: no second error
    }
  }

  @Test
  void anAbsurdSequenceLengthIsRefusedBeforeAnyWorkWithTheMemoryItNeeds() {
    ExperimentConfig absurd =
        tiny(2).withTask(tiny(2).task().withSequenceLength(1_000_000).withBatchSize(32));
    String message =
        assertThrows(
                IllegalArgumentException.class,
                () -> ExperimentRun.create(absurd, ExperimentRun.Options.inMemory()))
            .getMessage();
    assertTrue(message.startsWith("task.sequenceLength 1000000"), message);
    assertTrue(message.contains("would need about") && message.contains("the limit is"), message);
  }

  @Test
  void aDataSetsOwnSizeErrorNamesTheConfigField() {
    ExperimentConfig shapes = org.deqlab.core.experiment.Presets.get("shapes-deq-conv");
    ExperimentConfig.Task tooSmall = shapes.task().withSequenceLength(3);
    String message =
        assertThrows(
                IllegalArgumentException.class,
                () -> tooSmall.kind().data(tooSmall, 0, ai.djl.ndarray.types.DataType.FLOAT32))
            .getMessage();
    assertEquals("task.sequenceLength must be in [8, 128], got 3 (shapes)", message);
  }

  @Test
  void everyPresetIsFarBelowTheMemoryItsSizesWouldRefuse() {
    for (String name : org.deqlab.core.experiment.Presets.names()) {
      ExperimentConfig preset = org.deqlab.core.experiment.Presets.get(name);
      org.deqlab.core.experiment.Footprint footprint =
          org.deqlab.core.experiment.Footprint.of(preset);
      System.out.println(
          name + ": data " + footprint.dataBytes() + ", step " + footprint.stepBytes());
      assertTrue(footprint.stepBytes() < (2L << 30), name + ": " + footprint);
      assertTrue(footprint.dataBytes() < (1L << 30), name + ": " + footprint);
      footprint.check(preset, false);
    }
  }

  @Test
  void aCrashedRunsLogIsCutBackToItsCheckpointWhenResumed() throws IOException {
    Path log = directory.resolve(ExperimentRun.LOG);
    Files.writeString(
        log,
        """
        {"type":"header","seed":0}
        {"type":"step","step":1}
        {"type":"step","step":2}
        {"type":"checkpoint","step":2,"file":"last.ckpt"}
        {"type":"step","step":3}
        {"type":"finished","step":3,"reason":"stopped"}
        {"type":"step","step":4,"lo""");
    try (RunLog resumed = RunLog.resume(log, 2)) {
      resumed.accept(new RunEvent.Step(3, "deq", 1, 0, null, null, 0, 0, List.of(), 1, 1, 1));
    }
    List<String> lines = Files.readAllLines(log);
    assertEquals(5, lines.size(), String.join("\n", lines));
    assertEquals("{\"type\":\"checkpoint\",\"step\":2,\"file\":\"last.ckpt\"}", lines.get(3));
    assertTrue(lines.get(4).startsWith("{\"type\":\"step\",\"step\":3,"), lines.get(4));
  }

  @Test
  void aDamagedLastCheckpointResumesFromTheNewestIntactOneToTheSameLog() throws IOException {
    ExperimentConfig config = tiny(5).withCheckpointEvery(2);
    Path reference = directory.resolve("reference");
    train(config, reference);
    Path folder = directory.resolve("damaged");
    try (ExperimentRun run = ExperimentRun.create(config, into(folder).withStepCheckpoints(true))) {
      run.run();
    }
    for (String damaged : List.of(ExperimentRun.LAST_CHECKPOINT, "checkpoint-5.ckpt")) {
      Path file = folder.resolve(damaged);
      byte[] bytes = Files.readAllBytes(file);
      bytes[bytes.length / 2] ^= 0x01;
      Files.write(file, bytes);
    }

    ExperimentRun.Resumable from = ExperimentRun.resumable(folder);
    assertEquals(folder.resolve("checkpoint-4.ckpt"), from.checkpoint());
    assertTrue(from.note().contains("last.ckpt is damaged"), from.note());
    try (ExperimentRun run =
        ExperimentRun.restore(
            from.checkpoint(), into(folder).withReuse(RunFolderLock.Reuse.RESUME))) {
      assertEquals(4, run.trainer().completedSteps());
      run.run();
    }
    assertSame(results(reference), results(folder), "resumed from checkpoint-4");
  }
}
