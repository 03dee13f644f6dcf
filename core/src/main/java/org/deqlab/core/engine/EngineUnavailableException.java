package org.deqlab.core.engine;

/** The PyTorch engine could not be started; the message says which artifact is missing. */
public final class EngineUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EngineUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
