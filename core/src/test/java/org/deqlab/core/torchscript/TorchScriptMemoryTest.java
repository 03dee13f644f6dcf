package org.deqlab.core.torchscript;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.deqlab.core.memory.MallocTuning;
import org.deqlab.core.memory.MemoryComparison;
import org.deqlab.core.memory.MemoryPoint;
import org.deqlab.core.memory.ProcessMemory;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.StopCriterion;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.Test;

/**
 * The memory claim on a user's own cell: a training step of the TorchScript cell as a DEQ keeps
 * about one application's tensors, its unrolled twin (the same module applied L times with
 * autograd) L applications', so the ratio DEQ/unrolled shrinks as L grows.
 */
class TorchScriptMemoryTest extends EngineTest {

  @Test
  void theDeqKeepsLessThanItsUnrolledTwinAndTheRatioShrinksWithDepth() {
    assumeTrue(ProcessMemory.available(), "needs Linux /proc");
    assumeTrue(MallocTuning.releasePromptly(), "needs mallopt");
    try (TorchScriptProblem problem = TorchScriptFixtures.load("mlp256", manager)) {
      SolverOptions options =
          SolverOptions.defaults().withStopping(40, 1e-4, StopCriterion.ABSOLUTE);
      MemoryComparison comparison =
          new MemoryComparison(
              problem.cell(),
              manager,
              SolverKind.ANDERSON,
              options,
              options,
              ProcessMemory.meter());
      List<Integer> depths = List.of(2, 8, 32);
      List<MemoryPoint> points = comparison.run(new Shape(512, 64), depths, point -> {});
      MemoryPoint deq = points.get(0);
      // Resident memory can read 0 for the DEQ when the allocator hands it blocks freed earlier, so
      // the ratio may stay at 0: it must never grow, and the twin's memory must grow with L.
      double previous = Double.POSITIVE_INFINITY;
      long previousKept = 0;
      StringBuilder figures = new StringBuilder("DEQ kept " + deq.keptBytes());
      for (MemoryPoint unrolled : points.subList(1, points.size())) {
        figures
            .append(", L=")
            .append(unrolled.depth())
            .append(" kept ")
            .append(unrolled.keptBytes());
        assertTrue(unrolled.keptBytes() > previousKept, figures.toString());
        previousKept = unrolled.keptBytes();
        double ratio = (double) deq.keptBytes() / unrolled.keptBytes();
        assertTrue(ratio <= previous && ratio < 1, figures.toString());
        previous = ratio;
        assertTrue(
            unrolled.gradientDifference() < 1e-2 || unrolled.depth() < 32, figures.toString());
      }
      assertTrue(previous < 0.25, figures.toString());
    } finally {
      MallocTuning.restore();
    }
  }
}
