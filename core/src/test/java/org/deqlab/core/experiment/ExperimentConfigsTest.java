package org.deqlab.core.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.deqlab.core.cell.ConvolutionPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config files and presets through the one mapping: partial overrides of a preset, typed values,
 * presets that are strict JSON files, errors that name the field's path (or the line and column of
 * malformed JSON), and configs written before fields were added.
 */
class ExperimentConfigsTest {
  @TempDir Path directory;

  private ExperimentConfig read(String json) throws Exception {
    Path file = directory.resolve("config.json");
    Files.writeString(file, json);
    return ExperimentConfigs.read(file);
  }

  private String error(String json) {
    return assertThrows(IllegalArgumentException.class, () -> read(json)).getMessage();
  }

  @Test
  void aPartialConfigOverridesOnlyWhatItNames() throws Exception {
    ExperimentConfig config =
        read(
            "{\"preset\": \"copy-memory-deq-trellisnet\", \"steps\": 77, \"pretrainSteps\": 7,"
                + " \"jacobian\": {\"weight\": 2.5}}");
    ExperimentConfig preset = Presets.get("copy-memory-deq-trellisnet");
    assertEquals(77, config.steps());
    assertEquals(2.5, config.jacobian().weight());
    assertEquals(preset.jacobian().probes(), config.jacobian().probes());
    assertEquals(preset.model(), config.model());
    assertEquals("copy-memory-deq-trellisnet+custom", config.name());
    assertEquals("", config.description(), "a changed preset no longer fits its description");
  }

  @Test
  void valuesAreTypedAndReadAsUsersTypeThem() throws Exception {
    ExperimentConfig config =
        read(
            "{\"model\": {\"cell\": \"trellisnet\", \"layer\": \"unrolled\", \"convolution\":"
                + " \"padded\"}, \"backward\": {\"mode\": \"one-step\"}, \"device\": \"gpu\","
                + " \"dtype\": \"float64\", \"task\": {\"kind\": \"char-lm\"}}");
    assertEquals(CellKind.TRELLISNET, config.model().cell());
    assertEquals(LayerKind.UNROLLED, config.model().layer());
    assertEquals(ConvolutionPath.PADDED, config.model().convolution());
    assertEquals(BackwardKind.ONE_STEP, config.backward().mode());
    assertEquals(DeviceChoice.cuda(0), config.device());
    assertEquals(Precision.FLOAT64, config.dtype());
    assertEquals(TaskKind.CHAR_LM, config.task().kind());
    String json = ExperimentConfigs.toJson(config);
    assertTrue(json.contains("\"device\" : \"cuda:0\""), json);
    assertTrue(json.contains("\"mode\" : \"one-step\""), json);
  }

  @Test
  void everyPresetIsAStrictJsonResourceThatRoundTrips() {
    assertEquals(Presets.DEFAULT, Presets.names().iterator().next());
    assertEquals(
        0, Presets.get(Presets.DEFAULT).pretrainSteps(), "the default shows a DEQ at once");
    for (String name : Presets.names()) {
      ExperimentConfig preset = Presets.get(name);
      assertEquals(name, preset.name());
      assertTrue(!preset.description().isBlank(), name + " says what it shows");
      assertEquals(preset, ExperimentConfigs.parse(ExperimentConfigs.toJson(preset)), name);
      assertEquals(
          preset, ExperimentConfigs.bind(ExperimentConfigs.JSON.valueToTree(preset), name));
    }
  }

  @Test
  void aWholeConfigMustHaveEveryField() {
    var whole = ExperimentConfigs.JSON.valueToTree(Presets.get(Presets.DEFAULT));
    ((com.fasterxml.jackson.databind.node.ObjectNode) whole).remove("steps");
    String message =
        assertThrows(IllegalArgumentException.class, () -> ExperimentConfigs.bind(whole, "p"))
            .getMessage();
    assertTrue(message.contains("'steps' is missing"), message);
  }

  @Test
  void malformedConfigsNameTheFieldOrThePlace() {
    assertTrue(error("{\"model\": {\"hiden\": 3}}").contains("unknown field 'model.hiden'"));
    assertTrue(error("{\"model\": {\"hidden\": 0}}").contains("model.hidden must be ≥ 1"));
    assertTrue(error("{\"model\": {\"heads\": 3}}").contains("model.heads"));
    assertTrue(
        error("{\"forward\": {\"options\": {\"maxIterations\": 0}}}")
            .contains("maxIterations (f_thres)"));
    String solver = error("{\"forward\": {\"solver\": \"newton\"}}");
    assertTrue(solver.contains("newton") && solver.contains("forward.solver"), solver);
    assertTrue(error("{\"steps\": \"many\"}").contains("steps"));
    assertTrue(error("{\"preset\": \"nope\"}").contains("unknown preset 'nope'"));
    assertTrue(error("[1, 2]").contains("must be a JSON object"));
    String task = error("{\"task\": {\"kind\": \"mnist\"}}");
    assertTrue(task.contains("task.kind") && task.contains("copy-memory, char-lm, shapes"), task);
    String cell = error("{\"model\": {\"cell\": \"lstm\"}}");
    assertTrue(
        cell.startsWith(directory.resolve("config.json") + ": model.cell must be one of"), cell);
    String syntax = error("{\n  \"steps\": 10,\n  \"seed\": ,\n}");
    assertTrue(syntax.contains("line 3, column"), syntax);
    assertTrue(error("{\"device\": \"tpu\"}").contains("device must be auto, cpu, cuda"));
  }

  @Test
  void configsWrittenBeforeTheConvolutionPathAndDescriptionExistedStillRead() throws Exception {
    // A whole config as this workbench wrote it before 2026-12-04 (no description, no
    // model.convolution): it reads with the defaults those versions used.
    String written =
        ExperimentConfigs.toJson(Presets.get("copy-memory-deq-trellisnet"))
            .replace(
                "  \"description\" : \""
                    + Presets.get("copy-memory-deq-trellisnet").description()
                    + "\",\n",
                "")
            .replace(",\n    \"convolution\" : \"auto\"", "");
    assertTrue(!written.contains("convolution") && !written.contains("description"), written);
    ExperimentConfig config = ExperimentConfigs.parse(written);
    assertEquals(ConvolutionPath.AUTO, config.model().convolution());
    assertEquals(Presets.get("copy-memory-deq-trellisnet").model(), config.model());
  }

  @Test
  void editsChangeOneThingAndKeepTheRestValid() {
    ExperimentConfig preset = Presets.get("copy-memory-deq-transformer"); // one that pretrains
    ExperimentConfig shorter = preset.shortened(50);
    assertEquals(50, shorter.steps());
    assertEquals(5, shorter.pretrainSteps());
    assertEquals(preset.model(), shorter.model());
    assertEquals(40, preset.withSteps(40).pretrainSteps(), "pretraining never exceeds the steps");
    assertEquals(
        3e-3,
        preset.withOptimizer(preset.optimizer().withLearningRate(3e-3)).optimizer().learningRate());
    assertEquals(
        Math.min(preset.optimizer().minLearningRate(), 1e-5),
        preset.optimizer().withLearningRate(1e-5).minLearningRate());
  }

  @Test
  void aFileThatNamesNoPresetKeepsTheMeaningItHadBeforeTheQuickDefault() {
    ExperimentConfig config = ExperimentConfigs.fromText("{\"steps\": 2000}", "old.json");
    ExperimentConfig base = Presets.get(Presets.MERGE_BASE);
    assertEquals(base.task(), config.task());
    assertEquals(base.model(), config.model());
    assertEquals(base.pretrainSteps(), config.pretrainSteps());
    assertEquals(2000, config.steps());
    assertEquals("copy-memory-deq-transformer", Presets.MERGE_BASE);
  }
}
