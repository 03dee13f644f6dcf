package org.deqlab.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.deqlab.core.solver.SolverOptions;
import org.junit.jupiter.api.Test;

class LiveSettingsTest {

  private static LiveSettings.Values values(int forwardThreshold) {
    SolverOptions options = SolverOptions.defaults();
    return new LiveSettings.Values(options.withMaxIterations(forwardThreshold), options, 0, 1e-3);
  }

  @Test
  void aChangeIsRecordedAtTheFirstStepThatUsesIt() {
    LiveSettings settings = new LiveSettings(values(30));
    List<LiveSettings.Change> applied = new ArrayList<>();
    assertEquals(30, settings.takeForStep(1, applied).forward().maxIterations());
    assertTrue(applied.isEmpty());

    settings.update(v -> v.withForward(v.forward().withMaxIterations(3)));
    settings.update(v -> v.withLearningRate(1e-3)); // no change: nothing to record
    assertEquals(3, settings.peek().forward().maxIterations(), "peek sees the new value at once");
    assertEquals(3, settings.takeForStep(2, applied).forward().maxIterations());
    assertEquals(List.of(new LiveSettings.Change(2, "f_thres 30 → 3")), applied);

    applied.clear();
    settings.takeForStep(3, applied);
    assertTrue(applied.isEmpty(), "a change is taken once");
    assertEquals(List.of(new LiveSettings.Change(2, "f_thres 30 → 3")), settings.history());
  }

  /**
   * Values and their change records are taken together: while another thread keeps changing f_thres
   * by one, the f_thres a step reads always equals the start plus the changes recorded at or before
   * that step. (Reading the value and then the record separately breaks this: the window workbench
   * test saw a step run with f_thres 3 whose change was logged a step later.)
   */
  @Test
  void aStepNeverSeesAValueWhoseChangeIsRecordedLater() throws InterruptedException {
    LiveSettings settings = new LiveSettings(values(1));
    int updates = 20_000;
    Thread user =
        new Thread(
            () -> {
              for (int i = 0; i < updates; i++) {
                settings.update(
                    v ->
                        v.withForward(
                            v.forward().withMaxIterations(v.forward().maxIterations() + 1)));
              }
            });
    user.start();
    int recorded = 0;
    int step = 0;
    while (user.isAlive() || recorded < updates) {
      List<LiveSettings.Change> applied = new ArrayList<>();
      int threshold = settings.takeForStep(++step, applied).forward().maxIterations();
      recorded += applied.size();
      assertEquals(1 + recorded, threshold, "step " + step);
    }
    user.join();
    assertEquals(updates, settings.history().size());
  }
}
