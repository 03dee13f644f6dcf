package org.deqlab.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * The few autograd operations the implicit backward needs beyond DJL's public API, in one place.
 *
 * <p>Why not {@code GradientCollector}: only one may be open per process, and a DEQ step needs
 * several backward passes with custom upstream gradients (vector–Jacobian products). PyTorch's
 * gradient recording is thread-local and <em>on</em> in every new thread, so engine threads must
 * say explicitly whether they record: use {@link #recording} and {@link #noGrad}.
 */
public final class Autograd {
  static {
    DeqEngine.get(); // JniUtils needs the native library loaded
  }

  private Autograd() {}

  /** Whether operations on this thread currently record a graph. */
  public static boolean isRecording() {
    return JniUtils.isGradMode();
  }

  /** Sets recording for this thread (engine threads call this once when they start). */
  public static void setRecording(boolean on) {
    JniUtils.setGradMode(on);
  }

  /** Runs {@code body} with recording switched as asked, restoring the previous mode after. */
  public static <T> T recording(boolean on, Supplier<T> body) {
    boolean before = JniUtils.isGradMode();
    JniUtils.setGradMode(on);
    try {
      return body.get();
    } finally {
      JniUtils.setGradMode(before);
    }
  }

  /** Runs {@code body} without recording a graph. */
  public static <T> T noGrad(Supplier<T> body) {
    return recording(false, body);
  }

  /**
   * Back-propagates {@code cotangent} from {@code output}: every leaf that requires gradient
   * accumulates {@code cotangentᵀ ∂output/∂leaf}. With {@code keepGraph} the graph can be traversed
   * again (repeated vector–Jacobian products).
   */
  public static void backward(NDArray output, NDArray cotangent, boolean keepGraph) {
    JniUtils.backward(pt(output), pt(cotangent), keepGraph, false);
  }

  /** Back-propagates a scalar loss (upstream gradient 1). */
  public static void backward(NDArray scalarLoss, boolean keepGraph) {
    backward(scalarLoss, scalarLoss.onesLike(), keepGraph);
  }

  /**
   * A copy of the gradient accumulated on {@code leaf}, after which the leaf's gradient is zero.
   */
  public static NDArray takeGradient(NDArray leaf) {
    NDArray accumulated = leaf.getGradient();
    NDArray copy = accumulated.duplicate();
    accumulated.close();
    JniUtils.zeroGrad(pt(leaf));
    return copy;
  }

  /** {@code addend} plus the gradient accumulated on {@code leaf}, which is then zeroed. */
  public static NDArray takeGradientPlus(NDArray leaf, NDArray addend) {
    NDArray accumulated = leaf.getGradient();
    NDArray sum = accumulated.add(addend);
    accumulated.close();
    JniUtils.zeroGrad(pt(leaf));
    return sum;
  }

  /**
   * {@code factor · array}, safe to differentiate. Never use DJL's {@code mul(Number)} (nor {@code
   * div}, {@code pow}, {@code rdiv}, {@code maximum}, {@code minimum} with a number) on an array
   * that is differentiated: it wraps the number in a 0-d tensor over a Java direct buffer (no copy)
   * and closes the handle at once, while PyTorch's autograd keeps that tensor for the backward
   * pass. Once Java's garbage collector frees the buffer, the backward multiplies by whatever the
   * freed memory holds: measured, {@code x.mul(3.0)} back-propagated a gradient of 0 instead of 3
   * after a collection, 20 times out of 20. Here the factor gets storage of its own (a native
   * copy), in the array's dtype and on its device; the graph keeps that storage alive.
   */
  public static NDArray scaled(NDArray array, double factor) {
    NDManager manager = array.getManager();
    NDArray scalar;
    try (NDManager temporary = manager.newSubManager()) {
      NDArray wrapped =
          temporary
              .create(factor)
              .toType(array.getDataType(), false)
              .toDevice(array.getDevice(), false);
      scalar = wrapped.duplicate(); // a native copy: the Java buffer may go
      scalar.attach(manager);
    }
    return array.mul(scalar);
  }

  /** Zeroes the gradient accumulated on {@code leaf}. */
  public static void zeroGradient(NDArray leaf) {
    JniUtils.zeroGrad(pt(leaf));
  }

  private static PtNDArray pt(NDArray array) {
    if (array instanceof PtNDArray ptArray) {
      return ptArray;
    }
    throw new IllegalStateException(
        "DEQ Workbench's implicit differentiation needs DJL's PyTorch engine, but got an array of "
            + array.getClass().getName());
  }
}
