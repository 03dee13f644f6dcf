package org.deqlab.core.experiment;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
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
import org.deqlab.core.text.Labels;

/**
 * Reads and writes {@link ExperimentConfig} as JSON, by one mapping for every source: user files,
 * presets (JSON resources), run-log headers, checkpoints and saved experiments. A user file may
 * name a {@code preset} and give only the fields it changes: they are merged over the preset.
 * Unknown fields are refused; every error names the source and the field's path (e.g. {@code
 * model.hidden}), malformed JSON its line and column.
 *
 * <p>Files written by earlier versions lack fields added since ({@code description}, {@code
 * model.convolution}, written before 2026-12-04; {@code model.scales}, {@code taps}, {@code
 * gating}, {@code spectralNorm}, {@code task.data}, {@code model.module}, {@code
 * model.moduleInput}, before 2026-12-05): absent, they take their defaults (no description, the
 * {@code auto} convolution path, no user files), which is what those versions did.
 */
public final class ExperimentConfigs {
  /** The one mapping: strict about unknown fields and about missing numbers. */
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(Labels.jsonModule())
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

  private ExperimentConfigs() {}

  /** Reads a config file (a preset name plus overrides, or a whole config). */
  public static ExperimentConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config " + file + ": " + e.getMessage(), e);
    }
    return fromText(text, file.toString());
  }

  /** Reads a config from JSON text; {@code source} names it in errors. */
  public static ExperimentConfig fromText(String text, String source) {
    JsonNode user;
    try {
      user = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": " + describe(e), e);
    }
    if (user == null || !user.isObject()) {
      throw new IllegalArgumentException(source + ": a config must be a JSON object");
    }
    return fromJson((ObjectNode) user, source);
  }

  /**
   * A config from a JSON object, merged over its {@code preset} ({@link Presets#MERGE_BASE} when it
   * names none): a partial config takes the preset's values for what it leaves out, a whole one
   * replaces them all, and one written before a field existed gets that field's default.
   */
  public static ExperimentConfig fromJson(ObjectNode user, String source) {
    String presetName = user.has("preset") ? user.get("preset").asText() : Presets.MERGE_BASE;
    ExperimentConfig base;
    try {
      base = Presets.get(presetName);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": preset: " + e.getMessage(), e);
    }
    ObjectNode merged = JSON.valueToTree(base);
    ObjectNode overrides = user.deepCopy();
    overrides.remove("preset");
    merge(merged, overrides, "", source);
    clipPretraining(merged, overrides);
    if (!overrides.isEmpty()) {
      if (!user.has("name")) {
        merged.put("name", presetName + "+custom");
      }
      if (!user.has("description")) {
        merged.put("description", "");
      }
    }
    return bind(merged, source);
  }

  /**
   * A config that shortens its preset's steps without saying how long to pretrain would otherwise
   * pretrain for all of them (or be refused: the preset's 1,000 pretraining steps do not fit in
   * 400) and never reach the DEQ: its pretraining is clipped to a tenth of the steps, as {@code
   * --steps} does. A config that names {@code pretrainSteps} gets exactly what it names.
   */
  private static void clipPretraining(ObjectNode merged, ObjectNode overrides) {
    if (!overrides.has("steps") || overrides.has("pretrainSteps")) {
      return;
    }
    int steps = merged.path("steps").asInt(0);
    if (steps >= 1 && merged.path("pretrainSteps").asInt(0) >= steps) {
      merged.put("pretrainSteps", steps / 10);
    }
  }

  /**
   * A whole config, every field present (presets are read this way); {@code source} names it in
   * errors.
   */
  public static ExperimentConfig bind(JsonNode whole, String source) {
    try {
      return JSON.treeToValue(whole, ExperimentConfig.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": " + describe(e), e);
    }
  }

  public static String toJson(ExperimentConfig config) {
    try {
      return JSON.writeValueAsString(config);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A whole config written by {@link #toJson} (run-log headers, checkpoints). */
  public static ExperimentConfig parse(String json) {
    return fromText(json, "config");
  }

  private static void merge(ObjectNode target, ObjectNode overrides, String path, String source) {
    Iterator<Map.Entry<String, JsonNode>> fields = overrides.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      String fieldPath = path.isEmpty() ? name : path + "." + name;
      if (!target.has(name)) {
        throw new IllegalArgumentException(
            source
                + ": unknown field '"
                + fieldPath
                + "' (known here: "
                + String.join(", ", (Iterable<String>) target::fieldNames)
                + ")");
      }
      JsonNode existing = target.get(name);
      if (existing.isObject() && field.getValue().isObject()) {
        merge((ObjectNode) existing, (ObjectNode) field.getValue(), fieldPath, source);
      } else {
        target.set(name, field.getValue());
      }
    }
  }

  /** One line: the field's path and what is wrong with it, or the place of a syntax error. */
  static String describe(JsonProcessingException e) {
    if (e instanceof JsonMappingException mapping) {
      String path =
          mapping.getPath().stream()
              .map(
                  reference ->
                      reference.getFieldName() != null
                          ? reference.getFieldName()
                          : "[" + reference.getIndex() + "]")
              .collect(Collectors.joining("."));
      Throwable cause = mapping.getCause();
      if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
        return withPath(path, cause.getMessage());
      }
      String original = firstLine(mapping.getOriginalMessage());
      if (original.startsWith("Unrecognized field")) {
        return "unknown field '" + path + "'";
      }
      if (original.startsWith("Missing creator property")
          || original.startsWith("Missing required creator property")) {
        return "field '" + path + "' is missing";
      }
      return (path.isEmpty() ? "" : "field '" + path + "': ") + original;
    }
    JsonLocation location = e.getLocation();
    String where =
        location == null
            ? ""
            : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    String inside = "";
    if (e.getProcessor() instanceof JsonParser parser) {
      String path = parser.getParsingContext().pathAsPointer().toString();
      if (!path.isEmpty()) {
        inside = " (near " + path.substring(1).replace('/', '.') + ")";
      }
    }
    return "malformed JSON" + where + inside + ": " + firstLine(e.getOriginalMessage());
  }

  /**
   * A validation message with the field's path in front. Sections name their own fields
   * ("model.hidden must be …", at the section's path), a section's component may name itself
   * ("maxIterations (f_thres) must …", at forward.options), values name nothing ("must be one of
   * …", at model.cell) or their own field ("solver must be …", at forward.solver).
   */
  private static String withPath(String path, String message) {
    if (path.startsWith("backward")) {
      message = message.replace("(f_thres)", "(b_thres)"); // the backward solve's threshold
    }
    if (path.isEmpty() || message.contains(path)) {
      return message;
    }
    String field = path.substring(path.lastIndexOf('.') + 1);
    if (message.startsWith(field + " ")) {
      return path + message.substring(field.length());
    }
    return message.startsWith("must ") ? path + " " + message : path + "." + message;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
