package org.deqlab.app.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javafx.application.Platform;
import org.deqlab.app.experiment.LengthSweep;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.train.TrainingEvent;
import org.deqlab.viz.ChartExport;
import org.deqlab.viz.ChartPanel;

/**
 * The workbench's training plots without a window, for {@code ./deq run}: collects what a run
 * reports, then draws the same charts the window shows and writes each as PNG (and its data as
 * CSV). JavaFX runs on its headless Monocle platform with the software renderer, so no display is
 * needed; a toolkit that is already running (e.g. in tests) is used as it is.
 */
public final class HeadlessCharts implements Consumer<TrainingEvent>, AutoCloseable {
  private static final long FX_TIMEOUT_SECONDS = 60;
  private static boolean toolkitStarted;

  private final List<TrainingEvent> events = new ArrayList<>();
  private final List<SweepPoint> sweepPoints = new ArrayList<>();
  private final WorkbenchCharts charts;
  private final ExperimentConfig config;

  private record SweepPoint(String series, LengthSweep.Point point) {}

  private HeadlessCharts(WorkbenchCharts charts, ExperimentConfig config) {
    this.charts = charts;
    this.config = config;
  }

  /** Starts the JavaFX toolkit headless (if it is not running yet) and creates the charts. */
  public static HeadlessCharts start(ExperimentConfig config) {
    startToolkit();
    WorkbenchCharts charts =
        onFxThread(
            () -> {
              WorkbenchCharts created = new WorkbenchCharts();
              created.clear(config);
              return created;
            });
    return new HeadlessCharts(charts, config);
  }

  private static synchronized void startToolkit() {
    if (toolkitStarted) {
      return;
    }
    if (System.getProperty("glass.platform") == null) {
      System.setProperty("glass.platform", "Monocle");
      System.setProperty("monocle.platform", "Headless");
      System.setProperty("prism.order", "sw");
    }
    System.setProperty("java.awt.headless", "true");
    Launcher.quietClassPathWarning();
    try {
      Platform.startup(() -> {});
    } catch (IllegalStateException alreadyRunning) {
      // The toolkit is up (a test, or a window in this process): draw with it.
    }
    Platform.setImplicitExit(false);
    toolkitStarted = true;
  }

  /** Records one event (any thread); the charts are drawn when they are written. */
  @Override
  public synchronized void accept(TrainingEvent event) {
    events.add(event);
  }

  /** Records one measured length of a sweep (any thread). */
  public synchronized void acceptSweepPoint(String series, LengthSweep.Point point) {
    sweepPoints.add(new SweepPoint(series, point));
  }

  /**
   * Draws everything recorded and writes one PNG and one CSV per chart into {@code directory},
   * named after the chart's title; returns the PNG files in the window's order.
   */
  public List<Path> write(Path directory) throws IOException {
    Files.createDirectories(directory);
    List<TrainingEvent> recorded;
    List<SweepPoint> sweeps;
    synchronized (this) {
      recorded = List.copyOf(events);
      sweeps = List.copyOf(sweepPoints);
    }
    onFxThread(
        () -> {
          charts.clear(config);
          charts.clearSweeps();
          charts.show(recorded);
          for (SweepPoint sweep : sweeps) {
            charts.showSweepPoint(sweep.series(), sweep.point());
          }
          return null;
        });
    List<Path> images = new ArrayList<>();
    for (ChartPanel chart : charts.charts()) {
      String name = PlotPanel.slug(chart.title());
      Path png = directory.resolve(name + ".png");
      ChartExport.writePng(chart, png);
      onFxThread(
          () -> {
            ChartExport.writeCsv(chart, directory.resolve(name + ".csv"));
            return null;
          });
      images.add(png);
    }
    return images;
  }

  /** Each chart's data as CSV text, in the window's order (for checks). */
  public List<String> csv() {
    return onFxThread(() -> charts.charts().stream().map(ChartExport::toCsv).toList());
  }

  /** Nothing to release: the toolkit stays up until the process ends (it cannot be restarted). */
  @Override
  public void close() {}

  private static <T> T onFxThread(Callable<T> work) {
    FutureTask<T> task = new FutureTask<>(work);
    if (Platform.isFxApplicationThread()) {
      task.run();
    } else {
      Platform.runLater(task);
    }
    try {
      return task.get(FX_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while drawing the charts", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("drawing the charts failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the JavaFX thread did not draw the charts within " + FX_TIMEOUT_SECONDS + " s", e);
    }
  }
}
