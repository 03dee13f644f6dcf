package org.deqlab.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.deqlab.app.charts.ChartSink;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.run.ExperimentFile;
import org.deqlab.core.run.ExperimentRun;
import org.deqlab.core.run.RunLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window's run view-model without a window: engine and UI work run on the test's thread, so a
 * tiny run is started, steered from its own events (as a user would between steps), drained and
 * checked deterministically — no sleeps, no JavaFX thread.
 */
class RunViewModelTest {
  @TempDir Path runs;
  private final StatusModel status = new StatusModel();
  private final RecordingSink sink = new RecordingSink();

  /** What the charts would be shown. */
  private static final class RecordingSink implements ChartSink {
    final List<RunEvent> shown = new ArrayList<>();
    int liveTraces;
    int clears;

    @Override
    public void show(List<RunEvent> events) {
      shown.addAll(events);
    }

    @Override
    public void showLiveSolve(double[] absolute, double[] relative) {
      assertEquals(absolute.length, relative.length);
      liveTraces++;
    }

    @Override
    public void clear(ExperimentConfig config) {
      clears++;
    }

    <T extends RunEvent> List<T> of(Class<T> type) {
      return shown.stream().filter(type::isInstance).map(type::cast).toList();
    }
  }

  /** A view-model whose runs also call {@code steer} with each of their events. */
  private RunViewModel model(Consumer<RunEvent> steer) {
    RunViewModel[] model = new RunViewModel[1];
    model[0] =
        new RunViewModel(
            Runnable::run,
            Runnable::run,
            (config, options) -> {
              ExperimentRun run = ExperimentRun.create(config, options);
              run.events().subscribe(steer::accept);
              return run;
            },
            runs,
            status);
    model[0].attach(sink);
    return model[0];
  }

  @Test
  void aRunGoesFromIdleToFinishedAndItsEventsReachTheChartsInOrder() {
    RunViewModel model = model(event -> {});
    assertEquals(RunState.IDLE, model.state().get());
    assertTrue(model.gpuCount().get() >= 0, "the engine started on the engine executor");

    model.start(TinyExperiment.config(4)).join();
    assertEquals(RunState.STARTING, model.state().get(), "nothing is shown before a drain");
    model.drain();

    assertEquals(RunState.FINISHED, model.state().get());
    assertEquals(4, model.step().get());
    assertEquals(1.0, status.progress().get(), 0);
    assertTrue(status.status().get().startsWith("Run completed"), status.status().get());
    List<RunEvent.Step> logged = RunLog.read(model.runLog()).ofType(RunEvent.Step.class);
    assertEquals(logged, sink.of(RunEvent.Step.class), "the charts see exactly what was logged");
    assertEquals(1, sink.of(RunEvent.Started.class).size());
    assertEquals(1, sink.clears);
    assertTrue(sink.liveTraces > 0, "the last solve's live trace is shown");
    assertTrue(sink.of(RunEvent.SolverProgress.class).isEmpty(), "live progress is not queued");
    assertNotNull(model.checkpoint());
    assertTrue(Files.exists(model.checkpoint()));
  }

  @Test
  void aLiveChangeMadeDuringAStepTakesEffectAtTheNextAndAStopEndsTheRunWhole() {
    RunViewModel[] holder = new RunViewModel[1];
    holder[0] =
        model(
            event -> {
              if (event instanceof RunEvent.Step step && step.step() == 2) {
                assertTrue(
                    holder[0].applyLive(v -> v.withForward(v.forward().withMaxIterations(3))));
              }
              if (event instanceof RunEvent.Step step && step.step() == 4) {
                holder[0].stop();
              }
            });
    RunViewModel model = holder[0];
    model.start(TinyExperiment.config(50)).join();
    model.drain();

    assertEquals(RunState.FINISHED, model.state().get());
    assertEquals(4, model.step().get(), "stopped after the step in progress");
    assertTrue(status.status().get().startsWith("Run stopped"), status.status().get());
    List<RunEvent.SettingChanged> changes = sink.of(RunEvent.SettingChanged.class);
    assertEquals(1, changes.size());
    assertEquals(3, changes.get(0).step());
    assertEquals("f_thres 30 → 3", changes.get(0).description());
    RunEvent.Step third = sink.of(RunEvent.Step.class).get(2);
    assertTrue(third.forward().steps() <= 3, "step 3 ran with f_thres 3");
    assertTrue(Files.exists(model.checkpoint()), "a stopped run keeps a checkpoint");
  }

  @Test
  void aRefusedRunSaysWhyAndALiveChangeWithoutARunIsForTheNextRun() {
    RunViewModel model =
        new RunViewModel(
            Runnable::run,
            Runnable::run,
            (config, options) -> {
              throw new IllegalArgumentException("model.convolution is native: set it to auto");
            },
            runs,
            status);
    model.attach(sink);
    assertFalse(model.applyLive(v -> v.withJacobianWeight(1)), "no run to change");
    model.start(TinyExperiment.config(3)).exceptionally(error -> null).join();
    assertEquals(RunState.FAILED, model.state().get());
    assertEquals("Run refused: model.convolution is native: set it to auto", status.status().get());
  }

  @Test
  void aSavedRunReplaysIntoTheChartsAsItRan() throws Exception {
    RunViewModel model = model(event -> {});
    model.start(TinyExperiment.config(3)).join();
    model.drain();
    List<RunEvent> firstTime = List.copyOf(sink.shown);
    Path saved = runs.resolve("tiny.deq.json");
    new ExperimentFile(TinyExperiment.config(3), model.runLog(), model.checkpoint()).write(saved);

    RecordingSink other = new RecordingSink();
    RunViewModel replaying = model(event -> {});
    replaying.attach(other);
    replaying.replay(ExperimentFile.read(saved));

    assertEquals(RunState.FINISHED, replaying.state().get());
    assertEquals(3, replaying.step().get());
    assertEquals(
        firstTime.stream().filter(e -> !(e instanceof RunEvent.Started)).toList(),
        other.shown.stream().filter(e -> !(e instanceof RunEvent.Started)).toList(),
        "the same steps, evaluations, checkpoints and end");
  }
}
