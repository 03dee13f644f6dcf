package org.deqlab.app.cli;

import static org.deqlab.app.cli.CliOutcome.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunOutcome;
import org.deqlab.core.run.ExperimentFile;
import org.deqlab.core.run.RunLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;

/**
 * {@code ./deq run}: the window's experiment without a window, writing one drawn PNG per plot, the
 * run log and an experiment file the window can open. (The JavaFX toolkit is started by TestFX
 * here, on Monocle as {@code ./deq run} itself would start it.)
 */
@ExtendWith(ApplicationExtension.class)
class RunCommandTest {
  @TempDir Path directory;

  /** Distinct colours in a coarse grid of the image: a drawn chart has lines, text and markers. */
  private static int colours(BufferedImage image) {
    Set<Integer> seen = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        seen.add(image.getRGB(x, y));
      }
    }
    return seen.size();
  }

  @Test
  void writesOnePngPerPlotTheRunLogAndAnExperimentFile() throws Exception {
    Path config = directory.resolve("tiny.json");
    Files.writeString(
        config,
        """
        {"preset": "copy-memory-deq-transformer", "name": "tiny",
         "task": {"sequenceLength": 8, "batchSize": 4, "evalBatches": 1},
         "model": {"embedding": 8, "hidden": 8, "heads": 1, "feedForward": 16},
         "jacobian": {"probeProducts": 4}, "evalEvery": 0, "checkpointEvery": 0}
        """);
    Path out = directory.resolve("out");

    CliOutcome outcome =
        run(
            "run",
            "--config",
            config.toString(),
            "--steps",
            "10",
            "--sweep",
            "4,8",
            "--out",
            out.toString());

    assertEquals(0, outcome.code(), outcome.err() + outcome.out());
    assertTrue(outcome.out().contains("probing the Jacobian every"), outcome.out());
    for (String plot :
        List.of(
            "residual-traces",
            "training-curves",
            "jacobian-at-the-equilibrium",
            "ritz-values-of-j-f-z",
            "solver-steps-vs-sequence-length")) {
      BufferedImage image = ImageIO.read(out.resolve(plot + ".png").toFile());
      assertEquals(900, image.getWidth(), plot);
      assertEquals(600, image.getHeight(), plot);
      assertTrue(colours(image) > 20, plot + " is a drawn chart, not a blank image");
      List<String> csv = Files.readAllLines(out.resolve(plot + ".csv"));
      assertTrue(csv.size() > 1, plot + " has data: " + csv);
    }
    RunLog.Contents log = RunLog.read(out.resolve("run.jsonl"));
    assertEquals(10, log.ofType(RunEvent.Step.class).size());
    assertEquals(RunOutcome.COMPLETED, log.ofType(RunEvent.Finished.class).get(0).reason());
    assertTrue(
        log.ofType(RunEvent.Step.class).stream().anyMatch(step -> !step.ritzValues().isEmpty()),
        "the shortened probe interval probed the Jacobian");
    assertEquals(2, log.ofType(RunEvent.SweepPoint.class).size(), "the sweep is logged");
    ExperimentFile saved = ExperimentFile.read(out.resolve("experiment.deq.json"));
    assertEquals(out.resolve("run.jsonl").toAbsolutePath(), saved.runLog().toAbsolutePath());
    assertEquals("tiny", saved.config().name());
    assertTrue(Files.exists(saved.checkpoint()));
    // The sweep plot has the two measured lengths.
    assertEquals(3, Files.readAllLines(out.resolve("solver-steps-vs-sequence-length.csv")).size());
  }

  @Test
  void helpNamesTheWindowAndTheRunCommandAndItsOutputFolder() {
    CliOutcome help = run("help");
    assertTrue(help.out().contains("open the workbench window"), help.out());
    assertTrue(help.out().contains("  run "), help.out());
    CliOutcome usage = run("help", "run");
    assertTrue(usage.out().contains("--out DIR"), usage.out());
    assertTrue(usage.out().contains("DEQ_RUNS changes it"), usage.out());
  }
}
