package org.deqlab.viz;

import io.fair_acc.dataset.DataSet;
import java.util.List;
import javafx.scene.Node;

/**
 * A chart that the application can show, explain and export without knowing which chart it is:
 * {@link ChartExport} writes its {@link #node()} to PNG and its {@link #dataSets()} to CSV.
 */
public interface ExportableChart {

  /** A short title, e.g. "Residual traces"; also used to name exported files. */
  String title();

  /**
   * The data this chart currently shows, one data set per series, in legend order. Only series with
   * at least one point are listed; decorations (the unit circle, indicator lines) are not. Each
   * data set names its axes and their units in its {@link DataSet#getAxisDescription(int) axis
   * descriptions}.
   */
  List<DataSet> dataSets();

  /** The JavaFX node to place in a scene. */
  Node node();

  /** A short plain-words paragraph for students: what am I looking at? */
  String explanation();
}
