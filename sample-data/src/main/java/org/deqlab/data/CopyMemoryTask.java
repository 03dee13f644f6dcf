package org.deqlab.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The copy-memory task of Bai, Kolter and Koltun (2018), "An Empirical Evaluation of Generic
 * Convolutional and Recurrent Networks for Sequence Modeling", a standard test of long-range memory
 * in sequence models: a model must remember ten symbols across a long stretch of blanks and
 * reproduce them on cue. It is the workbench's long-memory benchmark because the length of the gap,
 * T, is a single knob and the loss of a model that has learned nothing is known in closed form
 * ({@link #trivialBaselineLoss}).
 *
 * <h2>Definition</h2>
 *
 * Tokens come from a vocabulary of {@value #VOCABULARY_SIZE}: {@value #BLANK} is the blank, 1 to 8
 * are the symbols to memorise, and {@value #DELIMITER} is the marker. Each example has length
 * {@code T + 20}:
 *
 * <pre>
 *   input : s1 … s10 | 0 … 0 (T−1 blanks) | 9 9 … 9 (11 markers)
 *   target: 0 … 0 (T+10 blanks)                     | s1 … s10
 * </pre>
 *
 * The ten symbols are drawn independently and uniformly from 1..8. The first of the eleven trailing
 * 9s is the delimiter that says "start recalling now"; the ten after it are the positions at which
 * the target holds the memorised symbols. This follows the reference generator of the TCN
 * repository ({@code copy_memory/utils.py}: {@code x = cat(seq, zeros[:, :-1], marker)} with {@code
 * marker = 9·ones(N, 11)}, {@code y = cat(placeholders, zeros, seq)}), so the ten recall positions
 * of the input carry 9, not blanks. The loss is cross-entropy over the {@link #VOCABULARY_SIZE}
 * classes averaged over all {@code T + 20} positions, as in the reference training script ({@code
 * copymem_test.py}), which feeds each token to the network as one real-valued input channel; an
 * embedding or one-hot input serves equally well.
 *
 * <p>Generation is seeded: the training and test sets derive from {@code seed} through independent
 * {@link SplittableRandom} streams, so the test set does not change when the number of training
 * examples does.
 *
 * @param blankLength T, the number of time steps between the end of the memorised symbols and the
 *     end of the delimiter (the input holds T−1 blanks and the delimiter); at least 1
 * @param trainExamples number of training sequences {@link #train()} returns; at least 1
 * @param testExamples number of test sequences {@link #test()} returns; at least 1
 * @param seed seed from which both sets are generated
 */
public record CopyMemoryTask(int blankLength, int trainExamples, int testExamples, long seed) {

  /** Number of distinct tokens: blank, eight symbols, delimiter. */
  public static final int VOCABULARY_SIZE = 10;

  /** The blank token, also the target wherever nothing is to be recalled. */
  public static final int BLANK = 0;

  /** Smallest memorised symbol. */
  public static final int FIRST_SYMBOL = 1;

  /** Largest memorised symbol. */
  public static final int LAST_SYMBOL = 8;

  /** The marker token; its first occurrence tells the model to start recalling. */
  public static final int DELIMITER = 9;

  /** How many symbols are memorised and recalled. */
  public static final int MEMORY_LENGTH = 10;

  /** Largest T accepted, so that one sequence stays far below array limits. */
  public static final int MAX_BLANK_LENGTH = 1_000_000;

  public CopyMemoryTask {
    if (blankLength < 1 || blankLength > MAX_BLANK_LENGTH) {
      throw new IllegalArgumentException(
          "blankLength (T) must be in [1, " + MAX_BLANK_LENGTH + "], got " + blankLength);
    }
    if (trainExamples < 1) {
      throw new IllegalArgumentException("trainExamples must be at least 1, got " + trainExamples);
    }
    if (testExamples < 1) {
      throw new IllegalArgumentException("testExamples must be at least 1, got " + testExamples);
    }
  }

  /**
   * The set sizes of the TCN paper (10,000 training and 1,000 test sequences) for gap length {@code
   * blankLength}, seed 0.
   */
  public static CopyMemoryTask standard(int blankLength) {
    return new CopyMemoryTask(blankLength, 10_000, 1_000, 0L);
  }

  /** Length of every input and target sequence: {@code T + 20}. */
  public int sequenceLength() {
    return sequenceLength(blankLength);
  }

  /** Length of every input and target sequence for gap {@code blankLength}: {@code T + 20}. */
  public static int sequenceLength(int blankLength) {
    return blankLength + 2 * MEMORY_LENGTH;
  }

  /** The training set, {@code trainExamples} sequences; the same every call. */
  public TokenBatch train() {
    return generate(trainExamples, streams()[0]);
  }

  /** The test set, {@code testExamples} sequences, independent of the training set. */
  public TokenBatch test() {
    return generate(testExamples, streams()[1]);
  }

  /**
   * The training set cut into consecutive minibatches of {@code batchSize} (the last one smaller
   * when {@code trainExamples} is not a multiple), in a fixed order.
   */
  public List<TokenBatch> trainBatches(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    TokenBatch all = train();
    List<TokenBatch> batches = new ArrayList<>();
    for (int from = 0; from < trainExamples; from += batchSize) {
      int to = Math.min(trainExamples, from + batchSize);
      int[][] inputs = new int[to - from][];
      int[][] targets = new int[to - from][];
      System.arraycopy(all.inputs(), from, inputs, 0, to - from);
      System.arraycopy(all.targets(), from, targets, 0, to - from);
      batches.add(new TokenBatch(inputs, targets));
    }
    return batches;
  }

  /**
   * {@code examples} fresh sequences drawn from {@code random}, for trainers that want an endless
   * stream of new data instead of a fixed training set.
   */
  public TokenBatch sample(int examples, SplittableRandom random) {
    if (examples < 1) {
      throw new IllegalArgumentException("examples must be at least 1, got " + examples);
    }
    if (random == null) {
      throw new IllegalArgumentException("random must be a non-null SplittableRandom");
    }
    return generate(examples, random);
  }

  /**
   * Mean cross-entropy (nats per position) of the best model that has not learned to remember: it
   * predicts blank with certainty for the first {@code T + 10} positions (loss 0) and is uniform
   * over the eight symbols for the last ten (loss ln 8 each), giving {@code 10·ln 8 / (T + 20)}. A
   * trained model must end clearly below it.
   */
  public double trivialBaselineLoss() {
    return trivialBaselineLoss(blankLength);
  }

  /** {@code 10·ln 8 / (T + 20)} for gap {@code blankLength}; see {@link #trivialBaselineLoss()}. */
  public static double trivialBaselineLoss(int blankLength) {
    if (blankLength < 1) {
      throw new IllegalArgumentException("blankLength (T) must be at least 1, got " + blankLength);
    }
    int symbols = LAST_SYMBOL - FIRST_SYMBOL + 1;
    return MEMORY_LENGTH * Math.log(symbols) / sequenceLength(blankLength);
  }

  /** Identity, size and provenance of this task's data. */
  public DatasetInfo info() {
    return new DatasetInfo(
        "copy-memory-T" + blankLength,
        "Copy-memory task: recall 10 symbols from 1..8 after a gap of T="
            + blankLength
            + " steps; sequences of length "
            + sequenceLength()
            + ", vocabulary "
            + VOCABULARY_SIZE
            + ", seed "
            + seed,
        (long) trainExamples + testExamples,
        DatasetInfo.SizeUnit.EXAMPLES,
        "generated procedurally (no third-party data)",
        "Bai, Kolter & Koltun 2018, 'An Empirical Evaluation of Generic Convolutional and"
            + " Recurrent Networks for Sequence Modeling'; generator as in locuslab/TCN"
            + " copy_memory/utils.py");
  }

  private SplittableRandom[] streams() {
    SplittableRandom root = new SplittableRandom(seed);
    return new SplittableRandom[] {root.split(), root.split()};
  }

  private TokenBatch generate(int examples, SplittableRandom random) {
    int length = sequenceLength();
    int[][] inputs = new int[examples][length];
    int[][] targets = new int[examples][length];
    int markerStart = MEMORY_LENGTH + blankLength - 1;
    int recallStart = length - MEMORY_LENGTH;
    for (int b = 0; b < examples; b++) {
      int[] input = inputs[b];
      int[] target = targets[b];
      for (int i = 0; i < MEMORY_LENGTH; i++) {
        int symbol = random.nextInt(FIRST_SYMBOL, LAST_SYMBOL + 1);
        input[i] = symbol;
        target[recallStart + i] = symbol;
      }
      // Arrays start as BLANK (0); only the markers remain to be written.
      for (int t = markerStart; t < length; t++) {
        input[t] = DELIMITER;
      }
    }
    return new TokenBatch(inputs, targets);
  }
}
