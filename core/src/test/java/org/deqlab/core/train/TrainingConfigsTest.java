package org.deqlab.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config files: partial overrides of a preset, and errors that name the field. */
class TrainingConfigsTest {
  @TempDir Path directory;

  private TrainingConfig read(String json) throws Exception {
    Path file = directory.resolve("config.json");
    Files.writeString(file, json);
    return TrainingConfigs.read(file);
  }

  private String error(String json) {
    return assertThrows(IllegalArgumentException.class, () -> read(json)).getMessage();
  }

  @Test
  void aPartialConfigOverridesOnlyWhatItNames() throws Exception {
    TrainingConfig config =
        read(
            "{\"preset\": \"copy-memory-deq-trellisnet\", \"steps\": 77, \"pretrainSteps\": 7, \"jacobian\": {\"weight\": 2.5}}");
    TrainingConfig preset = Presets.get("copy-memory-deq-trellisnet");
    assertEquals(77, config.steps());
    assertEquals(2.5, config.jacobian().weight());
    assertEquals(preset.jacobian().probes(), config.jacobian().probes());
    assertEquals(preset.model(), config.model());
    assertEquals("copy-memory-deq-trellisnet+custom", config.name());
  }

  @Test
  void everyPresetRoundTripsThroughJson() {
    for (String name : Presets.names()) {
      TrainingConfig preset = Presets.get(name);
      assertEquals(preset, TrainingConfigs.parse(TrainingConfigs.toJson(preset)), name);
    }
  }

  @Test
  void malformedConfigsNameTheField() {
    assertTrue(error("{\"model\": {\"hiden\": 3}}").contains("unknown field 'model.hiden'"));
    assertTrue(error("{\"model\": {\"hidden\": 0}}").contains("model.hidden must be ≥ 1"));
    assertTrue(error("{\"model\": {\"heads\": 3}}").contains("model.heads"));
    assertTrue(
        error("{\"forward\": {\"options\": {\"maxIterations\": 0}}}")
            .contains("maxIterations (f_thres)"));
    assertTrue(error("{\"forward\": {\"solver\": \"newton\"}}").contains("newton"));
    assertTrue(error("{\"steps\": \"many\"}").contains("steps"));
    assertTrue(error("{\"preset\": \"nope\"}").contains("unknown preset 'nope'"));
    assertTrue(error("[1, 2]").contains("must be a JSON object"));
    assertTrue(error("{\"task\": {\"kind\": \"mnist\"}}").contains("task.kind"));
  }
}
