package org.deqlab.app.ui;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.memory.MemoryPoint;
import org.deqlab.core.memory.MemoryStudy;

/**
 * The Memory tab's measurement: one training step of a config's cell as a DEQ and as unrolled
 * stacks of the given depths, on the engine thread, each point handed to the UI thread as it is
 * measured, with the status line and progress bar counting the points.
 */
final class MemoryViewModel extends EngineJobModel {

  MemoryViewModel(Executor engine, Executor ui, StatusModel status) {
    super(engine, ui, status);
  }

  CompletableFuture<List<MemoryPoint>> measure(
      ExperimentConfig config,
      List<Integer> depths,
      int length,
      int batch,
      Consumer<MemoryPoint> onPoint) {
    status.beginJob("Measuring training-step memory: DEQ, then unrolled depths " + depths + "…");
    int[] measured = {0};
    MemoryStudy study = new MemoryStudy(config, length, batch);
    String[] method = {""};
    return endingJob(
        CompletableFuture.supplyAsync(
            () -> {
              method[0] = study.method();
              return study.measure(
                  depths,
                  true,
                  point ->
                      ui.execute(
                          () -> {
                            onPoint.accept(point);
                            status.progress((double) ++measured[0] / (depths.size() + 1));
                            status.say(
                                point.depth() == 0
                                    ? String.format(
                                        Locale.ROOT,
                                        "Memory: DEQ keeps %.1f MiB",
                                        point.keptMegabytes())
                                    : String.format(
                                        Locale.ROOT,
                                        "Memory: unrolled L = %d keeps %.1f MiB",
                                        point.depth(),
                                        point.keptMegabytes()));
                          }));
            },
            engine),
        () ->
            "Memory measured: DEQ and " + depths.size() + " unrolled depths; read as " + method[0],
        error -> "Memory measurement failed: " + RunViewModel.rootMessage(error));
  }
}
