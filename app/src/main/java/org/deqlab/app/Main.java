package org.deqlab.app;

import org.deqlab.app.ui.Launcher;
import org.deqlab.core.engine.EngineThreads;

/**
 * Entry point of {@code ./deq}: without arguments it opens the workbench window, otherwise it runs
 * the command line. The one place that knows both front-ends, so neither imports the other.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    EngineThreads.configure();
    int code =
        args.length == 0
            ? Launcher.launch(args, System.err)
            : org.deqlab.app.cli.Main.execute(args);
    System.exit(code);
  }
}
