package org.deqlab.core.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deqlab.core.solver.ResidualTrace;
import org.deqlab.core.solver.SolveStats;
import org.deqlab.core.solver.StopReason;
import org.junit.jupiter.api.Test;

/**
 * A DEQ check whose forward solve stopped short says so: gradients taken at two points that are not
 * the equilibrium need not agree, whatever the arithmetic (what made the small Transformer's check
 * fail on a GPU whose generator drew a barely contractive cell).
 */
class UnconvergedSolveNoteTest {
  private static SolveStats stats(StopReason reason, int steps, double residual) {
    return new SolveStats(
        steps,
        steps,
        ResidualTrace.of(1, residual),
        ResidualTrace.of(1, residual),
        steps,
        residual,
        residual,
        reason,
        0);
  }

  @Test
  void convergedSolvesAndProbesWithoutOneAddNothing() {
    assertEquals("", PrecisionCheck.unconverged(null, null));
    assertEquals(
        "",
        PrecisionCheck.unconverged(
            stats(StopReason.CONVERGED, 36, 3e-12), stats(StopReason.CONVERGED, 35, 4e-12)));
  }

  @Test
  void aSolveThatStoppedShortIsNamedWithHowFarItGot() {
    String note =
        PrecisionCheck.unconverged(
            stats(StopReason.MAX_ITERATIONS, 100, 1.43e-4), stats(StopReason.CONVERGED, 36, 3e-12));
    assertTrue(note.startsWith("forward solve not converged: checked max_iterations"), note);
    assertTrue(note.contains("after 100 steps (relative residual 1.4e-04)"), note);
    assertTrue(!note.contains("reference"), note);

    PrecisionOutcome outcome =
        new PrecisionOutcome(
            "transformer",
            Probe.DEQ_IMPLICIT,
            List.of(new PrecisionOutcome.QuantityError("relativeBias", 0.8)),
            2e-3,
            false,
            note);
    assertTrue(outcome.summary().endsWith(note), outcome.summary());
  }
}
