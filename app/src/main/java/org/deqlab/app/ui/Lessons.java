package org.deqlab.app.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.experiment.ExperimentConfigs;
import org.deqlab.core.playground.PlaygroundSetup;

/**
 * The guided lessons, as data: {@code lessons/index.json} lists them in order, and each {@code
 * lessons/ID.json} holds a {@code title}, what to {@code look} at, the {@code task}, the {@code
 * playground} fields it sets (over the playground's defaults) and, optionally, an {@code
 * experiment} (a config as users write it, e.g. a preset and the fields it changes). A new lesson
 * is a JSON file and one line in the index; no code. Files are read strictly: an unknown field or a
 * value out of range names the lesson and the field.
 */
final class Lessons {
  private static final String FOLDER = "lessons/";
  private static final Set<String> FIELDS =
      Set.of("title", "look", "task", "playground", "experiment");

  private Lessons() {}

  /** Every lesson, in order. */
  static List<Lesson> all() {
    JsonNode index = read(FOLDER + "index.json");
    List<Lesson> lessons = new ArrayList<>();
    for (JsonNode id : index) {
      lessons.add(parse(id.asText(), read(FOLDER + id.asText() + ".json")));
    }
    return List.copyOf(lessons);
  }

  /** A lesson from its JSON; errors name the lesson and the field. */
  static Lesson parse(String id, JsonNode json) {
    String source = "lesson " + id;
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException(source + ": a lesson must be a JSON object");
    }
    json.fieldNames()
        .forEachRemaining(
            name -> {
              if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException(
                    source + ": unknown field '" + name + "' (fields: " + FIELDS + ")");
              }
            });
    PlaygroundSetup playground =
        PlaygroundSetup.defaults().withOverrides(json.get("playground"), source + ": playground");
    ExperimentConfig experiment = null;
    if (json.hasNonNull("experiment")) {
      JsonNode config = json.get("experiment");
      if (!config.isObject()) {
        throw new IllegalArgumentException(source + ": experiment must be a JSON object");
      }
      experiment = ExperimentConfigs.fromJson((ObjectNode) config, source + ": experiment");
    }
    return new Lesson(
        id,
        text(json, "title", source),
        text(json, "look", source),
        text(json, "task", source),
        playground,
        experiment);
  }

  private static String text(JsonNode json, String field, String source) {
    JsonNode value = json.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(source + ": '" + field + "' must be a non-empty text");
    }
    return value.asText();
  }

  private static JsonNode read(String resource) {
    try (InputStream in = Lessons.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("lesson resource " + resource + " is missing");
      }
      return ExperimentConfigs.JSON.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read lesson resource " + resource + ": " + e, e);
    }
  }
}
