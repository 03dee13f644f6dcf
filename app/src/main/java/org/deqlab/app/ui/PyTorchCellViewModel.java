package org.deqlab.app.ui;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.deqlab.core.experiment.DeviceChoice;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.torchscript.TorchScriptStudy;

/**
 * "Open PyTorch cell…": loads a user's TorchScript cell on the engine thread and takes a first look
 * at it ({@link TorchScriptStudy}), with the status line saying what happens.
 */
final class PyTorchCellViewModel {
  private final Executor engine;
  private final Executor ui;
  private final StatusModel status;

  PyTorchCellViewModel(Executor engine, Executor ui, StatusModel status) {
    this.engine = engine;
    this.ui = ui;
    this.status = status;
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
