package org.deqlab.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.List;
import org.deqlab.core.data.Batch;
import org.deqlab.core.data.Split;
import org.deqlab.core.data.TrainingData;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunOutcome;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop: it learns, it honours live settings, it checkpoints exactly. */
class TrainerTest extends EngineTest {
  @TempDir Path directory;

  @Test
  void trainingLowersTheHeldOutLossAndReportsEverySolve() {
    TinyExperiment experiment = new TinyExperiment(manager, "{\"steps\": 40}");
    double before = experiment.trainer.evaluate(Split.VALID).loss();
    for (int i = 0; i < 40; i++) {
      experiment.trainer.trainStep();
    }
    double after = experiment.trainer.evaluate(Split.VALID).loss();
    assertTrue(after < before - 0.5, "held-out loss " + before + " → " + after);

    List<RunEvent.Step> steps = experiment.events(RunEvent.Step.class);
    assertEquals(40, steps.size());
    RunEvent.Step last = steps.get(39);
    assertNotNull(last.forward());
    assertNotNull(last.backward(), "implicit backward reports its solve");
    assertEquals(last.forward().steps(), last.forward().relativeTrace().length());
    assertTrue(last.gradientNorm() > 0);
  }

  /**
   * The trainer's solves share the workspace it was given: evaluation leaves the buffers there for
   * the next batch's solve, a training step frees them before its final vector–Jacobian product,
   * and a run frees them when it ends.
   */
  @Test
  void theTrainersSolvesShareItsWorkspaceAndARunFreesTheBuffersWhenItEnds() {
    TinyExperiment experiment = new TinyExperiment(manager, "{\"steps\": 2}");
    experiment.trainer.evaluate(Split.VALID);
    assertTrue(experiment.workspace.bufferBytes() > 0, "Anderson's histories wait for reuse");
    experiment.trainer.trainStep();
    assertEquals(0, experiment.workspace.bufferBytes(), "freed before the step's final VJP");
    experiment.trainer.evaluate(Split.VALID);
    experiment.trainer.run(new RunControl(), step -> {});
    assertEquals(2, experiment.trainer.completedSteps());
    assertEquals(0, experiment.workspace.bufferBytes(), "freed when the run ends");
  }

  @Test
  void pretrainingUsesTheShallowUnrolledStackThenSwitchesToTheDeq() {
    TinyExperiment experiment = new TinyExperiment(manager, "{\"steps\": 6, \"pretrainSteps\": 3}");
    for (int i = 0; i < 6; i++) {
      experiment.trainer.trainStep();
    }
    List<RunEvent.Step> steps = experiment.events(RunEvent.Step.class);
    for (int i = 0; i < 3; i++) {
      assertEquals("pretrain", steps.get(i).phase());
      assertNull(steps.get(i).forward());
    }
    for (int i = 3; i < 6; i++) {
      assertTrue(steps.get(i).phase().startsWith("deq("), steps.get(i).phase());
      assertNotNull(steps.get(i).forward());
    }
  }

  @Test
  void aLiveThresholdChangeTakesEffectAtTheNextStepAndIsAnnounced() {
    TinyExperiment experiment =
        new TinyExperiment(
            manager, "{\"forward\": {\"options\": {\"tolerance\": 1e-9, \"maxIterations\": 30}}}");
    experiment.trainer.trainStep();
    experiment.trainer.trainStep();
    experiment.settings.update(v -> v.withForward(v.forward().withMaxIterations(3)));
    experiment.trainer.trainStep();

    List<RunEvent.Step> steps = experiment.events(RunEvent.Step.class);
    assertTrue(steps.get(1).forward().steps() > 3, "before: " + steps.get(1).forward().steps());
    assertEquals(3, steps.get(2).forward().steps());
    List<RunEvent.SettingChanged> changes = experiment.events(RunEvent.SettingChanged.class);
    assertEquals(1, changes.size());
    assertEquals(3, changes.get(0).step());
    assertTrue(
        changes.get(0).description().contains("f_thres 30 → 3"), changes.get(0).description());
  }

  @Test
  void aCheckpointRoundTripsParametersOptimizerAndStepExactly() throws Exception {
    TinyExperiment original = new TinyExperiment(manager, "{\"steps\": 10}");
    for (int i = 0; i < 5; i++) {
      original.trainer.trainStep();
    }
    Path file = directory.resolve("run.ckpt");
    Checkpoint.save(file, original.trainer);

    ExperimentConfig stored = Checkpoint.readConfig(file);
    assertEquals(original.config, stored);
    TinyExperiment restored = new TinyExperiment(manager, stored);
    Checkpoint.restore(file, restored.trainer, manager);

    assertEquals(5, restored.trainer.completedSteps());
    assertEquals(5, restored.trainer.optimizer().step());
    List<Pair<String, Parameter>> a = original.model.block().getParameters().stream().toList();
    List<Pair<String, Parameter>> b = restored.model.block().getParameters().stream().toList();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).getKey(), b.get(i).getKey());
      assertArrayEquals(
          a.get(i).getValue().getArray().toFloatArray(),
          b.get(i).getValue().getArray().toFloatArray(),
          0f,
          a.get(i).getKey());
    }
    // Identical parameters and optimizer state: the next step is identical too.
    RunEvent.Step next = original.trainer.trainStep();
    RunEvent.Step resumed = restored.trainer.trainStep();
    assertEquals(next.step(), resumed.step());
    assertEquals(next.loss(), resumed.loss(), 0.0);
    assertEquals(
        original.trainer.evaluate(Split.VALID).loss(),
        restored.trainer.evaluate(Split.VALID).loss(),
        0.0);
  }

  @Test
  void aLongRegularizedAndProbedRunKeepsTheLiveArrayCountFlat() {
    try (NDManager scoped = manager.newSubManager()) {
      TinyExperiment experiment =
          new TinyExperiment(
              scoped,
              "{\"steps\": 300, \"task\": {\"sequenceLength\": 8, \"batchSize\": 4},"
                  + " \"model\": {\"hidden\": 16}, \"jacobian\": {\"weight\": 0.5, \"probes\": 2,"
                  + " \"probeEvery\": 50, \"probeProducts\": 8}}");
      int at100 = -1;
      // 300 trainer steps here; core.jacobian.JacobianMemoryTest runs 1,000 regularized steps.
      for (int step = 1; step <= 300; step++) {
        experiment.trainer.trainStep();
        if (step == 100) {
          at100 = scoped.getManagedArrays().size();
        }
      }
      int at300 = scoped.getManagedArrays().size();
      List<RunEvent.Step> steps = experiment.events(RunEvent.Step.class);
      RunEvent.Step probed = steps.get(299);
      assertTrue(probed.probed(), "step 300 is a probe step");
      assertFalse(probed.ritzValues().isEmpty(), "a probe step carries Arnoldi's Ritz values");
      assertTrue(probed.regularization() > 0, "γ > 0 adds a regularization term");
      assertEquals(at100, at300, "live native arrays must not grow with the steps (γ = 0.5)");
    }
  }

  @Test
  void aDivergingRunFailsWithTheStepAndKeepsWhatItLogged() {
    TinyExperiment experiment = new TinyExperiment(manager, "{\"steps\": 50}");
    experiment.trainer.trainStep();
    experiment.trainer.trainStep();
    // A non-finite parameter, as a blown-up update would leave: step 3 produces a NaN loss.
    NDArray poisoned = experiment.model.block().getParameters().get(0).getValue().getArray();
    float[] values = poisoned.toFloatArray();
    values[0] = Float.NaN;
    poisoned.set(values);
    TrainingFailedException failure =
        assertThrows(
            TrainingFailedException.class,
            () -> experiment.trainer.run(new RunControl(), step -> {}));
    assertEquals(RunOutcome.FAILED, failure.finished().reason());
    assertTrue(
        failure.finished().message().contains("diverged at step 3"), failure.finished().message());
    List<RunEvent.Step> steps = experiment.events(RunEvent.Step.class);
    assertEquals(3, steps.size(), "the steps before the failure and the failing one are reported");
    assertTrue(Double.isFinite(steps.get(1).loss()));
    RunEvent.Step last = steps.get(2);
    assertFalse(
        Double.isFinite(last.loss()) && Double.isFinite(last.gradientNorm()),
        "the failing step is reported with its non-finite value");
    assertTrue(
        experiment.events(RunEvent.Finished.class).isEmpty(),
        "the trainer leaves announcing the end to the run that owns it");
  }

  @Test
  void theJacobianTermChangesTheGradientOfTheCellsParameters() {
    String config =
        "{\"steps\": 5, \"task\": {\"sequenceLength\": 8, \"batchSize\": 4},"
            + " \"model\": {\"hidden\": 16}, \"jacobian\": {\"weight\": %s, \"probes\": 2}}";
    RunEvent.Step plain =
        new TinyExperiment(manager, String.format(config, "0")).trainer.trainStep();
    RunEvent.Step regularized =
        new TinyExperiment(manager, String.format(config, "5")).trainer.trainStep();
    assertEquals(plain.loss(), regularized.loss(), 1e-6, "same seed, same batch, same task loss");
    assertTrue(regularized.regularization() > 0);
    assertTrue(
        Math.abs(regularized.gradientNorm() - plain.gradientNorm()) > 1e-4,
        "γ = 5 must change the gradient: "
            + plain.gradientNorm()
            + " vs "
            + regularized.gradientNorm());
  }

  /**
   * Memory that runs out in a step ends the run as failed with the step, the size requested and
   * what to lower; the steps before it were published whole.
   */
  @Test
  void runningOutOfGpuMemoryStopsTheRunWithTheStepTheRequestAndWhatToLower() {
    TinyExperiment experiment =
        new TinyExperiment(
            manager,
            TinyExperiment.config("{\"steps\": 5}"),
            data ->
                new TrainingData() {
                  @Override
                  public int vocabularySize() {
                    return data.vocabularySize();
                  }

                  @Override
                  public boolean classification() {
                    return data.classification();
                  }

                  @Override
                  public Batch trainBatch(NDManager m, int step) {
                    if (step == 3) {
                      throw new EngineException(
                          "CUDA out of memory. Tried to allocate 1.50 GiB. GPU 0 has a total"
                              + " capacity of 7.79 GiB of which 0.20 GiB is free.");
                    }
                    return data.trainBatch(m, step);
                  }

                  @Override
                  public List<Batch> evalBatches(NDManager m, Split split) {
                    return data.evalBatches(m, split);
                  }

                  @Override
                  public double baselineLoss() {
                    return data.baselineLoss();
                  }

                  @Override
                  public String describe() {
                    return data.describe();
                  }
                });
    TrainingFailedException e =
        assertThrows(
            TrainingFailedException.class,
            () -> experiment.trainer.run(new RunControl(), step -> {}));
    RunEvent.Finished finished = e.finished();
    assertEquals(RunOutcome.FAILED, finished.reason());
    assertEquals(2, finished.step());
    assertTrue(
        finished.message().startsWith("GPU 0 memory ran out (1.50 GiB requested) at step 3;"),
        finished.message());
    assertTrue(finished.message().contains("task.batchSize (8)"), finished.message());
    assertEquals(2, experiment.events(RunEvent.Step.class).size());
  }
}
