package org.deqlab.core.experiment;

import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.deqlab.core.text.Labelled;

/** The floating-point type a run computes in: float32 for speed, float64 as the reference. */
public enum Precision implements Labelled {
  FLOAT32(DataType.FLOAT32, "f32", "float"),
  FLOAT64(DataType.FLOAT64, "f64", "double");

  private final DataType dataType;
  private final List<String> aliases;

  Precision(DataType dataType, String... aliases) {
    this.dataType = dataType;
    this.aliases = List.of(aliases);
  }

  @Override
  public List<String> aliases() {
    return aliases;
  }

  /** The precision of arrays of {@code type}. */
  public static Precision of(DataType type) {
    for (Precision precision : values()) {
      if (precision.dataType == type) {
        return precision;
      }
    }
    throw new IllegalArgumentException("no float precision for " + type);
  }

  public DataType dataType() {
    return dataType;
  }

  @Override
  public String toString() {
    return label();
  }
}
