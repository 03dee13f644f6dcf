package org.deqlab.core.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.deqlab.core.testing.Dense;
import org.deqlab.core.testing.EngineTest;
import org.deqlab.core.testing.GradientCheck;
import org.deqlab.core.text.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every convolution path computes the same convolution: causal and dilated over time, "same" over
 * images, with and without bias, for channel counts on both sides of 16 — against the engine's
 * kernel in float64 (whose results are right). And the choice {@code auto} makes.
 */
class ConvolutionsTest extends EngineTest {

  private NDArray gaussian(Shape shape, long seed) {
    return GradientCheck.gaussian(manager, shape, 1, new Random(seed));
  }

  @ParameterizedTest
  @EnumSource(ConvolutionPath.class)
  void everyPathComputesTheCausalDilatedConvolutionOverTime(ConvolutionPath path) {
    for (int outChannels : new int[] {5, 16, 20}) {
      for (int taps : new int[] {1, 2, 3}) {
        NDArray x = gaussian(new Shape(3, 4, 11), 1);
        NDArray w = gaussian(new Shape(outChannels, 4, taps), 2);
        NDArray b = gaussian(new Shape(outChannels), 3);
        double[] expected =
            Convolutions.causal1d(x, w, b, 2, ConvolutionPath.NATIVE).toDoubleArray();
        NDArray single =
            Convolutions.causal1d(
                x.toType(DataType.FLOAT32, false),
                w.toType(DataType.FLOAT32, false),
                b.toType(DataType.FLOAT32, false),
                2,
                path);
        assertEquals(new Shape(3, outChannels, 11), single.getShape());
        double error =
            Dense.relativeError(single.toType(DataType.FLOAT64, false).toDoubleArray(), expected);
        assertTrue(error < 1e-6, path + ", C_out " + outChannels + ", k " + taps + ": " + error);
        double[] withoutBias = Convolutions.causal1d(x, w, null, 2, path).toDoubleArray();
        double[] nativeWithoutBias =
            Convolutions.causal1d(x, w, null, 2, ConvolutionPath.NATIVE).toDoubleArray();
        assertTrue(Dense.relativeError(withoutBias, nativeWithoutBias) < 1e-12);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ConvolutionPath.class)
  void everyPathComputesTheSameConvolutionOverImages(ConvolutionPath path) {
    for (int outChannels : new int[] {3, 16, 24}) {
      for (int size : new int[] {1, 3, 5}) {
        NDArray x = gaussian(new Shape(2, 3, 6, 5), 4);
        NDArray w = gaussian(new Shape(outChannels, 3, size, size), 5);
        NDArray b = gaussian(new Shape(outChannels), 6);
        double[] expected = Convolutions.same2d(x, w, b, ConvolutionPath.NATIVE).toDoubleArray();
        NDArray single =
            Convolutions.same2d(
                x.toType(DataType.FLOAT32, false),
                w.toType(DataType.FLOAT32, false),
                b.toType(DataType.FLOAT32, false),
                path);
        assertEquals(new Shape(2, outChannels, 6, 5), single.getShape());
        double error =
            Dense.relativeError(single.toType(DataType.FLOAT64, false).toDoubleArray(), expected);
        assertTrue(error < 1e-6, path + ", C_out " + outChannels + ", k " + size + ": " + error);
      }
    }
  }

  @Test
  void autoAvoidsTheKernelOnlyWhereItsFloat32GradientIsKnownWrong() {
    Device cpu = Device.cpu();
    ConvolutionPath auto = ConvolutionPath.AUTO;
    assertEquals(ConvolutionPath.UNFOLDED, auto.resolve(cpu, DataType.FLOAT32, 8, 1));
    assertEquals(ConvolutionPath.PADDED, auto.resolve(cpu, DataType.FLOAT32, 8, 2));
    assertEquals(ConvolutionPath.NATIVE, auto.resolve(cpu, DataType.FLOAT32, 48, 1));
    assertEquals(ConvolutionPath.NATIVE, auto.resolve(cpu, DataType.FLOAT64, 8, 2));
    assertEquals(ConvolutionPath.NATIVE, auto.resolve(Device.gpu(), DataType.FLOAT32, 8, 2));
    assertEquals(
        ConvolutionPath.PADDED, ConvolutionPath.PADDED.resolve(cpu, DataType.FLOAT64, 48, 2));
    assertEquals(ConvolutionPath.UNFOLDED, Labels.parse(ConvolutionPath.class, "Unfolded"));
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class, () -> Labels.parse(ConvolutionPath.class, "fast"));
    assertTrue(bad.getMessage().contains("auto, native, padded, unfolded"), bad.getMessage());
  }
}
