package org.deqlab.core.solver;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/**
 * One evaluated iterate of a solve, flattened to (batch, dim): the point {@code z}, its image
 * {@code f(z)} and the residual {@code g(z) = f(z) − z}. Evaluating every candidate through
 * {@link #evaluate} keeps the residual's definition in one place.
 */
record Iterate(NDArray z, NDArray fz, NDArray residual) {

  static Iterate evaluate(NDArray z, UnaryOperator<NDArray> f) {
    NDArray fz = f.apply(z);
    return new Iterate(z, fz, fz.sub(z));
  }

  void close() {
    z.close();
    fz.close();
    residual.close();
  }
}
