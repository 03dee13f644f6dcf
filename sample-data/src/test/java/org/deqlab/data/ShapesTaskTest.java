package org.deqlab.data;

import static org.deqlab.data.CopyMemoryTaskTest.assertMessageNames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapesTaskTest {

  private static final ShapesTask TASK = new ShapesTask(16, 200, 42, 0.1, 9L);

  @Test
  void arraysHaveNchwSizeAndOneLabelPerImage() {
    ImageBatch train = TASK.train();
    assertEquals(200, train.count());
    assertEquals(200 * 16 * 16, train.pixels().length);
    assertArrayEquals(new long[] {200, 1, 16, 16}, train.shape());
    assertEquals(42, TASK.test().count());
  }

  @Test
  void sameSeedGivesIdenticalImagesAndDifferentSeedsDiffer() {
    assertEquals(TASK.train(), new ShapesTask(16, 200, 42, 0.1, 9L).train());
    assertEquals(TASK.test(), new ShapesTask(16, 200, 42, 0.1, 9L).test());
    assertNotEquals(TASK.train(), new ShapesTask(16, 200, 42, 0.1, 10L).train());
  }

  @Test
  void labelsAreBalancedAcrossTheFourClasses() {
    assertArrayEquals(new int[] {50, 50, 50, 50}, TASK.train().labelCounts());
    int[] test = TASK.test().labelCounts(); // 42 = 4·10 + 2
    for (int count : test) {
      assertTrue(count == 10 || count == 11, "class count " + count);
    }
  }

  @Test
  void labelsAreShuffledNotInBlockOrder() {
    int[] labels = TASK.train().labels();
    int repeatsOfCyclicOrder = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == i % ShapesTask.CLASS_COUNT) {
        repeatsOfCyclicOrder++;
      }
    }
    assertTrue(repeatsOfCyclicOrder < 100, "labels look unshuffled: " + repeatsOfCyclicOrder);
  }

  @Test
  void pixelsStayInUnitRangeAndShapesAreVisible() {
    ImageBatch train = TASK.train();
    for (float value : train.pixels()) {
      assertTrue(value >= 0 && value <= 1, "pixel " + value);
    }
    int per = train.pixelsPerImage();
    for (int i = 0; i < train.count(); i++) {
      int bright = 0;
      for (int p = i * per; p < (i + 1) * per; p++) {
        if (train.pixels()[p] > 0.5f) {
          bright++;
        }
      }
      assertTrue(bright >= 8, "image " + i + " should show a shape, bright pixels: " + bright);
    }
  }

  @Test
  void noiselessShapesOfEachClassHaveTheirCharacteristicArea() {
    // Without noise, mean ink per image (area × brightness) orders the classes:
    // square (4r²) > circle (πr²) > triangle (2r²), and cross (20r²/9 ≈ 2.2r²) is near triangle.
    ImageBatch batch = new ShapesTask(28, 400, 1, 0.0, 3L).train();
    double[] ink = new double[ShapesTask.CLASS_COUNT];
    int per = batch.pixelsPerImage();
    for (int i = 0; i < batch.count(); i++) {
      for (int p = i * per; p < (i + 1) * per; p++) {
        ink[batch.labels()[i]] += batch.pixels()[p];
      }
    }
    int circle = ShapesTask.Shape.CIRCLE.label();
    int square = ShapesTask.Shape.SQUARE.label();
    int triangle = ShapesTask.Shape.TRIANGLE.label();
    assertTrue(ink[square] > ink[circle], "square has more ink than circle");
    assertTrue(ink[circle] > ink[triangle], "circle has more ink than triangle");
    assertEquals(4.0 / Math.PI, ink[square] / ink[circle], 0.15);
  }

  @Test
  void sliceCopiesTheRequestedImages() {
    ImageBatch train = TASK.train();
    ImageBatch slice = train.slice(10, 14);
    assertEquals(4, slice.count());
    assertEquals(train.labels()[12], slice.labels()[2]);
    assertEquals(train.pixels()[11 * 256 + 37], slice.pixels()[256 + 37]);
  }

  @Test
  void invalidSettingsAreRejectedNamingTheField() {
    assertMessageNames("imageSize", () -> new ShapesTask(4, 10, 10, 0.1, 0));
    assertMessageNames("trainExamples", () -> new ShapesTask(16, 0, 10, 0.1, 0));
    assertMessageNames("testExamples", () -> new ShapesTask(16, 10, 0, 0.1, 0));
    assertMessageNames("noise", () -> new ShapesTask(16, 10, 10, Double.NaN, 0));
    assertMessageNames("noise", () -> new ShapesTask(16, 10, 10, -0.5, 0));
  }

  @Test
  void infoReportsExampleCountOfBothSplits() {
    DatasetInfo info = TASK.info();
    assertEquals(242, info.size());
    assertEquals(DatasetInfo.SizeUnit.EXAMPLES, info.sizeUnit());
    assertEquals("shapes-16px", info.id());
  }
}
