package org.deqlab.core.torchscript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deqlab.core.data.Split;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunOutcome;
import org.deqlab.core.experiment.CellKind;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.Presets;
import org.deqlab.core.run.ExperimentRun;
import org.deqlab.core.run.RunFolderLock;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.StopCriterion;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's TorchScript cell trains as any run does: through {@link ExperimentRun}, with its run
 * log, checkpoints that resume exactly, live settings, and the trained module written back as
 * TorchScript; inside a built-in task when the shapes fit, refused by name when they do not.
 */
class TorchScriptRunTest extends EngineTest {
  private static final SolverOptions SOLVE =
      SolverOptions.defaults().withStopping(60, 1e-5, StopCriterion.ABSOLUTE);

  /** The gated fixture fitted to its targets: batch 16, Adam at 1e-2, γ = 0.1. */
  private static ExperimentConfig fit(int steps) {
    ExperimentConfig config =
        Presets.torchScriptFit(
            TorchScriptFixtures.file("gated.pt"),
            TorchScriptFixtures.file("gated.npz"),
            TorchScriptFixtures.file("gated-train.npz"));
    return config
        .withTask(config.task().withBatchSize(16))
        .withForward(config.forward().withOptions(SOLVE))
        .withBackward(config.backward().withOptions(SOLVE))
        .withJacobian(config.jacobian().withWeight(0.1).withProbeEvery(5))
        .withSteps(steps)
        .withEvalEvery(0)
        .withCheckpointEvery(10)
        .withDevice(org.deqlab.core.experiment.DeviceChoice.CPU);
  }

  @Test
  void aFitLowersTheErrorLogsCheckpointsAndWritesTheTrainedModuleBack(@TempDir Path folder)
      throws IOException {
    List<RunEvent> events = new ArrayList<>();
    double before;
    RunEvent.Finished finished;
    Path trained;
    NDArray expected;
    try (ExperimentRun run = ExperimentRun.create(fit(40), ExperimentRun.Options.into(folder))) {
      assertTrue(run.precisionNote().contains("passed"), run.precisionNote());
      before = run.trainer().evaluate(Split.VALID).loss();
      run.events().subscribe(events::add);
      finished = run.run();
      trained = run.trainedModule().orElseThrow();
      TorchScriptCell cell = (TorchScriptCell) run.model().cell();
      try (NDManager scope = manager.newSubManager()) {
        NDArray x = scope.randomNormal(cell.inputShape(3));
        expected =
            Autograd.noGrad(
                () -> cell.apply(new ParameterStore(scope, false), cell.initialState(x), x, false));
        expected.detach();
        x.detach();
        try (TorchScriptProblem reloaded =
            TorchScriptProblem.load(trained, TorchScriptFixtures.file("gated.npz"), manager)) {
          NDArray again =
              Autograd.noGrad(
                  () ->
                      reloaded
                          .cell()
                          .apply(
                              new ParameterStore(scope, false),
                              reloaded.cell().initialState(x),
                              x,
                              false));
          assertEquals(0.0, expected.sub(again).abs().max().getFloat(), 1e-7);
        }
      }
    }
    assertEquals(RunOutcome.COMPLETED, finished.reason(), finished.message());
    double after =
        events.stream()
            .filter(RunEvent.Evaluation.class::isInstance)
            .map(RunEvent.Evaluation.class::cast)
            .reduce((a, b) -> b)
            .orElseThrow()
            .loss();
    assertTrue(after < 0.5 * before, "MSE " + before + " → " + after);
    List<RunEvent.Step> steps =
        events.stream()
            .filter(RunEvent.Step.class::isInstance)
            .map(RunEvent.Step.class::cast)
            .toList();
    assertEquals(40, steps.size());
    assertTrue(steps.stream().allMatch(step -> step.regularization() > 0));
    assertTrue(steps.stream().anyMatch(step -> Double.isFinite(step.spectralRadius())));
    assertTrue(Files.isRegularFile(folder.resolve(ExperimentRun.LAST_CHECKPOINT)));
    long logged =
        Files.readAllLines(folder.resolve(ExperimentRun.LOG)).stream()
            .filter(line -> line.contains("\"step\""))
            .count();
    assertTrue(logged >= 40, "run log lines with a step: " + logged);
    assertTrue(trained.getFileName().toString().equals("gated-trained.pt"), trained.toString());
  }

  @Test
  void liveSettingsReachATorchScriptRunAtTheNextStep() {
    List<RunEvent.Step> steps = new ArrayList<>();
    try (ExperimentRun run = ExperimentRun.create(fit(12), ExperimentRun.Options.inMemory())) {
      run.events()
          .subscribe(
              event -> {
                if (event instanceof RunEvent.Step step) {
                  steps.add(step);
                  if (step.step() == 6) { // as the window's knobs do, from the event stream
                    run.settings()
                        .update(
                            values ->
                                values
                                    .withJacobianWeight(0)
                                    .withForward(values.forward().withMaxIterations(3))
                                    .withBackward(values.backward().withMaxIterations(2)));
                  }
                }
              });
      assertEquals(RunOutcome.COMPLETED, run.run().reason());
    }
    for (RunEvent.Step step : steps) {
      if (step.step() <= 6) {
        assertTrue(step.regularization() > 0, "γ = 0.1 until step 6: " + step);
        assertTrue(step.forward().steps() > 3, "f_thres 60 until step 6: " + step);
      } else {
        assertEquals(0.0, step.regularization(), "γ = 0 from step 7: " + step);
        assertTrue(step.forward().steps() <= 3, "f_thres 3 from step 7: " + step);
        assertTrue(step.backward().steps() <= 2, "b_thres 2 from step 7: " + step);
      }
    }
  }

  @Test
  void aResumedRunEndsWhereAnUninterruptedOneEnds(@TempDir Path folder) {
    double straight;
    try (ExperimentRun run = ExperimentRun.create(fit(20), ExperimentRun.Options.inMemory())) {
      run.run();
      straight = run.trainer().evaluate(Split.VALID).loss();
      // the module's parameters as trained, to compare with the resumed run's
    }
    try (ExperimentRun first =
        ExperimentRun.create(fit(20).withSteps(10), ExperimentRun.Options.into(folder))) {
      first.run();
    }
    double resumed;
    try (ExperimentRun second =
        ExperimentRun.restore(
            folder.resolve(ExperimentRun.LAST_CHECKPOINT),
            config -> config.withSteps(20),
            ExperimentRun.Options.into(folder).withReuse(RunFolderLock.Reuse.RESUME))) {
      assertEquals(10, second.trainer().completedSteps());
      second.run();
      resumed = second.trainer().evaluate(Split.VALID).loss();
    }
    assertEquals(straight, resumed, 1e-6 * Math.max(1, straight));
  }

  @Test
  void aRestoredCheckpointPutsTheTrainedValuesIntoTheModulesOwnTensors(@TempDir Path folder) {
    List<float[]> trained = new ArrayList<>();
    try (ExperimentRun run = ExperimentRun.create(fit(10), ExperimentRun.Options.into(folder))) {
      run.run();
      for (Parameter parameter : run.model().block().getParameters().values()) {
        trained.add(parameter.getArray().toFloatArray());
      }
    }
    try (ExperimentRun restored =
        ExperimentRun.restore(
            folder.resolve(ExperimentRun.LAST_CHECKPOINT), ExperimentRun.Options.inMemory())) {
      TorchScriptCell cell = (TorchScriptCell) restored.model().cell();
      List<Parameter> own = new ArrayList<>(cell.moduleParameters().values());
      assertEquals(trained.size(), own.size());
      for (int i = 0; i < own.size(); i++) {
        assertTrue(
            java.util.Arrays.equals(trained.get(i), own.get(i).getArray().toFloatArray()),
            own.get(i).getName());
      }
    }
  }

  @Test
  void aCellRunsInsideABuiltInTaskWhenItsShapesFit() {
    ExperimentConfig copy = Presets.get("copy-memory-deq-transformer");
    ExperimentConfig config =
        copy.withTask(copy.task().withSequenceLength(10).withBatchSize(8))
            .withModel(
                copy.model()
                    .with(
                        m ->
                            m.cell(CellKind.TORCHSCRIPT)
                                .embedding(4)
                                .hidden(16)
                                .module(TorchScriptFixtures.file("sequence.pt").toString())
                                .moduleInput(TorchScriptFixtures.file("sequence.npz").toString())))
            .withSteps(3)
            .withPretrainSteps(1)
            .withEvalEvery(0)
            .withDevice(org.deqlab.core.experiment.DeviceChoice.CPU);
    try (ExperimentRun run = ExperimentRun.create(config, ExperimentRun.Options.inMemory())) {
      RunEvent.Finished finished = run.run();
      assertEquals(RunOutcome.COMPLETED, finished.reason(), finished.message());
    }
    ExperimentConfig wide = config.withModel(config.model().withEmbedding(8));
    TorchScriptException e =
        assertThrows(
            TorchScriptException.class,
            () -> ExperimentRun.create(wide, ExperimentRun.Options.inMemory()).close());
    assertTrue(e.getMessage().contains("model.embedding = 8"), e.getMessage());
    ExperimentConfig narrow = config.withModel(config.model().withHidden(8).withHeads(1));
    e =
        assertThrows(
            TorchScriptException.class,
            () -> ExperimentRun.create(narrow, ExperimentRun.Options.inMemory()).close());
    assertTrue(e.getMessage().contains("set model.hidden to 16"), e.getMessage());
  }

  @Test
  void targetsThatAreNotTheEquilibriumsShapeAreRefusedNamingBothShapes(@TempDir Path folder)
      throws IOException {
    Path file = folder.resolve("xy.npz");
    try (NDManager scope = manager.newSubManager();
        TorchScriptProblem gated = TorchScriptFixtures.load("gated", manager)) {
      long width = gated.z0().getShape().get(1);
      NDArray x = scope.randomNormal(gated.cell().inputShape(8));
      NDArray y = scope.zeros(new ai.djl.ndarray.types.Shape(8, width + 1));
      org.deqlab.core.io.NpzFiles.write(file, java.util.Map.of("x", x, "y", y));
    }
    ExperimentConfig wrong = fit(5).withTask(fit(5).task().withData(file.toString()));
    TorchScriptException e =
        assertThrows(
            TorchScriptException.class,
            () -> ExperimentRun.create(wrong, ExperimentRun.Options.inMemory()).close());
    assertTrue(e.getMessage().contains("its equilibrium z* has shape (8, "), e.getMessage());
    assertTrue(e.getMessage().contains("but y there has (8, "), e.getMessage());
  }

  @Test
  void targetsOfAnotherShapeAndCellsWithoutParametersAreRefusedByName() {
    ExperimentConfig wrong =
        fit(5)
            .withTask(fit(5).task().withData(TorchScriptFixtures.file("sequence.npz").toString()))
            .withModel(fit(5).model());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> ExperimentRun.create(wrong, ExperimentRun.Options.inMemory()).close());
    assertTrue(missing.getMessage().contains("missing array 'y'"), missing.getMessage());

    ExperimentConfig none =
        fit(5)
            .withModel(
                fit(5)
                    .model()
                    .withModule(TorchScriptFixtures.file("no-parameters.pt").toString())
                    .withModuleInput(TorchScriptFixtures.file("no-parameters.npz").toString()));
    TorchScriptException e =
        assertThrows(
            TorchScriptException.class,
            () -> ExperimentRun.create(none, ExperimentRun.Options.inMemory()).close());
    assertTrue(e.getMessage().contains("no parameters to train"), e.getMessage());
  }
}
