package org.deqlab.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A token sequence cut into {@code streams} contiguous, equally long rows, the way the DEQ and
 * Transformer-XL language-model code "batchifies" a corpus: row b holds tokens {@code [b·L,
 * (b+1)·L)} of the original sequence, where {@code L = ⌊N / streams⌋} and the last {@code N mod
 * streams} tokens are dropped. Walking the rows window by window keeps each row's text continuous
 * from one minibatch to the next, which is what lets a model carry memory across windows.
 *
 * <p>Window i covers positions {@code [i·T, i·T + len)} of every row with {@code len = min(T, L − 1
 * − i·T)}; its targets are the same positions shifted by one. As in the reference iterator, the
 * final window may therefore be shorter than {@code T}.
 */
public final class TokenStreams {

  private final int[][] rows;

  private TokenStreams(int[][] rows) {
    this.rows = rows;
  }

  /**
   * Splits {@code tokens} into {@code streams} contiguous rows.
   *
   * @throws IllegalArgumentException if {@code streams < 1} or the rows would hold fewer than 2
   *     tokens (then no input/target pair exists)
   */
  public static TokenStreams batchify(int[] tokens, int streams) {
    if (tokens == null) {
      throw new IllegalArgumentException("tokens must be a non-null array");
    }
    if (streams < 1) {
      throw new IllegalArgumentException("streams (batch size) must be at least 1, got " + streams);
    }
    int length = tokens.length / streams;
    if (length < 2) {
      throw new IllegalArgumentException(
          "streams (batch size) must be at most "
              + tokens.length / 2
              + " for "
              + tokens.length
              + " tokens so that every stream holds at least 2 tokens, got "
              + streams);
    }
    int[][] rows = new int[streams][length];
    for (int b = 0; b < streams; b++) {
      System.arraycopy(tokens, b * length, rows[b], 0, length);
    }
    return new TokenStreams(rows);
  }

  /** Number of parallel rows (the batch size B). */
  public int streams() {
    return rows.length;
  }

  /** Tokens per row, L. */
  public int streamLength() {
    return rows[0].length;
  }

  /** Row {@code b}, a copy. */
  public int[] stream(int b) {
    if (b < 0 || b >= rows.length) {
      throw new IllegalArgumentException("b must be in [0, " + rows.length + "), got " + b);
    }
    return rows[b].clone();
  }

  /** How many windows of length {@code windowLength} cover the rows: {@code ⌈(L − 1) / T⌉}. */
  public int windowCount(int windowLength) {
    requireWindowLength(windowLength);
    return (streamLength() - 1 + windowLength - 1) / windowLength;
  }

  /**
   * Window {@code index} of length {@code windowLength} (the last one possibly shorter): inputs are
   * positions {@code [i·T, i·T + len)} of every row and targets the next token at each position.
   */
  public TokenBatch window(int index, int windowLength) {
    int count = windowCount(windowLength);
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException(
          "index must be in [0, "
              + count
              + ") for windowLength "
              + windowLength
              + ", got "
              + index);
    }
    int start = index * windowLength;
    int length = Math.min(windowLength, streamLength() - 1 - start);
    int[][] inputs = new int[rows.length][length];
    int[][] targets = new int[rows.length][length];
    for (int b = 0; b < rows.length; b++) {
      System.arraycopy(rows[b], start, inputs[b], 0, length);
      System.arraycopy(rows[b], start + 1, targets[b], 0, length);
    }
    return new TokenBatch(inputs, targets);
  }

  /** Every window of length {@code windowLength}, in order: one pass (epoch) over the rows. */
  public List<TokenBatch> windows(int windowLength) {
    int count = windowCount(windowLength);
    List<TokenBatch> windows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      windows.add(window(i, windowLength));
    }
    return windows;
  }

  private static void requireWindowLength(int windowLength) {
    if (windowLength < 1) {
      throw new IllegalArgumentException(
          "windowLength (T) must be at least 1, got " + windowLength);
    }
  }

  @Override
  public String toString() {
    return "TokenStreams[streams=" + streams() + ", streamLength=" + streamLength() + "]";
  }
}
