package org.deqlab.data;

import static org.deqlab.data.CopyMemoryTaskTest.assertMessageNames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BatchRecordsTest {

  @Test
  void tokenBatchFlattensRowMajor() {
    TokenBatch batch = new TokenBatch(new int[][] {{1, 2}, {3, 4}}, new int[][] {{5, 6}, {7, 8}});
    assertArrayEquals(new int[] {1, 2, 3, 4}, batch.flatInputs());
    assertArrayEquals(new int[] {5, 6, 7, 8}, batch.flatTargets());
    assertEquals(batch, new TokenBatch(new int[][] {{1, 2}, {3, 4}}, new int[][] {{5, 6}, {7, 8}}));
  }

  @Test
  void tokenBatchRejectsRaggedOrMismatchedShapes() {
    assertMessageNames(
        "inputs[1]", () -> new TokenBatch(new int[][] {{1, 2}, {3}}, new int[][] {{5, 6}, {7, 8}}));
    assertMessageNames(
        "targets", () -> new TokenBatch(new int[][] {{1, 2}}, new int[][] {{5, 6}, {7, 8}}));
  }

  @Test
  void imageBatchRejectsWrongPixelCountAndOutOfRangeLabels() {
    assertMessageNames("pixels", () -> new ImageBatch(new float[5], new int[] {0}, 1, 2, 2, 4));
    assertMessageNames("labels[0]", () -> new ImageBatch(new float[4], new int[] {4}, 1, 2, 2, 4));
  }

  @Test
  void datasetInfoRequiresEveryTextField() {
    assertMessageNames(
        "license", () -> new DatasetInfo("id", "d", 1, DatasetInfo.SizeUnit.EXAMPLES, " ", "s"));
    assertMessageNames(
        "size", () -> new DatasetInfo("id", "d", -1, DatasetInfo.SizeUnit.EXAMPLES, "l", "s"));
  }
}
