package org.deqlab.app.cli;

/**
 * A command line the user must correct; its message is printed as one line, and the exit code is 2.
 */
public final class UsageException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
