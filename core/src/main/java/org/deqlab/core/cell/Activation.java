package org.deqlab.core.cell;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.deqlab.core.text.Labels;

/**
 * Pointwise nonlinearities a cell may use; tanh keeps a DEQ state bounded, which is why it is the
 * default.
 */
public enum Activation {
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

  @JsonValue
  public String label() {
    return Labels.of(this);
  }

  @JsonCreator
  public static Activation parse(String text) {
    return Labels.parse(Activation.class, text);
  }
}
