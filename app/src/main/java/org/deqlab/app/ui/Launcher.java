package org.deqlab.app.ui;

import java.io.PrintStream;
import java.util.Locale;
import javafx.application.Application;
import org.deqlab.app.charts.HeadlessCharts;

/**
 * Starts the workbench window. A plain class rather than the {@code Application} subclass, so
 * JavaFX runs from the class path without a module-path check.
 */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) {
    System.exit(launch(args, System.err));
  }

  /**
   * Opens the window and returns when it is closed: 0, or 2 (with one line on {@code err}) when
   * there is no display to open it on.
   */
  public static int launch(String[] args, PrintStream err) {
    System.setProperty("ai.djl.offline", "true");
    if (!hasDisplay()) {
      err.println(
          "error: no display to open the workbench window on (DISPLAY is not set). Use"
              + " './deq run --out DIR' to train and write the plots as PNG without a window, or run the"
              + " window under a virtual display: xvfb-run -a ./deq");
      return 2;
    }
    HeadlessCharts.quietClassPathWarning();
    Application.launch(WorkbenchApp.class, args);
    return 0;
  }

  private static boolean hasDisplay() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
        || "Monocle".equals(System.getProperty("glass.platform"))) {
      return true;
    }
    return notBlank(System.getenv("DISPLAY")) || notBlank(System.getenv("WAYLAND_DISPLAY"));
  }

  private static boolean notBlank(String value) {
    return value != null && !value.isBlank();
  }
}
