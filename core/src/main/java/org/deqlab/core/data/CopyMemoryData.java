package org.deqlab.core.data;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.deqlab.data.CopyMemoryTask;
import org.deqlab.data.TokenBatch;

/**
 * Copy memory as in the TCN and DEQ papers: a fixed training set cycled in batches, the loss over
 * all T+20 positions, accuracy over the 10 recalled symbols.
 */
public final class CopyMemoryData implements TrainingData {
  private final CopyMemoryTask task;
  private final List<TokenBatch> train;
  private final List<TokenBatch> test;
  private final int evalBatches;

  /**
   * @param task the generated task
   * @param batchSize examples per batch
   * @param evalBatches held-out batches per evaluation
   */
  public CopyMemoryData(CopyMemoryTask task, int batchSize, int evalBatches) {
    this.task = task;
    this.train = task.trainBatches(batchSize);
    this.test = batches(task.test(), batchSize);
    this.evalBatches = evalBatches;
  }

  private static List<TokenBatch> batches(TokenBatch all, int size) {
    int count = all.batchSize() / size;
    return java.util.stream.IntStream.range(0, Math.max(1, count))
        .mapToObj(
            i ->
                new TokenBatch(
                    java.util.Arrays.copyOfRange(
                        all.inputs(), i * size, Math.min(all.batchSize(), (i + 1) * size)),
                    java.util.Arrays.copyOfRange(
                        all.targets(), i * size, Math.min(all.batchSize(), (i + 1) * size))))
        .toList();
  }

  @Override
  public int vocabularySize() {
    return CopyMemoryTask.VOCABULARY_SIZE;
  }

  @Override
  public boolean classification() {
    return false;
  }

  @Override
  public Batch trainBatch(NDManager manager, int step) {
    return tensors(manager, train.get((step - 1) % train.size()));
  }

  @Override
  public List<Batch> evalBatches(NDManager manager, Split split) {
    return test.subList(0, Math.min(evalBatches, test.size())).stream()
        .map(batch -> tensors(manager, batch))
        .toList();
  }

  private Batch tensors(NDManager manager, TokenBatch batch) {
    Shape shape = new Shape(batch.batchSize(), batch.length());
    return new Batch(
        manager.create(batch.flatInputs(), shape),
        manager.create(batch.flatTargets(), shape),
        task.sequenceLength() - CopyMemoryTask.MEMORY_LENGTH);
  }

  @Override
  public double baselineLoss() {
    return task.trivialBaselineLoss();
  }

  @Override
  public String describe() {
    return task.info().summary();
  }
}
