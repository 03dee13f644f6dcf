package org.deqlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The visualization module takes plain numbers: it must not see the engine or DJL. */
class ArchitectureTest {

  @Test
  void mainSourcesImportNeitherTheEngineNorDjl() throws IOException {
    Path sources = Path.of("src/main/java");
    List<String> offenders;
    try (Stream<Path> files = Files.walk(sources)) {
      offenders =
          files
              .filter(file -> file.toString().endsWith(".java"))
              .flatMap(ArchitectureTest::forbiddenImports)
              .toList();
    }
    assertEquals(List.of(), offenders);
  }

  private static Stream<String> forbiddenImports(Path file) {
    try {
      return Files.readAllLines(file).stream()
          .filter(
              line ->
                  line.startsWith("import ai.djl")
                      || line.startsWith("import org.deqlab.core")
                      || line.startsWith("import org.deqlab.app")
                      || line.startsWith("import org.deqlab.data"))
          .map(line -> file.getFileName() + ": " + line);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
