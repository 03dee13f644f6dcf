package org.deqlab.core.experiment;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.deqlab.core.text.Labels;

/** The floating-point type a run computes in: float32 for speed, float64 as the reference. */
public enum Precision {
  FLOAT32(DataType.FLOAT32),
  FLOAT64(DataType.FLOAT64);

  private final DataType dataType;

  Precision(DataType dataType) {
    this.dataType = dataType;
  }

  public DataType dataType() {
    return dataType;
  }

  @JsonValue
  public String label() {
    return Labels.of(this);
  }

  /** Parses {@code float32}/{@code float64} (also {@code f32}, {@code float}, {@code double}). */
  @JsonCreator
  public static Precision parse(String text) {
    String value = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
    return switch (value) {
      case "f32", "float" -> FLOAT32;
      case "f64", "double" -> FLOAT64;
      default -> Labels.parse(Precision.class, value);
    };
  }

  @Override
  public String toString() {
    return label();
  }
}
