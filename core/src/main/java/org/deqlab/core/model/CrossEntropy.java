package org.deqlab.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.deqlab.core.engine.Autograd;

/**
 * Softmax cross-entropy over the last axis and the accuracy of the arg-max, shared by every model.
 */
final class CrossEntropy {
  private CrossEntropy() {}

  /** Mean negative log-likelihood of {@code targets} (int ids) under {@code logits}. */
  static NDArray loss(NDArray logits, NDArray targets) {
    int classes = (int) logits.getShape().get(logits.getShape().dimension() - 1);
    NDArray oneHot =
        targets.toType(DataType.INT32, false).oneHot(classes).toType(logits.getDataType(), false);
    return logits.logSoftmax(-1).mul(oneHot).sum(new int[] {-1}).mean().neg();
  }

  /**
   * Correct predictions among the scored positions: along the sequence axis (axis 1 of a (B, T)
   * target) only positions from {@code scoredFrom} on count.
   */
  static long[] correctAndScored(NDArray logits, NDArray targets, int scoredFrom) {
    return Autograd.noGrad(
        () -> {
          NDArray predicted = logits.argMax(-1).toType(DataType.INT32, false);
          NDArray truth = targets.toType(DataType.INT32, false);
          if (truth.getShape().dimension() == 2 && scoredFrom > 0) {
            NDIndex scored =
                new NDIndex().addAllDim().addSliceDim(scoredFrom, truth.getShape().get(1));
            predicted = predicted.get(scored);
            truth = truth.get(scored);
          }
          long correct = predicted.eq(truth).sum().toType(DataType.INT64, false).getLong();
          return new long[] {correct, truth.size()};
        });
  }
}
