package org.deqlab.core.data;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.deqlab.data.CharCorpus;
import org.deqlab.data.CorpusSplit;
import org.deqlab.data.TokenBatch;
import org.deqlab.data.TokenStreams;

/**
 * Character-level language modelling: the corpus batchified into B contiguous streams, windows of T
 * characters predicting the next character, cycled over the training split; the baseline is the
 * unigram entropy of the training text.
 */
public final class CharLmData implements TrainingData {
  private final CharCorpus corpus;
  private final TokenStreams train;
  private final TokenStreams valid;
  private final TokenStreams test;
  private final int window;
  private final int evalBatches;

  /**
   * @param corpus the character corpus
   * @param window T, characters per training window
   * @param batchSize parallel streams per batch
   * @param evalBatches held-out windows per evaluation
   */
  public CharLmData(CharCorpus corpus, int window, int batchSize, int evalBatches) {
    this.corpus = corpus;
    this.window = window;
    this.train = corpus.batchify(CorpusSplit.TRAIN, batchSize);
    this.valid = corpus.batchify(CorpusSplit.VALID, batchSize);
    this.test = corpus.batchify(CorpusSplit.TEST, batchSize);
    this.evalBatches = evalBatches;
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
  public List<Batch> evalBatches(NDManager manager, Split split) {
    TokenStreams streams = split == Split.TEST ? test : valid;
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
