package org.deqlab.app.ui;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.deqlab.core.experiment.DeviceChoice;
import org.deqlab.core.memory.MemoryPoint;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.torchscript.TorchScriptStudy;

/**
 * "Open PyTorch cell…": loads a user's TorchScript cell on the engine thread and takes a first look
 * at it ({@link TorchScriptStudy}), with the status line saying what happens.
 */
final class PyTorchCellViewModel extends EngineJobModel {
  /**
   * The batch the memory comparison runs at: a user's input is often a handful of rows, whose
   * training step moves resident memory by less than the allocator's granularity (a 32-row input
   * drew 0, 0, 0.54, 0.02 MiB at L = 1, 4, 16, 64 here); at 1,024 rows the DEQ/unrolled ratio reads
   * 1.10, 0.55, 0.18 as on the command line.
   */
  static final int MEMORY_BATCH = 1024;

  PyTorchCellViewModel(Executor engine, Executor ui, StatusModel status) {
    super(engine, ui, status);
  }

  /**
   * Loads, checks, solves and probes on {@code device}; the future fails with the refusal (see
   * {@link #refusal}).
   */
  CompletableFuture<TorchScriptStudy.Report> open(Path cell, Path input, DeviceChoice device) {
    status.beginJob("Loading the PyTorch cell " + cell.getFileName() + "…");
    return CompletableFuture.supplyAsync(
            () -> TorchScriptStudy.run(cell, input, device.resolve(), SolverOptions.defaults()),
            engine)
        .whenComplete(
            (report, error) ->
                ui.execute(
                    () ->
                        status.endJob(
                            error == null
                                ? "PyTorch cell "
                                    + cell.getFileName()
                                    + ": gradient check "
                                    + (report.gradientCheck().passed() ? "passed" : "FAILED")
                                : "The PyTorch cell was refused: " + refusal(error))));
  }

  /**
   * Measures the cell's training-step memory as a DEQ against its unrolled twin at {@code depths}
   * at a batch of {@link #MEMORY_BATCH}, each point handed to {@code onPoint} on the UI thread.
   */
  CompletableFuture<List<MemoryPoint>> memory(
      Path cell,
      Path input,
      DeviceChoice device,
      List<Integer> depths,
      Consumer<MemoryPoint> onPoint) {
    status.beginJob("Measuring the PyTorch cell's memory: DEQ, then unrolled depths " + depths);
    int[] measured = {0};
    return endingJob(
        CompletableFuture.supplyAsync(
            () ->
                TorchScriptStudy.memory(
                    cell,
                    input,
                    device.resolve(),
                    depths,
                    MEMORY_BATCH,
                    line -> {},
                    point ->
                        ui.execute(
                            () -> {
                              onPoint.accept(point);
                              status.progress((double) ++measured[0] / (depths.size() + 1));
                            })),
            engine),
        () -> "PyTorch cell memory measured",
        error -> "Memory measurement failed: " + refusal(error));
  }

  /**
   * The one line a refusal says: the message of the first {@link IllegalArgumentException} in the
   * chain (a {@code TorchScriptException} names the file; its engine cause has many lines), else
   * the root cause's.
   */
  static String refusal(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException) {
        return t.getMessage();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return RunViewModel.rootMessage(error);
  }
}
