package org.deqlab.core.data;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.deqlab.data.ImageBatch;
import org.deqlab.data.ShapesTask;

/**
 * The procedurally drawn shapes (circle, square, triangle, cross) as image batches for the conv
 * cell.
 */
public final class ShapesData implements TrainingData {
  private final ShapesTask task;
  private final ImageBatch train;
  private final ImageBatch test;
  private final int batchSize;
  private final int evalBatches;
  private final DataType dataType;

  /**
   * @param task the generated shapes
   * @param batchSize images per batch
   * @param evalBatches held-out batches per evaluation
   * @param dataType the images' dtype (the model's)
   */
  public ShapesData(ShapesTask task, int batchSize, int evalBatches, DataType dataType) {
    this.task = task;
    this.train = task.train();
    this.test = task.test();
    this.batchSize = batchSize;
    this.evalBatches = evalBatches;
    this.dataType = dataType;
  }

  @Override
  public int vocabularySize() {
    return ShapesTask.CLASS_COUNT;
  }

  @Override
  public boolean classification() {
    return true;
  }

  @Override
  public Batch trainBatch(NDManager manager, int step) {
    int batches = Math.max(1, train.count() / batchSize);
    int from = ((step - 1) % batches) * batchSize;
    return tensors(manager, train.slice(from, Math.min(train.count(), from + batchSize)));
  }

  @Override
  public List<Batch> evalBatches(NDManager manager, Split split) {
    int count = Math.min(evalBatches, Math.max(1, test.count() / batchSize));
    return java.util.stream.IntStream.range(0, count)
        .mapToObj(
            i ->
                tensors(
                    manager,
                    test.slice(i * batchSize, Math.min(test.count(), (i + 1) * batchSize))))
        .toList();
  }

  private Batch tensors(NDManager manager, ImageBatch batch) {
    return new Batch(
        manager.create(batch.pixels(), new Shape(batch.shape())).toType(dataType, false),
        manager.create(batch.labels(), new Shape(batch.count())),
        0);
  }

  @Override
  public double baselineLoss() {
    return Math.log(ShapesTask.CLASS_COUNT);
  }

  @Override
  public String describe() {
    return task.info().summary();
  }
}
