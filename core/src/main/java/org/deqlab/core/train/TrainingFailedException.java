package org.deqlab.core.train;

import org.deqlab.core.events.RunEvent;

/**
 * A training run broke (an engine error, a non-finite loss…). Carries how the run ended, so its
 * owner can publish it and report the step it got to; what was logged so far stays logged.
 */
public final class TrainingFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient RunEvent.Finished finished;

  public TrainingFailedException(RunEvent.Finished finished, Throwable cause) {
    super("training failed at step " + finished.step() + ": " + cause, cause);
    this.finished = finished;
  }

  public RunEvent.Finished finished() {
    return finished;
  }
}
