package org.deqlab.app.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.ExperimentConfigs;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Shared fixture of the window tests: the default experiment shrunk until a step takes a fraction
 * of a second on 2 cores (sequence length 8, batch 4, width 8), probing the Jacobian every other
 * step, and helpers to run code on the JavaFX thread and read a run log.
 */
final class TinyExperiment {
  private TinyExperiment() {}

  /** The tiny copy-memory DEQ-Transformer with {@code steps} steps (step 1 pretrains). */
  static ExperimentConfig config(int steps) {
    ObjectNode json =
        (ObjectNode)
            ExperimentConfigs.JSON.valueToTree(
                java.util.Map.of(
                    "preset",
                    "copy-memory-deq-transformer",
                    "name",
                    "tiny",
                    "task",
                    java.util.Map.of("sequenceLength", 8, "batchSize", 4, "evalBatches", 1),
                    "model",
                    java.util.Map.of("embedding", 8, "hidden", 8, "heads", 1, "feedForward", 16),
                    "jacobian",
                    java.util.Map.of("probeEvery", 2, "probeProducts", 4),
                    "steps",
                    steps,
                    "pretrainSteps",
                    1,
                    "evalEvery",
                    0,
                    "checkpointEvery",
                    0));
    return ExperimentConfigs.fromJson(json, "test");
  }

  /**
   * The default experiment ({@link org.deqlab.core.experiment.Presets#DEFAULT}) at the same tiny
   * widths, seed as in the preset: deterministic, a step in a fraction of a second.
   */
  static ExperimentConfig quickDefault(int steps) {
    ObjectNode json =
        (ObjectNode)
            ExperimentConfigs.JSON.valueToTree(
                java.util.Map.of(
                    "preset",
                    org.deqlab.core.experiment.Presets.DEFAULT,
                    "name",
                    "tiny-default",
                    "task",
                    java.util.Map.of("sequenceLength", 8, "batchSize", 4, "evalBatches", 1),
                    "model",
                    java.util.Map.of("embedding", 8, "hidden", 8, "heads", 1, "feedForward", 16),
                    "jacobian",
                    java.util.Map.of("probeEvery", 2, "probeProducts", 4),
                    "steps",
                    steps,
                    "evalEvery",
                    0,
                    "checkpointEvery",
                    0));
    return ExperimentConfigs.fromJson(json, "test");
  }

  /** Computes {@code value} on the JavaFX thread. */
  static <T> T fx(Callable<T> value) {
    try {
      return WaitForAsyncUtils.asyncFx(value).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("JavaFX action failed: " + e, e);
    }
  }

  /** Runs {@code action} on the JavaFX thread and waits for it and the events it caused. */
  static void fxRun(Runnable action) {
    fx(
        () -> {
          action.run();
          return null;
        });
    WaitForAsyncUtils.waitForFxEvents();
  }

  /** Waits (polling on the JavaFX thread) until {@code condition} holds. */
  static void await(String what, int seconds, Callable<Boolean> condition) {
    try {
      WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> fx(condition));
    } catch (Exception e) {
      throw new AssertionError("timed out after " + seconds + " s waiting until " + what, e);
    }
  }

  /** The {@code type} lines of a run log, as JSON (what a user reading the file sees). */
  static List<JsonNode> logged(Path runLog, String type) {
    try {
      List<JsonNode> lines = new java.util.ArrayList<>();
      for (String line : java.nio.file.Files.readAllLines(runLog)) {
        JsonNode node = ExperimentConfigs.JSON.readTree(line);
        if (type.equals(node.path("type").asText())) {
          lines.add(node);
        }
      }
      return lines;
    } catch (java.io.IOException e) {
      throw new AssertionError("cannot read " + runLog, e);
    }
  }
}
