/**
 * Reusable ChartFX chart components for the DEQ Workbench.
 *
 * <p>Each chart is a JavaFX node that takes plain numbers ({@code double[]}, single values) and
 * knows nothing about the engine beyond its axis labels and its {@linkplain
 * ExportableChart#explanation() explanation} for students. Every chart has zoom (drag a box; right
 * click zooms out, ctrl + right click resets), pan (middle button) and a data-point tooltip, and
 * labels every axis with a name and a unit.
 *
 * <p>Threading: charts are touched on the JavaFX application thread only. Each public method is one
 * batch of data-set changes; ChartFX 11.3 coalesces the resulting invalidations into one redraw per
 * pulse, so a caller that batches engine events and calls in at a bounded rate gets at most one
 * redraw per call. Append-only series are bounded: when one reaches its capacity the older half of
 * its points is thinned, so memory stays bounded however long a run is.
 *
 * <p>{@link org.deqlab.viz.ChartExport} writes any chart to PNG and its data to CSV.
 */
package org.deqlab.viz;
