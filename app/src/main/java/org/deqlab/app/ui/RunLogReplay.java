package org.deqlab.app.ui;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.deqlab.app.experiment.RunLog;
import org.deqlab.core.train.TrainingEvent;

/**
 * Turns a run log back into the events it recorded, so a finished run's plots reappear. Fields it
 * does not know are skipped: logs carry derived values (e.g. a Ritz value's {@code real} flag) and
 * may gain fields in later versions.
 */
final class RunLogReplay {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private RunLogReplay() {}

  static List<TrainingEvent> events(RunLog.Contents contents) {
    List<TrainingEvent> events = new ArrayList<>();
    for (JsonNode node : contents.events()) {
      ObjectNode copy = ((ObjectNode) node).deepCopy();
      String type = copy.remove("type").asText();
      Class<? extends TrainingEvent> kind =
          switch (type) {
            case "step" -> TrainingEvent.Step.class;
            case "eval" -> TrainingEvent.Evaluation.class;
            case "setting" -> TrainingEvent.SettingChanged.class;
            case "finished" -> TrainingEvent.Finished.class;
            default -> null;
          };
      if (kind == null) {
        continue;
      }
      try {
        events.add(JSON.treeToValue(copy, kind));
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException(
            "run log has a malformed " + type + " line: " + e.getMessage(), e);
      }
    }
    return events;
  }
}
