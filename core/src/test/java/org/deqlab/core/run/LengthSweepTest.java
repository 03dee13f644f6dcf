package org.deqlab.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.ExperimentConfigs;
import org.junit.jupiter.api.Test;

/**
 * The length sweep tells a length whose solves converged (its mean step count) from one where the
 * solver stopped at its limit (reported as not converged, with the residual it reached and the
 * limit, never as a step count).
 */
class LengthSweepTest {

  private static ExperimentConfig tiny() {
    return ExperimentConfigs.fromText(
        "{\"preset\": \"char-lm-deq-transformer\", \"model\": {\"cell\": \"mlp\", \"hidden\": 16,"
            + " \"embedding\": 8}, \"task\": {\"sequenceLength\": 8, \"batchSize\": 4,"
            + " \"evalBatches\": 1}, \"steps\": 2, \"pretrainSteps\": 0, \"evalEvery\": 0,"
            + " \"checkpointEvery\": 0, \"jacobian\": {\"probeEvery\": 0},"
            + " \"forward\": {\"options\": {\"tolerance\": 1e-6}}}",
        "test");
  }

  @Test
  void aLengthWhereTheSolverHitItsLimitIsReportedAsNotConvergedWithItsResidual() {
    try (ExperimentRun run = ExperimentRun.create(tiny(), ExperimentRun.Options.inMemory())) {
      List<RunEvent.SweepPoint> capped = run.sweep("capped", List.of(4, 8), 2, 2);
      List<RunEvent.SweepPoint> free = run.sweep("free", List.of(4, 8), 2, 200);
      for (RunEvent.SweepPoint point : capped) {
        assertFalse(point.converged(), point.toString());
        assertEquals(2, point.limit());
        assertTrue(Double.isNaN(point.convergedSteps()), "a limit is not a step count");
        assertTrue(point.worstRelativeResidual() > 1e-6, point.toString());
        assertTrue(
            point.outcome().startsWith("not converged: rel residual ")
                && point.outcome().contains("at the limit of 2"),
            point.outcome());
      }
      for (RunEvent.SweepPoint point : free) {
        assertTrue(point.converged(), point.toString());
        assertEquals(point.meanSteps(), point.convergedSteps());
        assertTrue(point.outcome().endsWith(" steps"), point.outcome());
        assertTrue(point.worstRelativeResidual() <= 1e-6, point.toString());
      }
    }
  }

  @Test
  void aPointFromAnOlderLogWithoutTheWorstResidualReportsTheMeanOne() {
    // Older logs lack the limit and the worst residual: they read as 0.
    RunEvent.SweepPoint old = new RunEvent.SweepPoint("old", 25, 100, 100, 3.2e-2, 0, 12, 0, 0);
    assertFalse(old.converged());
    assertEquals(3.2e-2, old.worstRelativeResidual());
    assertEquals("not converged: rel residual 3.2e-02 at the limit", old.outcome());
    RunEvent.SweepPoint half = new RunEvent.SweepPoint("old", 25, 60, 100, 1e-3, 0.5, 12, 0, 0);
    assertTrue(half.outcome().endsWith("(50% of batches converged)"), half.outcome());
  }
}
