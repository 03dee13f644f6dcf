package org.deqlab.app.cli;

import static org.deqlab.app.cli.CliOutcome.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./deq bench --quick}: every workload is solved by every solver, the timings and ratios are
 * consistent with each other, the memory table comes from its own process, and each target is
 * judged. (The figures themselves are the README's, from an idle machine, not asserted here.)
 */
class BenchCommandTest {
  @TempDir Path directory;

  @Test
  void theQuickBenchSolvesEveryWorkloadAndJudgesEveryTarget() throws Exception {
    Path json = directory.resolve("bench.json");
    CliOutcome outcome = run("bench", "--quick", "--repeats", "1", "--json", json.toString());
    String printed = outcome.out();
    assertEquals(0, outcome.code(), outcome.err() + printed);

    JsonNode report = Reports.JSON.readTree(json.toFile());
    assertTrue(report.get("provenance").get("cpus").asInt() > 0, report.toString());
    Set<String> workloads = new HashSet<>();
    for (JsonNode row : report.get("solvers")) {
      workloads.add(row.get("workload").asText());
      assertEquals("converged", row.get("stopReason").asText(), row.toString());
      double solve = row.get("solveMillis").asDouble();
      double f = row.get("evaluationMillis").asDouble();
      int evaluations = row.get("evaluations").asInt();
      assertTrue(f > 0 && evaluations > 0, row.toString());
      assertEquals(
          solve / (evaluations * f), row.get("overheadRatio").asDouble(), 1e-9, row.toString());
      assertTrue(row.get("backwardMillis").asDouble() > 0, row.toString());
    }
    assertEquals(
        4, workloads.size(), workloads.toString()); // MLP, TrellisNet T=50 and 200, Transformer
    assertEquals(12, report.get("solvers").size());

    JsonNode convolutions = report.get("convolutionPaths");
    assertEquals(
        12, convolutions.size(), "native, padded, unfolded on 4 workloads: " + convolutions);
    for (JsonNode row : convolutions) {
      assertTrue(
          row.get("vjpMillis").asDouble() > 0 && row.get("forwardMillis").asDouble() > 0,
          row.toString());
      if (row.get("path").asText().equals("native")) {
        assertEquals(1.0, row.get("vjpRatio").asDouble(), 0.0);
      }
      assertTrue(printed.contains(row.get("workload").asText()), printed);
    }

    Map<Integer, JsonNode> memory = new HashMap<>();
    for (JsonNode point : report.get("memory")) {
      memory.put(point.get("depth").asInt(), point);
    }
    assertEquals(Set.of(0, 1, 4, 16), memory.keySet());
    assertTrue(
        memory.get(0).get("keptBytes").asLong() < memory.get(16).get("keptBytes").asLong() / 4,
        memory.toString());

    JsonNode targets = report.get("targets");
    assertEquals(6, targets.size(), targets.toString());
    targets
        .fields()
        .forEachRemaining(
            target -> {
              String verdict = target.getValue().asText();
              assertTrue(
                  verdict.endsWith(" met") || verdict.endsWith(" MISSED"), target.toString());
              assertTrue(printed.contains(target.getKey() + ": " + verdict), printed);
            });
  }
}
