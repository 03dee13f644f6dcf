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
    return tiny("copy-memory-deq-transformer", "tiny", steps, java.util.Map.of("pretrainSteps", 1));
  }

  /**
   * The default experiment ({@link org.deqlab.core.experiment.Presets#DEFAULT}) at the same tiny
   * widths, seed as in the preset: deterministic, a step in a fraction of a second.
   */
  static ExperimentConfig quickDefault(int steps) {
    return tiny(
        org.deqlab.core.experiment.Presets.DEFAULT, "tiny-default", steps, java.util.Map.of());
  }

  /** A preset at tiny widths, without evaluations or checkpoints during the run. */
  private static ExperimentConfig tiny(
      String preset, String name, int steps, java.util.Map<String, Object> more) {
    java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>(more);
    fields.put("preset", preset);
    fields.put("name", name);
    fields.put("task", java.util.Map.of("sequenceLength", 8, "batchSize", 4, "evalBatches", 1));
    fields.put(
        "model", java.util.Map.of("embedding", 8, "hidden", 8, "heads", 1, "feedForward", 16));
    fields.put("jacobian", java.util.Map.of("probeEvery", 2, "probeProducts", 4));
    fields.put("steps", steps);
    fields.put("evalEvery", 0);
    fields.put("checkpointEvery", 0);
    ObjectNode json = (ObjectNode) ExperimentConfigs.JSON.valueToTree(fields);
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
