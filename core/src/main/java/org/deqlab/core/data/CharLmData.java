package org.deqlab.core.data;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.deqlab.core.train.Batch;
import org.deqlab.core.train.TrainingConfig;
import org.deqlab.core.train.TrainingData;
import org.deqlab.data.CharCorpus;
import org.deqlab.data.CorpusSplit;
import org.deqlab.data.TokenBatch;
import org.deqlab.data.TokenStreams;

/**
 * Character-level language modelling: the corpus batchified into B contiguous streams, windows of T
 * characters predicting the next character, cycled over the training split; the baseline is the
 * unigram entropy of the training text.
 */
final class CharLmData implements TrainingData {
  private final CharCorpus corpus;
  private final TokenStreams train;
  private final TokenStreams valid;
  private final TokenStreams test;
  private final int window;
  private final int evalBatches;

  CharLmData(CharCorpus corpus, TrainingConfig.Task config) {
    this.corpus = corpus;
    this.window = config.sequenceLength();
    this.train = corpus.batchify(CorpusSplit.TRAIN, config.batchSize());
    this.valid = corpus.batchify(CorpusSplit.VALID, config.batchSize());
    this.test = corpus.batchify(CorpusSplit.TEST, config.batchSize());
    this.evalBatches = config.evalBatches();
    if (train.windowCount(window) < 1) {
      throw new IllegalArgumentException(
          "task.sequenceLength " + window + " is longer than the training streams");
    }
  }

  @Override
  public int vocabularySize() {
    return corpus.vocabulary().size();
  }

  @Override
  public boolean classification() {
    return false;
  }

  @Override
  public Batch trainBatch(NDManager manager, int step) {
    return tensors(manager, train.window((step - 1) % fullWindows(train), window));
  }

  @Override
  public List<Batch> evalBatches(NDManager manager, String split) {
    TokenStreams streams = "test".equals(split) ? test : valid;
    int count = Math.min(evalBatches, fullWindows(streams));
    return java.util.stream.IntStream.range(0, count)
        .mapToObj(i -> tensors(manager, streams.window(i, window)))
        .toList();
  }

  /** Windows of the full length only (the last, shorter one would change the batch shape). */
  private int fullWindows(TokenStreams streams) {
    return Math.max(1, (streams.streamLength() - 1) / window);
  }

  private static Batch tensors(NDManager manager, TokenBatch batch) {
    Shape shape = new Shape(batch.batchSize(), batch.length());
    return new Batch(
        manager.create(batch.flatInputs(), shape), manager.create(batch.flatTargets(), shape), 0);
  }

  @Override
  public double baselineLoss() {
    return corpus.unigramEntropyBits() * Math.log(2);
  }

  @Override
  public String describe() {
    return corpus.info().summary();
  }
}
