package org.deqlab.core.cell;

import ai.djl.ndarray.NDArray;
import org.deqlab.core.text.Labelled;

/**
 * Pointwise nonlinearities a cell may use; tanh keeps a DEQ state bounded, which is why it is the
 * default.
 */
public enum Activation implements Labelled {
  TANH,
  RELU,
  IDENTITY;

  public NDArray apply(NDArray x) {
    return switch (this) {
      case TANH -> x.tanh();
      case RELU -> ai.djl.nn.Activation.relu(x);
      case IDENTITY -> x;
    };
  }
}
