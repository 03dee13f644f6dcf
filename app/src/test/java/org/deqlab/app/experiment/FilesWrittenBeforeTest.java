package org.deqlab.app.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deqlab.core.cell.ConvolutionPath;
import org.deqlab.core.data.Split;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.experiment.CellKind;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.run.ExperimentFile;
import org.deqlab.core.run.ExperimentRun;
import org.deqlab.core.run.RunLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A saved experiment, its run log and its checkpoint as the workbench wrote them on 2026-12-04,
 * before configs were typed and gained {@code model.convolution} and {@code description} (made by
 * commit 16fb2a7 with {@code ./deq run --config config-that-made-it.json --sweep none}): they still
 * open, replay and evaluate.
 */
class FilesWrittenBeforeTest {
  private static final String FIXTURE = "/org/deqlab/app/fixtures/written-2026-12-04/";

  @TempDir Path directory;

  private Path copy(String name) throws IOException {
    Path target = directory.resolve(name);
    try (InputStream in = getClass().getResourceAsStream(FIXTURE + name)) {
      Files.copy(in, target);
    }
    return target;
  }

  @Test
  void aSavedExperimentItsRunLogAndItsCheckpointStillOpen() throws Exception {
    Path saved = copy("experiment.deq.json");
    Path log = copy("run.jsonl");
    Path checkpoint = copy("last.ckpt");

    ExperimentFile file = ExperimentFile.read(saved);
    ExperimentConfig config = file.config();
    assertEquals("written-2026-12-04", config.name());
    assertEquals(CellKind.TRELLISNET, config.model().cell());
    assertEquals(ConvolutionPath.AUTO, config.model().convolution(), "absent: what was used then");
    assertEquals(log.toAbsolutePath(), file.runLog().toAbsolutePath());
    assertEquals(checkpoint.toAbsolutePath(), file.checkpoint().toAbsolutePath());

    RunLog.Contents contents = RunLog.read(log);
    assertEquals(config, contents.config());
    assertEquals(3, contents.ofType(RunEvent.Step.class).size());
    assertEquals(1, contents.ofType(RunEvent.Finished.class).size());
    assertEquals(0, contents.unreadableLines());

    try (ExperimentRun restored =
        ExperimentRun.restore(checkpoint, ExperimentRun.Options.inMemory())) {
      assertEquals(config, restored.config());
      assertEquals(3, restored.trainer().completedSteps());
      RunEvent.Evaluation evaluation = restored.trainer().evaluate(Split.VALID);
      assertTrue(
          Double.isFinite(evaluation.loss()) && evaluation.loss() > 0, evaluation.toString());
    }
  }
}
