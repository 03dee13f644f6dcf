package org.deqlab.data;

import java.util.Arrays;

/**
 * A batch of integer token sequences and the sequences a model should predict from them, both
 * shaped {@code [batch][length]}. Sequence tasks (copy memory, character language modelling) hand
 * these to the trainer, which turns them into tensors; keeping them as plain arrays keeps this
 * module free of any tensor library.
 *
 * <p>The arrays are handed over, not copied: neither the producer nor the consumer should modify
 * them afterwards.
 *
 * @param inputs token ids fed to the model, {@code inputs[b][t]}
 * @param targets token ids expected at each position, same shape as {@code inputs}
 */
public record TokenBatch(int[][] inputs, int[][] targets) {

  public TokenBatch {
    if (inputs == null || targets == null) {
      throw new IllegalArgumentException("inputs and targets must both be non-null arrays");
    }
    if (inputs.length < 1) {
      throw new IllegalArgumentException("inputs must hold at least 1 sequence, got 0");
    }
    if (targets.length != inputs.length) {
      throw new IllegalArgumentException(
          "targets must hold as many sequences as inputs ("
              + inputs.length
              + "), got "
              + targets.length);
    }
    int length = inputs[0] == null ? 0 : inputs[0].length;
    if (length < 1) {
      throw new IllegalArgumentException("inputs[0] must hold at least 1 token, got " + length);
    }
    for (int b = 0; b < inputs.length; b++) {
      requireLength(inputs[b], length, "inputs[" + b + "]");
      requireLength(targets[b], length, "targets[" + b + "]");
    }
  }

  /** Number of sequences in the batch. */
  public int batchSize() {
    return inputs.length;
  }

  /** Number of positions in every sequence. */
  public int length() {
    return inputs[0].length;
  }

  /** {@code inputs} flattened row-major (sequence after sequence), ready for a tensor factory. */
  public int[] flatInputs() {
    return flatten(inputs);
  }

  /** {@code targets} flattened row-major, ready for a tensor factory. */
  public int[] flatTargets() {
    return flatten(targets);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TokenBatch that
        && Arrays.deepEquals(inputs, that.inputs)
        && Arrays.deepEquals(targets, that.targets);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.deepHashCode(inputs) + Arrays.deepHashCode(targets);
  }

  @Override
  public String toString() {
    return "TokenBatch[batchSize=" + batchSize() + ", length=" + length() + "]";
  }

  private static void requireLength(int[] row, int length, String field) {
    if (row == null || row.length != length) {
      throw new IllegalArgumentException(
          field
              + " must hold "
              + length
              + " tokens like inputs[0], got "
              + (row == null ? "null" : row.length));
    }
  }

  private static int[] flatten(int[][] rows) {
    int length = rows[0].length;
    int[] flat = new int[rows.length * length];
    for (int b = 0; b < rows.length; b++) {
      System.arraycopy(rows[b], 0, flat, b * length, length);
    }
    return flat;
  }
}
