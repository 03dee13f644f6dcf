package org.deqlab.data;

import java.io.IOException;

/**
 * A corpus could not be read: a missing directory or split file, an empty file, or text that is not
 * valid UTF-8. The message names the file, says what is wrong and what to try, so the UI can show
 * it as is.
 */
public class CorpusException extends IOException {

  private static final long serialVersionUID = 1L;

  /** A problem described entirely by {@code message}. */
  public CorpusException(String message) {
    super(message);
  }

  /** A problem described by {@code message}, caused by a lower-level I/O failure. */
  public CorpusException(String message, Throwable cause) {
    super(message, cause);
  }
}
