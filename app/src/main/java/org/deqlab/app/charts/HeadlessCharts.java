package org.deqlab.app.charts;

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
import java.util.logging.Level;
import java.util.logging.Logger;
import javafx.application.Platform;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.viz.ChartExport;
import org.deqlab.viz.ChartPanel;

/**
 * The workbench's training plots without a window, for {@code ./deq run}: collects what a run
 * reports, then draws the same charts the window shows and writes each as PNG (and its data as
 * CSV). JavaFX runs on its headless Monocle platform with the software renderer, so no display is
 * needed; a toolkit that is already running (e.g. in tests) is used as it is.
 */
public final class HeadlessCharts implements Consumer<RunEvent>, AutoCloseable {
  private static final long FX_TIMEOUT_SECONDS = 60;
  private static boolean toolkitStarted;

  private final List<RunEvent> events = new ArrayList<>();
  private final WorkbenchCharts charts;
  private final ExperimentConfig config;

  private HeadlessCharts(WorkbenchCharts charts, ExperimentConfig config) {
    this.charts = charts;
    this.config = config;
  }

  /** Held so the level set on it stays (JUL keeps loggers weakly). */
  private static final Logger JAVAFX_LOG = Logger.getLogger("javafx");

  /**
   * JavaFX warns "Unsupported JavaFX configuration: classes were loaded from 'unnamed module'" on
   * the class path, where this application deliberately runs; keep errors only.
   */
  public static void quietClassPathWarning() {
    JAVAFX_LOG.setLevel(Level.SEVERE);
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
    quietClassPathWarning();
    try {
      Platform.startup(() -> {});
    } catch (IllegalStateException alreadyRunning) {
      // The toolkit is up (a test, or a window in this process): draw with it.
    }
    Platform.setImplicitExit(false);
    toolkitStarted = true;
  }

  /**
   * Records one event (any thread; live solver progress is skipped: each step's solves are in its
   * step event); the charts are drawn when they are written.
   */
  @Override
  public synchronized void accept(RunEvent event) {
    if (!(event instanceof RunEvent.SolverProgress)) {
      events.add(event);
    }
  }

  /**
   * Draws everything recorded and writes one PNG and one CSV per chart into {@code directory},
   * named after the chart's title; returns the PNG files in the window's order.
   */
  public List<Path> write(Path directory) throws IOException {
    Files.createDirectories(directory);
    List<RunEvent> recorded;
    synchronized (this) {
      recorded = List.copyOf(events);
    }
    onFxThread(
        () -> {
          charts.clear(config);
          charts.clearSweeps();
          charts.show(recorded);
          return null;
        });
    List<Path> images = new ArrayList<>();
    for (ChartPanel chart : charts.charts()) {
      String name = ChartExport.slug(chart.title());
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
