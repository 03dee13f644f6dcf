package org.deqlab.app.charts;

import java.util.List;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.experiment.ExperimentConfig;

/** What the plots do with what a run reports; always called on the JavaFX thread. */
public interface ChartSink {
  /** Shows nothing (before a view is attached). */
  ChartSink NONE =
      new ChartSink() {
        @Override
        public void show(List<RunEvent> events) {}

        @Override
        public void showLiveSolve(double[] absolute, double[] relative) {}

        @Override
        public void clear(ExperimentConfig config) {}
      };

  /**
   * A batch of a run's events, in order (at most ten batches per second of wall time; live solver
   * progress comes through {@link #showLiveSolve} instead).
   */
  void show(List<RunEvent> events);

  /** The solve running now, iterations 0…n−1 so far (the residual plot's live trace). */
  void showLiveSolve(double[] absolute, double[] relative);

  /** Forget everything shown: a run of {@code config} starts (or is replayed). */
  void clear(ExperimentConfig config);
}
