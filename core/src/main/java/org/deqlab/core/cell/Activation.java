package org.deqlab.core.cell;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

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
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Activation parse(String text) {
    for (Activation a : values()) {
      if (a.name().equalsIgnoreCase(text)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "activation must be tanh, relu or identity, got '" + text + "'");
  }
}
