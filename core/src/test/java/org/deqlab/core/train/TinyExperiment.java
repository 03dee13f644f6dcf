package org.deqlab.core.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.deqlab.core.data.TrainingData;
import org.deqlab.core.events.RunEvent;
import org.deqlab.core.events.RunEvents;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.ExperimentConfigs;
import org.deqlab.core.model.TaskModel;
import org.deqlab.core.solver.SolverWorkspace;

/** A small, fast experiment (char-LM with a position-wise MLP cell) for trainer tests. */
final class TinyExperiment {
  final ExperimentConfig config;
  final TaskModel model;
  final TrainingData data;
  final RunEvents stream = new RunEvents();
  final LiveSettings settings;
  final SolverWorkspace workspace;
  final Trainer trainer;
  final List<RunEvent> events = new ArrayList<>();

  TinyExperiment(NDManager manager, String overrides) {
    this(manager, config(overrides));
  }

  TinyExperiment(NDManager manager, ExperimentConfig config) {
    this(manager, config, UnaryOperator.identity());
  }

  /** With the task's data seen through {@code wrap} (e.g. to fail at some step). */
  TinyExperiment(NDManager manager, ExperimentConfig config, UnaryOperator<TrainingData> wrap) {
    this.config = config;
    manager.getEngine().setRandomSeed((int) config.seed());
    data = wrap.apply(config.newData());
    model = config.newModel(data.vocabularySize());
    config.initialize(model, manager);
    settings = new LiveSettings(Trainer.initialValues(config));
    workspace = new SolverWorkspace(manager); // freed with the test's manager
    trainer = new Trainer(config, model, data, manager, stream, settings, workspace);
    stream.subscribe(events::add);
  }

  static ExperimentConfig config(String overrides) {
    try {
      ObjectNode base =
          (ObjectNode)
              ExperimentConfigs.JSON.readTree(
                  "{\"preset\": \"char-lm-deq-transformer\", \"model\": {\"cell\": \"mlp\", \"hidden\": 32,"
                      + " \"embedding\": 16}, \"task\": {\"sequenceLength\": 16, \"batchSize\": 8,"
                      + " \"evalBatches\": 2}, \"steps\": 40, \"pretrainSteps\": 0, \"evalEvery\": 0,"
                      + " \"optimizer\": {\"warmupSteps\": 5}}");
      ObjectNode extra = (ObjectNode) ExperimentConfigs.JSON.readTree(overrides);
      extra
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isObject() && base.has(e.getKey())) {
                  ((ObjectNode) base.get(e.getKey())).setAll((ObjectNode) e.getValue());
                } else {
                  base.set(e.getKey(), e.getValue());
                }
              });
      return ExperimentConfigs.fromJson(base, "test");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  <T extends RunEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
