package org.deqlab.data;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * The mapping between characters (Unicode code points) and the integer ids a character-level model
 * sees. It is built from the training text alone, sorted by code point so that the same text always
 * yields the same ids on every machine; id {@value #UNKNOWN_ID} is reserved for characters that did
 * not occur in training (they appear in validation or test text of real corpora).
 */
public final class CharVocabulary {

  /** Id of every character absent from the training text. */
  public static final int UNKNOWN_ID = 0;

  /** What {@link #decode} writes for {@link #UNKNOWN_ID}: U+FFFD REPLACEMENT CHARACTER. */
  public static final int UNKNOWN_SYMBOL = 0xFFFD;

  /** Known code points in ascending order; code point {@code codePoints[i]} has id {@code i+1}. */
  private final int[] codePoints;

  private CharVocabulary(int[] codePoints) {
    this.codePoints = codePoints;
  }

  /** The vocabulary of every distinct code point in {@code trainingText}. */
  public static CharVocabulary fromText(String trainingText) {
    if (trainingText == null || trainingText.isEmpty()) {
      throw new IllegalArgumentException(
          "trainingText must contain at least one character to build a vocabulary from");
    }
    TreeSet<Integer> distinct = new TreeSet<>();
    trainingText.codePoints().forEach(distinct::add);
    return new CharVocabulary(distinct.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Number of ids, including {@link #UNKNOWN_ID}: the model's input and output size. */
  public int size() {
    return codePoints.length + 1;
  }

  /** The id of {@code codePoint}, or {@link #UNKNOWN_ID} when training text never contained it. */
  public int idOf(int codePoint) {
    int index = Arrays.binarySearch(codePoints, codePoint);
    return index >= 0 ? index + 1 : UNKNOWN_ID;
  }

  /** The code point with id {@code id}; {@link #UNKNOWN_SYMBOL} for {@link #UNKNOWN_ID}. */
  public int codePointOf(int id) {
    if (id < 0 || id >= size()) {
      throw new IllegalArgumentException("id must be in [0, " + size() + "), got " + id);
    }
    return id == UNKNOWN_ID ? UNKNOWN_SYMBOL : codePoints[id - 1];
  }

  /** Ids of every code point of {@code text}, in order. */
  public int[] encode(String text) {
    return text.codePoints().map(this::idOf).toArray();
  }

  /** The text whose ids are {@code ids}; unknown ids become U+FFFD. */
  public String decode(int[] ids) {
    StringBuilder text = new StringBuilder(ids.length);
    for (int id : ids) {
      text.appendCodePoint(codePointOf(id));
    }
    return text.toString();
  }

  /** The known code points in id order (id 1 first); a copy. */
  public int[] codePoints() {
    return codePoints.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CharVocabulary that && Arrays.equals(codePoints, that.codePoints);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(codePoints);
  }

  @Override
  public String toString() {
    return "CharVocabulary[size=" + size() + "]";
  }
}
