package org.deqlab.core.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads and writes {@link TrainingConfig} as JSON. A config file may name a {@code preset} and give
 * only the fields it changes: they are merged over the preset. Every error names the file and the
 * field path, e.g. {@code model.hidden}.
 */
public final class TrainingConfigs {
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private TrainingConfigs() {}

  /** Reads a config file (a preset name plus overrides, or a whole config). */
  public static TrainingConfig read(Path file) {
    JsonNode user;
    try {
      user = JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read config " + file + ": " + firstLine(e.getMessage()), e);
    }
    if (user == null || !user.isObject()) {
      throw new IllegalArgumentException("config " + file + " must be a JSON object");
    }
    return fromJson((ObjectNode) user, file.toString());
  }

  /**
   * Builds a config from a JSON object, merged over its {@code preset} (default: the default
   * preset).
   */
  public static TrainingConfig fromJson(ObjectNode user, String source) {
    String presetName = user.has("preset") ? user.get("preset").asText() : Presets.DEFAULT;
    TrainingConfig base;
    try {
      base = Presets.get(presetName);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": preset: " + e.getMessage());
    }
    ObjectNode merged = JSON.valueToTree(base);
    ObjectNode overrides = user.deepCopy();
    overrides.remove("preset");
    merge(merged, overrides, "");
    if (!user.has("name") && user.has("preset") && overrides.size() > 0) {
      merged.put("name", presetName + "+custom");
    }
    try {
      return JSON.treeToValue(merged, TrainingConfig.class);
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException(source + ": " + describe(e), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": " + firstLine(e.getMessage()), e);
    }
  }

  public static String toJson(TrainingConfig config) {
    try {
      return JSON.writeValueAsString(config);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static TrainingConfig parse(String json) {
    try {
      return JSON.readValue(json, TrainingConfig.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed config: " + firstLine(e.getMessage()), e);
    }
  }

  private static void merge(ObjectNode target, ObjectNode overrides, String path) {
    Iterator<Map.Entry<String, JsonNode>> fields = overrides.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      String fieldPath = path.isEmpty() ? name : path + "." + name;
      if (!target.has(name)) {
        throw new IllegalArgumentException(
            "unknown field '"
                + fieldPath
                + "' (known here: "
                + iterable(target.fieldNames())
                + ")");
      }
      JsonNode existing = target.get(name);
      if (existing.isObject() && field.getValue().isObject()) {
        merge((ObjectNode) existing, (ObjectNode) field.getValue(), fieldPath);
      } else {
        target.set(name, field.getValue());
      }
    }
  }

  private static String iterable(Iterator<String> names) {
    StringBuilder joined = new StringBuilder();
    names.forEachRemaining(n -> joined.append(joined.length() == 0 ? "" : ", ").append(n));
    return joined.toString();
  }

  private static String describe(JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(
                reference ->
                    reference.getFieldName() != null
                        ? reference.getFieldName()
                        : "[" + reference.getIndex() + "]")
            .collect(Collectors.joining("."));
    Throwable cause = e.getCause();
    if (cause instanceof IllegalArgumentException) {
      return cause.getMessage();
    }
    return (path.isEmpty() ? "" : "field '" + path + "': ") + firstLine(e.getOriginalMessage());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
