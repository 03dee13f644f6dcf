package org.deqlab.app.cli;

import static org.deqlab.app.cli.CliOutcome.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./deq memory} over two sequence lengths, each measured in a process of its own: what a DEQ
 * keeps for backward stays below a deep unrolled stack's at every length, and the deeper the stack
 * the closer its gradient to the DEQ's.
 */
class MemoryCommandTest {
  @TempDir Path directory;

  @Test
  void eachLengthIsMeasuredAndTheDeqKeepsLessThanADeepStack() throws Exception {
    Path json = directory.resolve("memory.json");
    CliOutcome outcome =
        run(
            "memory",
            "--preset",
            "copy-memory-deq-trellisnet",
            "--lengths",
            "100,200",
            "--depths",
            "1,16",
            "--json",
            json.toString());
    String printed = outcome.out();
    assertEquals(0, outcome.code(), outcome.err() + printed);
    assertTrue(printed.contains("summary over lengths"), printed);

    JsonNode points = Reports.JSON.readTree(json.toFile()).get("points");
    assertEquals(6, points.size(), points.toString());
    Map<String, JsonNode> byKey = new HashMap<>();
    for (JsonNode point : points) {
      byKey.put(point.get("length").asInt() + "/" + point.get("depth").asInt(), point);
    }
    for (int length : new int[] {100, 200}) {
      JsonNode deq = byKey.get(length + "/0");
      JsonNode one = byKey.get(length + "/1");
      JsonNode sixteen = byKey.get(length + "/16");
      assertEquals("deq", deq.get("layer").asText());
      assertTrue(deq.get("forwardSteps").asInt() > 0, deq.toString());
      assertTrue(
          sixteen.get("keptBytes").asLong() > 4 * one.get("keptBytes").asLong(),
          "L=16 should keep several times what L=1 keeps: " + one + " " + sixteen);
      assertTrue(
          deq.get("keptBytes").asLong() < sixteen.get("keptBytes").asLong() / 4,
          "the DEQ should keep far less than L=16: " + deq + " " + sixteen);
      assertTrue(
          sixteen.get("gradientDifference").asDouble()
              < one.get("gradientDifference").asDouble() / 10,
          "a deeper stack's gradient should approach the DEQ's: " + one + " " + sixteen);
    }
  }
}
