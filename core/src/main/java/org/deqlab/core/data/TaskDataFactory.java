package org.deqlab.core.data;

import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import org.deqlab.core.train.TrainingConfig;
import org.deqlab.core.train.TrainingData;
import org.deqlab.data.CharCorpus;
import org.deqlab.data.CopyMemoryTask;
import org.deqlab.data.ShapesTask;

/**
 * Turns a config's task section into the tensors the trainer consumes, from the sample-data module.
 */
public final class TaskDataFactory {
  private TaskDataFactory() {}

  public static TrainingData create(TrainingConfig.Task task, long seed, DataType dataType) {
    return switch (task.kind()) {
      case "copy-memory" ->
          new CopyMemoryData(new CopyMemoryTask(task.sequenceLength(), 10_000, 1_000, seed), task);
      case "char-lm" -> new CharLmData(corpus(task.corpus()), task);
      case "shapes" ->
          new ShapesData(
              new ShapesTask(task.sequenceLength(), 2000, 500, 0.1, seed), task, dataType);
      default ->
          throw new IllegalArgumentException("task.kind " + task.kind() + " is not supported");
    };
  }

  private static CharCorpus corpus(String location) {
    if (location == null || location.isBlank() || location.equals("builtin")) {
      return CharCorpus.builtIn();
    }
    try {
      return CharCorpus.load(Path.of(location));
    } catch (IOException e) {
      throw new IllegalArgumentException("task.corpus: " + e.getMessage(), e);
    }
  }
}
