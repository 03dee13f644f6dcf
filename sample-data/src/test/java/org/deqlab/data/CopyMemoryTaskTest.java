package org.deqlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CopyMemoryTaskTest {

  private static final int MEMORY = CopyMemoryTask.MEMORY_LENGTH;

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 100})
  void everySequenceFollowsTheTcnDefinition(int blankLength) {
    TokenBatch batch = new CopyMemoryTask(blankLength, 64, 8, 42L).train();
    int length = blankLength + 20;
    assertEquals(64, batch.batchSize());
    assertEquals(length, batch.length());
    for (int b = 0; b < batch.batchSize(); b++) {
      int[] input = batch.inputs()[b];
      int[] target = batch.targets()[b];
      for (int t = 0; t < MEMORY; t++) {
        assertTrue(input[t] >= 1 && input[t] <= 8, "memorised symbol in 1..8 at t=" + t);
      }
      for (int t = MEMORY; t < MEMORY + blankLength - 1; t++) {
        assertEquals(CopyMemoryTask.BLANK, input[t], "T−1 blanks after the symbols, t=" + t);
      }
      for (int t = MEMORY + blankLength - 1; t < length; t++) {
        assertEquals(CopyMemoryTask.DELIMITER, input[t], "11 trailing markers, t=" + t);
      }
      for (int t = 0; t < blankLength + MEMORY; t++) {
        assertEquals(CopyMemoryTask.BLANK, target[t], "target blank before recall, t=" + t);
      }
      assertArrayEquals(
          Arrays.copyOfRange(input, 0, MEMORY),
          Arrays.copyOfRange(target, length - MEMORY, length),
          "the last 10 targets repeat the first 10 inputs");
    }
  }

  @Test
  void sameSeedGivesSameDataAndDifferentSeedsDiffer() {
    CopyMemoryTask task = new CopyMemoryTask(30, 50, 20, 7L);
    assertEquals(task.train(), new CopyMemoryTask(30, 50, 20, 7L).train());
    assertEquals(task.test(), new CopyMemoryTask(30, 50, 20, 7L).test());
    assertNotEquals(task.train(), new CopyMemoryTask(30, 50, 20, 8L).train());
    assertNotEquals(
        Arrays.deepToString(task.train().inputs()),
        Arrays.deepToString(Arrays.copyOf(task.test().inputs(), 50)),
        "train and test come from different streams");
  }

  @Test
  void testSetDoesNotDependOnTrainingSetSize() {
    assertEquals(
        new CopyMemoryTask(12, 10, 30, 3L).test(), new CopyMemoryTask(12, 500, 30, 3L).test());
  }

  @Test
  void symbolsCoverAllEightValuesRoughlyUniformly() {
    TokenBatch batch = new CopyMemoryTask(1, 4000, 1, 1L).train();
    int[] counts = new int[CopyMemoryTask.VOCABULARY_SIZE];
    for (int[] input : batch.inputs()) {
      for (int t = 0; t < MEMORY; t++) {
        counts[input[t]]++;
      }
    }
    double expected = 4000.0 * MEMORY / 8;
    for (int symbol = 1; symbol <= 8; symbol++) {
      assertEquals(expected, counts[symbol], 0.05 * expected, "count of symbol " + symbol);
    }
  }

  @Test
  void trainBatchesPartitionTheTrainingSetInOrder() {
    CopyMemoryTask task = new CopyMemoryTask(5, 10, 1, 0L);
    List<TokenBatch> batches = task.trainBatches(4);
    assertEquals(List.of(4, 4, 2), batches.stream().map(TokenBatch::batchSize).toList());
    assertArrayEquals(task.train().inputs()[9], batches.get(2).inputs()[1]);
  }

  @Test
  void sampleDrawsFreshSequencesFromTheGivenStream() {
    CopyMemoryTask task = new CopyMemoryTask(5, 1, 1, 0L);
    SplittableRandom random = new SplittableRandom(11);
    TokenBatch first = task.sample(16, random);
    TokenBatch second = task.sample(16, random);
    assertNotEquals(first, second);
    assertEquals(first, task.sample(16, new SplittableRandom(11)));
  }

  @Test
  void trivialBaselineIsTenLnEightOverSequenceLength() {
    assertEquals(
        10 * Math.log(8) / 120, new CopyMemoryTask(100, 1, 1, 0).trivialBaselineLoss(), 1e-15);
    assertEquals(10 * Math.log(8) / 21, CopyMemoryTask.trivialBaselineLoss(1), 1e-15);
  }

  @Test
  void trivialBaselineEqualsCrossEntropyOfTheBlankThenUniformPredictor() {
    CopyMemoryTask task = new CopyMemoryTask(17, 8, 1, 5L);
    TokenBatch batch = task.train();
    double total = 0;
    for (int[] target : batch.targets()) {
      for (int t = 0; t < target.length; t++) {
        boolean recall = t >= target.length - MEMORY;
        // Predictor: P(blank)=1 before the recall window, P(symbol)=1/8 inside it.
        double p =
            recall ? (target[t] >= 1 && target[t] <= 8 ? 1.0 / 8 : 0) : (target[t] == 0 ? 1 : 0);
        total += -Math.log(p);
      }
    }
    double mean = total / (batch.batchSize() * batch.length());
    assertEquals(task.trivialBaselineLoss(), mean, 1e-12);
  }

  @Test
  void invalidSettingsAreRejectedNamingTheField() {
    assertMessageNames("blankLength", () -> new CopyMemoryTask(0, 1, 1, 0));
    assertMessageNames("trainExamples", () -> new CopyMemoryTask(5, 0, 1, 0));
    assertMessageNames("testExamples", () -> new CopyMemoryTask(5, 1, -3, 0));
    assertMessageNames("batchSize", () -> new CopyMemoryTask(5, 1, 1, 0).trainBatches(0));
    assertMessageNames("examples", () -> new CopyMemoryTask(5, 1, 1, 0).sample(0, null));
  }

  @Test
  void infoDescribesTheTaskAndItsSize() {
    DatasetInfo info = new CopyMemoryTask(100, 300, 40, 0).info();
    assertEquals("copy-memory-T100", info.id());
    assertEquals(340, info.size());
    assertEquals(DatasetInfo.SizeUnit.EXAMPLES, info.sizeUnit());
    assertTrue(info.source().contains("TCN"));
  }

  static void assertMessageNames(String field, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, call);
    assertTrue(
        error.getMessage().contains(field),
        "message should name " + field + ": " + error.getMessage());
  }
}
