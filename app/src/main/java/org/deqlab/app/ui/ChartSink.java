package org.deqlab.app.ui;

import java.util.List;
import org.deqlab.app.experiment.LengthSweep;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.train.TrainingEvent;

/** What the view does with what the engine reports; always called on the JavaFX thread. */
interface ChartSink {
  /** A batch of training events, in order (at most ten batches per second of wall time). */
  void show(List<TrainingEvent> events);

  /** The solve running now, iterations 0…n−1 so far (the residual plot's live trace). */
  void showLiveSolve(double[] absolute, double[] relative);

  /** One measured sequence length of a sweep. */
  void showSweepPoint(String series, LengthSweep.Point point);

  /** Forget everything shown: a run of {@code config} starts (or is replayed). */
  void clear(ExperimentConfig config);
}
