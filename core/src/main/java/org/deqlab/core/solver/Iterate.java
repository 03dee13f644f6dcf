package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/**
 * One evaluated iterate of a solve, in the state's own shape: the point {@code z} and its image
 * {@code f(z)}. The residual {@code g(z) = f(z) − z} is formed by the update rule where it needs it
 * (often straight into a history buffer), so the loop never allocates one it does not use.
 */
record Iterate(NDArray z, NDArray fz) {

  static Iterate evaluate(NDArray z, UnaryOperator<NDArray> f) {
    return new Iterate(z, f.apply(z));
  }
}
