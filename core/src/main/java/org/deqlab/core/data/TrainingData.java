package org.deqlab.core.data;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * A task's data as the trainer needs it: endless training batches and fixed held-out batches,
 * created as tensors in the caller's manager.
 */
public interface TrainingData {
  /** Number of token ids (or classes for classification). */
  int vocabularySize();

  /** Whether the model predicts one label per example (images) rather than one per position. */
  boolean classification();

  /**
   * Whether the loss is a cross-entropy over tokens, reported also in bits per token (not for
   * classification, nor for a mean squared error).
   */
  default boolean reportsBits() {
    return !classification();
  }

  /** The training batch for 1-based {@code step} (deterministic given the seed). */
  Batch trainBatch(NDManager manager, int step);

  /** Fixed held-out batches of the given split. */
  List<Batch> evalBatches(NDManager manager, Split split);

  /** The loss a trivial predictor reaches, for judging progress (NaN when not defined). */
  double baselineLoss();

  /** A one-line description: dataset id, size, licence. */
  String describe();
}
