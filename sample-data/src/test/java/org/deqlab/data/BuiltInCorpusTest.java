package org.deqlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BuiltInCorpusTest {

  private static CharCorpus corpus;

  @BeforeAll
  static void loadOnce() {
    corpus = CharCorpus.builtIn();
  }

  @Test
  void everySplitIsNonEmptyAndRoughlyNinetyFiveFive() {
    int train = corpus.length(CorpusSplit.TRAIN);
    int valid = corpus.length(CorpusSplit.VALID);
    int test = corpus.length(CorpusSplit.TEST);
    double total = train + valid + test;
    assertTrue(train > 500_000, "training split should be substantial, got " + train);
    assertEquals(0.90, train / total, 0.01);
    assertEquals(0.05, valid / total, 0.01);
    assertEquals(0.05, test / total, 0.01);
    assertEquals((long) total, corpus.info().size());
  }

  @Test
  void textIsEnglishProseFromTheNamedSource() {
    String opening =
        corpus.vocabulary().decode(java.util.Arrays.copyOf(corpus.ids(CorpusSplit.TRAIN), 200));
    assertTrue(opening.startsWith("PRIDE AND PREJUDICE"), opening);
    assertTrue(opening.contains("It is a truth universally acknowledged"), opening);
    assertEquals(CharCorpus.BUILT_IN_ID, corpus.info().id());
    assertTrue(corpus.info().license().contains("Public domain"), corpus.info().license());
  }

  @Test
  void vocabularyIsSmallAndCoversValidationText() {
    int size = corpus.vocabulary().size();
    assertTrue(size > 60 && size < 120, "character vocabulary size " + size);
    for (int id : corpus.ids(CorpusSplit.VALID)) {
      assertTrue(id != CharVocabulary.UNKNOWN_ID, "validation text uses only training characters");
    }
  }

  @Test
  void unigramBaselineIsTypicalOfEnglishText() {
    // English letter-plus-space unigram entropy is about 4.1 bits; punctuation and case add a bit.
    double bits = corpus.unigramEntropyBits();
    assertTrue(bits > 4.0 && bits < 5.0, "unigram entropy " + bits + " bits/char");
    assertTrue(bits < Math.log(corpus.vocabulary().size()) / Math.log(2));
  }

  @Test
  void loadingIsDeterministic() {
    CharCorpus again = CharCorpus.builtIn();
    assertEquals(corpus.vocabulary(), again.vocabulary());
    assertEquals(corpus.unigramEntropyBits(), again.unigramEntropyBits());
  }
}
