package org.deqlab.data;

/**
 * The three parts of a language-modelling corpus. The vocabulary and the entropy baseline come from
 * {@link #TRAIN} only, so that validation and test text are never seen before evaluation.
 */
public enum CorpusSplit {
  /** Text the model is fitted on. */
  TRAIN,
  /** Text for model selection and early stopping. */
  VALID,
  /** Text reported once at the end. */
  TEST;

  /** Lower-case name as used in file names, e.g. {@code "valid"}. */
  public String fileStem() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
