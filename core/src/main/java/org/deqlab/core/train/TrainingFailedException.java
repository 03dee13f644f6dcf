package org.deqlab.core.train;

/**
 * A training run broke (an engine error, an out-of-memory…). Carries the {@code failed} event that
 * was already published, so callers can report the step it got to; what was logged so far stays
 * logged.
 */
public final class TrainingFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient TrainingEvent.Finished finished;

  public TrainingFailedException(TrainingEvent.Finished finished, Throwable cause) {
    super("training failed at step " + finished.step() + ": " + cause, cause);
    this.finished = finished;
  }

  public TrainingEvent.Finished finished() {
    return finished;
  }
}
