package org.deqlab.data;

import static org.deqlab.data.CopyMemoryTaskTest.assertMessageNames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CharCorpusTest {

  @TempDir Path directory;

  private static final String TRAIN = "the cat sat on the mat\nthe end\n";

  /** Writes a corpus directory with the given split file names and contents. */
  private Path writeCorpus(String... namesAndContents) throws IOException {
    for (int i = 0; i < namesAndContents.length; i += 2) {
      Files.writeString(directory.resolve(namesAndContents[i]), namesAndContents[i + 1]);
    }
    return directory;
  }

  private Path writeStandardCorpus() throws IOException {
    return writeCorpus("train.txt", TRAIN, "valid.txt", "a hat\n", "test.txt", "the rat!\n");
  }

  @Test
  void encodingThenDecodingRestoresTrainingText() throws IOException {
    CharCorpus corpus = CharCorpus.load(writeStandardCorpus());
    int[] ids = corpus.ids(CorpusSplit.TRAIN);
    assertEquals(TRAIN, corpus.vocabulary().decode(ids));
    assertArrayEquals(ids, corpus.vocabulary().encode(TRAIN));
  }

  @Test
  void vocabularyIsSortedByCodePointAndIndependentOfTextOrder() {
    CharVocabulary forward = CharVocabulary.fromText("cabbage");
    CharVocabulary backward = CharVocabulary.fromText("egabbac");
    assertEquals(forward, backward);
    assertArrayEquals(new int[] {'a', 'b', 'c', 'e', 'g'}, forward.codePoints());
    assertEquals(6, forward.size(), "five characters plus the unknown id");
    assertEquals(1, forward.idOf('a'));
    assertEquals(5, forward.idOf('g'));
  }

  @Test
  void vocabularyComesFromTrainingSplitOnly() throws IOException {
    CharCorpus corpus = CharCorpus.load(writeStandardCorpus());
    assertEquals(CharVocabulary.fromText(TRAIN), corpus.vocabulary());
  }

  @Test
  void charactersUnseenInTrainingMapToTheUnknownId() throws IOException {
    CharCorpus corpus = CharCorpus.load(writeStandardCorpus());
    // "the rat!\n": 'r' and '!' never occur in the training text.
    int[] test = corpus.ids(CorpusSplit.TEST);
    assertEquals(CharVocabulary.UNKNOWN_ID, test[4]);
    assertEquals(CharVocabulary.UNKNOWN_ID, test[7]);
    assertEquals("the \uFFFDat\uFFFD\n", corpus.vocabulary().decode(test));
    assertTrue(corpus.vocabulary().idOf('t') != CharVocabulary.UNKNOWN_ID);
  }

  @Test
  void supplementaryCharactersAreOneSymbolEach() {
    String text = "a\uD83D\uDE00b";
    CharVocabulary vocabulary = CharVocabulary.fromText(text);
    assertEquals(3, vocabulary.encode(text).length);
    assertEquals(text, vocabulary.decode(vocabulary.encode(text)));
  }

  @Test
  void unigramEntropyMatchesClosedForm() {
    // "aaab": p(a)=3/4, p(b)=1/4 → H = −(3/4)log2(3/4) − (1/4)log2(1/4) = 2 − (3/4)log2 3.
    CharCorpus corpus = CharCorpus.fromTexts("tiny", "aaab", "a", "b");
    double expected = 2 - 0.75 * Math.log(3) / Math.log(2);
    assertEquals(expected, corpus.unigramEntropyBits(), 1e-12);
    assertEquals(3.0, CharCorpus.unigramEntropyBits(new int[] {1, 2, 3, 4, 5, 6, 7, 8}), 1e-12);
    assertEquals(0.0, CharCorpus.unigramEntropyBits(new int[] {4, 4, 4}), 1e-12);
  }

  @Test
  void batchifyMakesContiguousStreamsAndDropsTheRemainder() {
    int[] tokens = new int[23];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = i;
    }
    TokenStreams streams = TokenStreams.batchify(tokens, 4);
    assertEquals(4, streams.streams());
    assertEquals(5, streams.streamLength());
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, streams.stream(0));
    assertArrayEquals(new int[] {15, 16, 17, 18, 19}, streams.stream(3));
  }

  @Test
  void windowsHaveTargetsShiftedByOneAndCoverEachStream() {
    int[] tokens = new int[40];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = i;
    }
    TokenStreams streams = TokenStreams.batchify(tokens, 2); // rows 0..19 and 20..39
    assertEquals(7, streams.windowCount(3), "⌈(20 − 1) / 3⌉ windows");
    TokenBatch first = streams.window(0, 3);
    assertArrayEquals(new int[] {0, 1, 2}, first.inputs()[0]);
    assertArrayEquals(new int[] {1, 2, 3}, first.targets()[0]);
    assertArrayEquals(new int[] {20, 21, 22}, first.inputs()[1]);
    TokenBatch last = streams.window(6, 3);
    assertEquals(1, last.length(), "the final window holds the one remaining pair");
    assertArrayEquals(new int[] {18}, last.inputs()[0]);
    assertArrayEquals(new int[] {19}, last.targets()[0]);
    int covered = streams.windows(3).stream().mapToInt(TokenBatch::length).sum();
    assertEquals(19, covered, "every position except the last is an input exactly once");
  }

  @Test
  void corpusBatchifyUsesTheEncodedSplit() throws IOException {
    CharCorpus corpus = CharCorpus.load(writeStandardCorpus());
    TokenStreams streams = corpus.batchify(CorpusSplit.TRAIN, 3);
    assertEquals(TRAIN.length() / 3, streams.streamLength());
    TokenBatch window = streams.window(0, 4);
    assertEquals(3, window.batchSize());
    assertEquals("the ", corpus.vocabulary().decode(window.inputs()[0]));
    assertEquals("he c", corpus.vocabulary().decode(window.targets()[0]));
  }

  @Test
  void missingDirectoryIsReportedByPath() {
    Path missing = directory.resolve("no-such-corpus");
    CorpusException error = assertThrows(CorpusException.class, () -> CharCorpus.load(missing));
    assertTrue(error.getMessage().contains("no-such-corpus"), error.getMessage());
    assertTrue(error.getMessage().contains("does not exist"), error.getMessage());
  }

  @Test
  void missingSplitFileIsReportedWithTheAcceptedNames() throws IOException {
    Path corpus = writeCorpus("train.txt", TRAIN, "test.txt", "x");
    CorpusException error = assertThrows(CorpusException.class, () -> CharCorpus.load(corpus));
    assertTrue(error.getMessage().contains("valid"), error.getMessage());
    assertTrue(error.getMessage().contains("valid.txt"), error.getMessage());
    assertTrue(error.getMessage().contains(corpus.toAbsolutePath().toString()), error.getMessage());
  }

  @Test
  void emptyFileIsReportedByName() throws IOException {
    Path corpus = writeCorpus("train.txt", TRAIN, "valid.txt", "", "test.txt", "x");
    CorpusException error = assertThrows(CorpusException.class, () -> CharCorpus.load(corpus));
    assertTrue(error.getMessage().contains("valid.txt"), error.getMessage());
    assertTrue(error.getMessage().contains("empty"), error.getMessage());
  }

  @Test
  void nonUtf8FileIsReportedByNameAndOffset() throws IOException {
    Path corpus = writeStandardCorpus();
    // "café" in ISO-8859-1: the lone 0xE9 byte at offset 3 is not valid UTF-8.
    Files.write(corpus.resolve("test.txt"), "café".getBytes(StandardCharsets.ISO_8859_1));
    CorpusException error = assertThrows(CorpusException.class, () -> CharCorpus.load(corpus));
    assertTrue(error.getMessage().contains("test.txt"), error.getMessage());
    assertTrue(error.getMessage().contains("not valid UTF-8"), error.getMessage());
    assertTrue(error.getMessage().contains("offset 3"), error.getMessage());
  }

  @Test
  void alternativeFileNamesAndPtbCharFormatAreAccepted() throws IOException {
    Path corpus =
        writeCorpus(
            "ptb.char.train.txt", " a b _ c a b\n",
            "ptb.char.valid.txt", " c a\n",
            "ptb.char.test.txt", " b _ a\n");
    CharCorpus loaded = CharCorpus.load(corpus);
    assertEquals("ab_cab\n", loaded.vocabulary().decode(loaded.ids(CorpusSplit.TRAIN)));
    Path wiki = Files.createDirectory(directory.resolve("wiki"));
    Files.writeString(wiki.resolve("wiki.train.raw"), "x y");
    Files.writeString(wiki.resolve("wiki.valid.raw"), "y");
    Files.writeString(wiki.resolve("wiki.test.raw"), "x");
    assertEquals(3, CharCorpus.load(wiki).length(CorpusSplit.TRAIN), "raw files keep spaces");
  }

  @Test
  void byteOrderMarkAndWindowsLineEndsAreNormalised() throws IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] text = "ab\r\nba\r\n".getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[bom.length + text.length];
    System.arraycopy(bom, 0, withBom, 0, 3);
    System.arraycopy(text, 0, withBom, 3, text.length);
    Path corpus = writeCorpus("valid.txt", "a", "test.txt", "b");
    Files.write(corpus.resolve("train.txt"), withBom);
    CharCorpus loaded = CharCorpus.load(corpus);
    assertEquals("ab\nba\n", loaded.vocabulary().decode(loaded.ids(CorpusSplit.TRAIN)));
  }

  @Test
  void emptyInMemoryTextIsRejectedNamingTheSplit() {
    assertMessageNames("valid", () -> CharCorpus.fromTexts("x", "abc", "", "a"));
  }

  @Test
  void infoCountsCharactersOfAllSplits() throws IOException {
    CharCorpus corpus = CharCorpus.load(writeStandardCorpus());
    assertEquals(TRAIN.length() + "a hat\n".length() + "the rat!\n".length(), corpus.info().size());
    assertEquals(DatasetInfo.SizeUnit.CHARACTERS, corpus.info().sizeUnit());
  }
}
