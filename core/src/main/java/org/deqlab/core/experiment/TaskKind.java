package org.deqlab.core.experiment;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.data.CharLmData;
import org.deqlab.core.data.CopyMemoryData;
import org.deqlab.core.data.ShapesData;
import org.deqlab.core.data.TargetData;
import org.deqlab.core.data.TrainingData;
import org.deqlab.core.model.ImageModel;
import org.deqlab.core.model.SequenceModel;
import org.deqlab.core.model.TargetModel;
import org.deqlab.core.model.TaskModel;
import org.deqlab.core.text.Labelled;
import org.deqlab.data.CharCorpus;
import org.deqlab.data.CopyMemoryTask;
import org.deqlab.data.ShapesTask;

/**
 * The built-in tasks, each knowing its data and the model around the cell. A new task is written in
 * {@code org.deqlab.core.data} (on a dataset of the sample-data module) and registered here with
 * one constant.
 */
public enum TaskKind implements Labelled {
  /** Recall 10 symbols after a gap of T steps (the TCN/DEQ definition). */
  COPY_MEMORY(false) {
    @Override
    TrainingData build(ExperimentConfig.Task task, long seed, DataType dataType) {
      if (task.sequenceLength() > CopyMemoryTask.MAX_BLANK_LENGTH) {
        throw new IllegalArgumentException(
            "task.sequenceLength must be at most "
                + CopyMemoryTask.MAX_BLANK_LENGTH
                + " for copy-memory, got "
                + task.sequenceLength());
      }
      return new CopyMemoryData(
          new CopyMemoryTask(task.sequenceLength(), 10_000, 1_000, seed),
          task.batchSize(),
          task.evalBatches());
    }
  },
  /** Next-character prediction on a corpus (the shipped Austen texts, or a directory). */
  CHAR_LM(false) {
    @Override
    TrainingData build(ExperimentConfig.Task task, long seed, DataType dataType) {
      return new CharLmData(
          corpus(task.corpus()), task.sequenceLength(), task.batchSize(), task.evalBatches());
    }
  },
  /** Classify procedurally drawn shapes in {@code sequenceLength}² images. */
  SHAPES(true) {
    @Override
    TrainingData build(ExperimentConfig.Task task, long seed, DataType dataType) {
      return new ShapesData(
          new ShapesTask(task.sequenceLength(), 2000, 500, 0.1, seed),
          task.batchSize(),
          task.evalBatches(),
          dataType);
    }
  },
  /**
   * Fit the equilibrium {@code z*(x)} to targets {@code y} (mean squared error) from the {@code
   * .npz} of {@code task.data}: the task a user's own cell trains on without a decoder; {@code x}
   * is the cell's input as it is.
   */
  TARGETS(false) {
    @Override
    TrainingData build(ExperimentConfig.Task task, long seed, DataType dataType) {
      return new TargetData(Path.of(task.data()), task.batchSize(), dataType);
    }

    @Override
    public TaskModel model(Cell cell, int vocabulary, ExperimentConfig.Model spec) {
      return new TargetModel(cell);
    }
  };

  private final boolean images;

  TaskKind(boolean images) {
    this.images = images;
  }

  /**
   * The task's data for {@code task}, generated from {@code seed}. The data sets validate their own
   * sizes under their own names ({@code imageSize}, {@code blankLength (T)}, {@code streams (batch
   * size)}); their errors are given the config field the user wrote instead.
   */
  public TrainingData data(ExperimentConfig.Task task, long seed, DataType dataType) {
    try {
      return build(task, seed, dataType);
    } catch (IllegalArgumentException e) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      for (String[] name : DATA_SET_NAMES) {
        if (message.startsWith(name[0] + " ")) {
          throw new IllegalArgumentException(
              name[1] + message.substring(name[0].length()) + " (" + label() + ")", e);
        }
      }
      throw e;
    }
  }

  /** The data sets' names of sizes, and the config fields they come from. */
  private static final String[][] DATA_SET_NAMES = {
    {"imageSize", "task.sequenceLength"},
    {"blankLength (T)", "task.sequenceLength"},
    {"windowLength (T)", "task.sequenceLength"},
    {"streams (batch size)", "task.batchSize"},
  };

  abstract TrainingData build(ExperimentConfig.Task task, long seed, DataType dataType);

  /** Whether inputs are images (B, 1, S, S) rather than token sequences. */
  public boolean images() {
    return images;
  }

  /** The width of the cell's input x: one channel for images, the embedding for tokens. */
  public int inputWidth(ExperimentConfig.Model model) {
    return images ? 1 : model.embedding();
  }

  /**
   * The shape of x the cell receives for {@code batch} examples of length {@code length} (the image
   * side for images).
   */
  public Shape cellInputShape(long batch, long length, ExperimentConfig.Model model) {
    return images
        ? new Shape(batch, 1, length, length)
        : new Shape(batch, length, inputWidth(model));
  }

  /** The shape of one example as the model takes it (token ids, or an image), batch of one. */
  public Shape modelInputShape(long length) {
    return images ? new Shape(1, 1, length, length) : new Shape(1, length);
  }

  /**
   * The model around {@code cell}: an embedding and a decoder, a pooled classifier head, or the
   * equilibrium itself (targets).
   */
  public TaskModel model(Cell cell, int vocabulary, ExperimentConfig.Model spec) {
    return images
        ? new ImageModel(cell, vocabulary, spec.cell().featureWidth(spec))
        : new SequenceModel(cell, vocabulary, spec.embedding(), spec.hidden());
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

  @Override
  public String toString() {
    return label();
  }
}
