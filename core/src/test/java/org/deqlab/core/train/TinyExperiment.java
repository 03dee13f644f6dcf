package org.deqlab.core.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.deqlab.core.data.TaskDataFactory;
import org.deqlab.core.model.ModelFactory;
import org.deqlab.core.model.TaskModel;
import org.deqlab.core.solver.SolverWorkspace;

/** A small, fast experiment (char-LM with a position-wise MLP cell) for trainer tests. */
final class TinyExperiment {
  final TrainingConfig config;
  final TaskModel model;
  final TrainingData data;
  final MetricStream stream = new MetricStream();
  final LiveSettings settings;
  final SolverWorkspace workspace;
  final Trainer trainer;
  final List<TrainingEvent> events = new ArrayList<>();

  TinyExperiment(NDManager manager, String overrides) {
    this(manager, config(overrides));
  }

  TinyExperiment(NDManager manager, TrainingConfig config) {
    this.config = config;
    manager.getEngine().setRandomSeed((int) config.seed());
    data = TaskDataFactory.create(config.task(), config.seed(), DataType.FLOAT32);
    model = ModelFactory.create(config, data.vocabularySize());
    ModelFactory.initialize(model, config, manager, DataType.FLOAT32);
    settings = new LiveSettings(Trainer.initialValues(config));
    workspace = new SolverWorkspace(manager); // freed with the test's manager
    trainer = new Trainer(config, model, data, manager, stream, settings, workspace);
    stream.subscribe(events::add);
  }

  static TrainingConfig config(String overrides) {
    try {
      ObjectNode base =
          (ObjectNode)
              TrainingConfigs.JSON.readTree(
                  "{\"preset\": \"char-lm-deq-transformer\", \"model\": {\"cell\": \"mlp\", \"hidden\": 32,"
                      + " \"embedding\": 16}, \"task\": {\"sequenceLength\": 16, \"batchSize\": 8,"
                      + " \"evalBatches\": 2}, \"steps\": 40, \"pretrainSteps\": 0, \"evalEvery\": 0,"
                      + " \"optimizer\": {\"warmupSteps\": 5}}");
      ObjectNode extra = (ObjectNode) TrainingConfigs.JSON.readTree(overrides);
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
      return TrainingConfigs.fromJson(base, "test");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  <T extends TrainingEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
