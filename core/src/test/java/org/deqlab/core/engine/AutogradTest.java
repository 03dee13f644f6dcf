package org.deqlab.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.Test;

/**
 * A scaled array back-propagates its factor even when Java's garbage collector runs between the
 * forward and the backward pass (DJL's {@code mul(Number)} does not: its factor lives in a Java
 * buffer the collector frees; measured, the gradient came out 0 instead of 3).
 */
class AutogradTest extends EngineTest {

  /** Collects garbage, then fills small freed blocks with NaN; keep the result until backward. */
  private static List<ByteBuffer> collectAndReuse() throws InterruptedException {
    System.gc();
    Thread.sleep(5);
    List<ByteBuffer> reused = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
      buffer.putDouble(0, Double.NaN);
      reused.add(buffer);
    }
    return reused;
  }

  @Test
  void scaledKeepsItsFactorForTheBackwardPassThroughAGarbageCollection() throws Exception {
    for (DataType dataType : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
      for (int trial = 0; trial < 5; trial++) {
        try (NDManager scope = manager.newSubManager()) {
          NDArray x = scope.create(new float[] {1, 2, 3, 4}).toType(dataType, false);
          x.setRequiresGradient(true);
          NDArray y = Autograd.recording(true, () -> Autograd.scaled(x, 0.3).sum());
          assertEquals(dataType, y.getDataType());
          List<ByteBuffer> reused = collectAndReuse();
          Autograd.backward(y, false);
          double[] gradient = x.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
          double expected = dataType == DataType.FLOAT64 ? 0.3 : (double) 0.3f;
          assertArrayEquals(
              new double[] {expected, expected, expected, expected},
              gradient,
              0.0,
              dataType + ", trial " + trial);
          reused.clear();
        }
      }
    }
  }
}
