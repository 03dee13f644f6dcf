package org.deqlab.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A character-level language-modelling corpus (train / valid / test text) encoded to integer ids,
 * with the vocabulary, the unigram-entropy baseline and the batching a trainer needs. It exists so
 * that the workbench can train a sequence DEQ on real text, as the DEQ paper does on PTB and
 * WikiText, and judge the result against a number that a model which ignores context would reach.
 *
 * <h2>Directory layout accepted by {@link #load(Path)}</h2>
 *
 * For each split the first of these names that exists in the directory is read:
 *
 * <ul>
 *   <li>train: {@code train.txt}, {@code ptb.char.train.txt}, {@code ptb.train.txt}, {@code
 *       wiki.train.raw}, {@code wiki.train.tokens}
 *   <li>valid: {@code valid.txt}, {@code ptb.char.valid.txt}, {@code ptb.valid.txt}, {@code
 *       wiki.valid.raw}, {@code wiki.valid.tokens}
 *   <li>test: {@code test.txt}, {@code ptb.char.test.txt}, {@code ptb.test.txt}, {@code
 *       wiki.test.raw}, {@code wiki.test.tokens}
 * </ul>
 *
 * Files must be UTF-8 (a leading byte-order mark is skipped) and non-empty. Windows line ends
 * ({@code \r\n}) become {@code \n} so that a checkout's line-ending setting cannot change the
 * vocabulary. In {@code ptb.char.*} files, whose characters are separated by spaces and whose word
 * boundaries are written {@code _}, the separating spaces are removed, so {@code "a b _ c"} reads
 * as {@code "ab_c"}; every other file is taken character by character as it is.
 *
 * <h2>Ids and baseline</h2>
 *
 * The {@link CharVocabulary} comes from the training split only; characters of the validation or
 * test split that never occur in training map to {@link CharVocabulary#UNKNOWN_ID}. {@link
 * #unigramEntropyBits()} is the entropy of the training split's character frequencies in bits per
 * character: the loss of the best model that ignores all context, and so the figure a trained
 * model's bits per character must beat.
 */
public final class CharCorpus {

  /** Id of the corpus that ships with this module. */
  public static final String BUILT_IN_ID = "austen-char";

  private static final String BUILT_IN_RESOURCE_DIR = "corpus/austen/";

  private static final Map<CorpusSplit, List<String>> ACCEPTED_NAMES =
      Map.of(
          CorpusSplit.TRAIN,
          List.of(
              "train.txt",
              "ptb.char.train.txt",
              "ptb.train.txt",
              "wiki.train.raw",
              "wiki.train.tokens"),
          CorpusSplit.VALID,
          List.of(
              "valid.txt",
              "ptb.char.valid.txt",
              "ptb.valid.txt",
              "wiki.valid.raw",
              "wiki.valid.tokens"),
          CorpusSplit.TEST,
          List.of(
              "test.txt",
              "ptb.char.test.txt",
              "ptb.test.txt",
              "wiki.test.raw",
              "wiki.test.tokens"));

  private final DatasetInfo info;
  private final CharVocabulary vocabulary;
  private final Map<CorpusSplit, int[]> ids;
  private final double unigramEntropyBits;

  private CharCorpus(
      String id, String description, String license, String source, Map<CorpusSplit, String> text) {
    this.vocabulary = CharVocabulary.fromText(text.get(CorpusSplit.TRAIN));
    this.ids = new EnumMap<>(CorpusSplit.class);
    long characters = 0;
    for (CorpusSplit split : CorpusSplit.values()) {
      int[] encoded = vocabulary.encode(text.get(split));
      ids.put(split, encoded);
      characters += encoded.length;
    }
    this.unigramEntropyBits = unigramEntropyBits(ids.get(CorpusSplit.TRAIN));
    this.info =
        new DatasetInfo(
            id, description, characters, DatasetInfo.SizeUnit.CHARACTERS, license, source);
  }

  /**
   * Reads the corpus in {@code directory} (layout in the class comment). Its {@link DatasetInfo}
   * takes the directory name as id; the licence is not known to this loader and says so.
   *
   * @throws CorpusException if the directory or a split file is missing, a file is empty or is not
   *     valid UTF-8; the message names the file
   * @throws IOException if reading fails for another reason
   */
  public static CharCorpus load(Path directory) throws IOException {
    if (directory == null) {
      throw new IllegalArgumentException("directory must be a non-null path");
    }
    if (!Files.exists(directory)) {
      throw new CorpusException(
          "corpus directory "
              + directory.toAbsolutePath()
              + " does not exist; point to a folder"
              + " holding train.txt, valid.txt and test.txt");
    }
    if (!Files.isDirectory(directory)) {
      throw new CorpusException(
          "corpus directory "
              + directory.toAbsolutePath()
              + " is a file, not a directory; point"
              + " to the folder that holds train.txt, valid.txt and test.txt");
    }
    Map<CorpusSplit, String> text = new EnumMap<>(CorpusSplit.class);
    for (CorpusSplit split : CorpusSplit.values()) {
      Path file = findSplitFile(directory, split);
      String name = file.getFileName().toString();
      String content = decode(Files.readAllBytes(file), file.toAbsolutePath().toString());
      if (name.startsWith("ptb.char.")) {
        content = content.replace(" ", "");
        requireNonEmpty(content, file.toAbsolutePath() + " (after removing separating spaces)");
      }
      text.put(split, content);
    }
    Path absolute = directory.toAbsolutePath().normalize();
    String id =
        absolute.getFileName() == null ? absolute.toString() : absolute.getFileName().toString();
    return new CharCorpus(
        id,
        "Character-level corpus read from " + absolute,
        "not recorded by the loader; see the corpus's own documentation in " + absolute,
        absolute.toString(),
        text);
  }

  /**
   * The corpus shipped with this module: Jane Austen's <i>Pride and Prejudice</i> (1813) followed
   * by <i>Persuasion</i> (1818), about 1.15 million characters of public-domain English split
   * 90/5/5 on line boundaries (see {@code corpus/austen/SOURCE.md} beside the text files).
   */
  public static CharCorpus builtIn() {
    Map<CorpusSplit, String> text = new EnumMap<>(CorpusSplit.class);
    for (CorpusSplit split : CorpusSplit.values()) {
      String resource = BUILT_IN_RESOURCE_DIR + split.fileStem() + ".txt";
      try (InputStream in = CharCorpus.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(
              "built-in corpus resource org/deqlab/data/"
                  + resource
                  + " is missing from the"
                  + " classpath; rebuild the sample-data module");
        }
        text.put(split, decode(in.readAllBytes(), "classpath:org/deqlab/data/" + resource));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "could not read built-in corpus resource org/deqlab/data/" + resource, e);
      }
    }
    return new CharCorpus(
        BUILT_IN_ID,
        "Jane Austen, Pride and Prejudice (1813) and Persuasion (1818), English prose,"
            + " split 90/5/5 on line boundaries",
        "Public domain (text first published 1813 and 1818); as packaged by the janeaustenr R"
            + " package, MIT",
        "Project Gutenberg texts as packaged in janeaustenr 1.0.0 by Julia Silge (CRAN;"
            + " Debian package r-cran-janeaustenr 1.0.0-1)",
        text);
  }

  /**
   * A corpus from three strings, for tests and for text that is already in memory.
   *
   * @throws IllegalArgumentException if any text is null or empty
   */
  public static CharCorpus fromTexts(String id, String train, String valid, String test) {
    Map<CorpusSplit, String> text = new EnumMap<>(CorpusSplit.class);
    text.put(CorpusSplit.TRAIN, train);
    text.put(CorpusSplit.VALID, valid);
    text.put(CorpusSplit.TEST, test);
    for (CorpusSplit split : CorpusSplit.values()) {
      String value = text.get(split);
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException(
            split.fileStem()
                + " text must contain at least one character, got "
                + (value == null ? "null" : "an empty string"));
      }
    }
    return new CharCorpus(
        id,
        "Character-level corpus built from in-memory text",
        "supplied by the caller",
        "in-memory text",
        text);
  }

  /** Identity, size (characters of all splits) and provenance. */
  public DatasetInfo info() {
    return info;
  }

  /** The character ↔ id mapping built from the training split. */
  public CharVocabulary vocabulary() {
    return vocabulary;
  }

  /** The ids of {@code split}, in text order; a copy. */
  public int[] ids(CorpusSplit split) {
    return ids.get(split).clone();
  }

  /** Number of characters in {@code split}. */
  public int length(CorpusSplit split) {
    return ids.get(split).length;
  }

  /**
   * Entropy of the training split's character distribution, {@code −Σ p·log2 p} over characters, in
   * bits per character: the baseline a trained model's bits per character must beat.
   */
  public double unigramEntropyBits() {
    return unigramEntropyBits;
  }

  /** {@code split} cut into {@code streams} contiguous rows for windowed training or evaluation. */
  public TokenStreams batchify(CorpusSplit split, int streams) {
    return TokenStreams.batchify(ids.get(split), streams);
  }

  /** Entropy in bits of the empirical distribution of {@code ids}: {@code −Σ p·log2 p}. */
  public static double unigramEntropyBits(int[] ids) {
    if (ids == null || ids.length == 0) {
      throw new IllegalArgumentException("ids must hold at least one id to have an entropy");
    }
    Map<Integer, Integer> counts = new HashMap<>();
    for (int id : ids) {
      counts.merge(id, 1, Integer::sum);
    }
    double total = ids.length;
    double entropy = 0;
    for (int count : counts.values()) {
      double p = count / total;
      entropy -= p * Math.log(p);
    }
    return entropy / Math.log(2);
  }

  @Override
  public String toString() {
    return "CharCorpus["
        + info.id()
        + ", vocabulary="
        + vocabulary.size()
        + ", train="
        + length(CorpusSplit.TRAIN)
        + ", valid="
        + length(CorpusSplit.VALID)
        + ", test="
        + length(CorpusSplit.TEST)
        + "]";
  }

  private static Path findSplitFile(Path directory, CorpusSplit split) throws CorpusException {
    List<String> names = ACCEPTED_NAMES.get(split);
    for (String name : names) {
      Path candidate = directory.resolve(name);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new CorpusException(
        "corpus directory "
            + directory.toAbsolutePath()
            + " has no "
            + split.fileStem()
            + " split: expected a file named one of "
            + String.join(", ", names));
  }

  /**
   * Strict UTF-8 decoding: a malformed byte is an error naming {@code origin} and the byte offset,
   * never a silent replacement character that would enter the vocabulary.
   */
  private static String decode(byte[] bytes, String origin) throws CorpusException {
    int start = 0;
    if (bytes.length >= 3
        && (bytes[0] & 0xFF) == 0xEF
        && (bytes[1] & 0xFF) == 0xBB
        && (bytes[2] & 0xFF) == 0xBF) {
      start = 3;
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length - start);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw new CorpusException(
          "file "
              + origin
              + " is not valid UTF-8: malformed byte sequence at byte offset "
              + in.position()
              + "; re-encode it as UTF-8 (e.g. iconv -f latin1 -t utf-8)");
    }
    out.flip();
    String text = out.toString().replace("\r\n", "\n");
    requireNonEmpty(text, origin);
    return text;
  }

  private static void requireNonEmpty(String text, String origin) throws CorpusException {
    if (text.isEmpty()) {
      throw new CorpusException(
          "file " + origin + " is empty; every split (train, valid, test) needs some text");
    }
  }
}
