package org.deqlab.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deqlab.core.layer.BackwardMode;
import org.deqlab.core.layer.DeqLayer;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.SolverResult;
import org.deqlab.core.solver.StopCriterion;
import org.deqlab.core.testing.Dense;
import org.deqlab.core.testing.EngineTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Importing a DEQ exported from NumPy/PyTorch, and the errors a malformed file gives. */
class NpzProblemTest extends EngineTest {
  @TempDir Path directory;

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(NpzProblemTest.class.getResource(name).toURI());
  }

  @Test
  void aProblemSavedByNumpySolvesToTheEquilibriumNumpyComputed() throws Exception {
    Path file = resource("numpy-mlp.npz");
    NpzProblem problem = NpzProblem.load(file, manager, DataType.FLOAT64);
    NDArray expected = NpzFiles.read(file, manager).get("z_expected");

    DeqLayer layer =
        new DeqLayer(
            problem.cell(),
            SolverKind.ANDERSON,
            SolverOptions.defaults()
                .withTolerance(1e-12)
                .withMaxIterations(200)
                .withStopCriterion(StopCriterion.ABSOLUTE),
            BackwardMode.oneStep());
    SolverResult result =
        layer.solve(new ParameterStore(manager, false), problem.x(), (k, a, r) -> {});

    assertTrue(result.converged());
    assertEquals(new Shape(3, 6), result.equilibrium().getShape());
    double error =
        Dense.relativeError(result.equilibrium().toDoubleArray(), expected.toDoubleArray());
    assertTrue(error < 1e-9, "relative error " + error);
  }

  @ParameterizedTest
  @CsvSource({"numpy-mlp-big-endian.npz", "numpy-mlp-fortran.npz"})
  void bigEndianAndFortranOrderedArraysReadAsNumpyMeantThem(String name) throws Exception {
    Map<String, NDArray> reference = NpzFiles.read(resource("numpy-mlp.npz"), manager);
    Map<String, NDArray> converted = NpzFiles.read(resource(name), manager);
    assertEquals(reference.keySet(), converted.keySet());
    for (String array : reference.keySet()) {
      assertEquals(reference.get(array).getShape(), converted.get(array).getShape(), array);
      assertEquals(reference.get(array).getDataType(), converted.get(array).getDataType(), array);
      assertTrue(
          Arrays.equals(
              reference.get(array).toType(DataType.FLOAT64, false).toDoubleArray(),
              converted.get(array).toType(DataType.FLOAT64, false).toDoubleArray()),
          name + ": array " + array);
    }
  }

  @Test
  void aNanInAnInputNamesTheArrayAndTheFirstBadIndex() throws Exception {
    Path file = resource("numpy-mlp-nan.npz");
    String message =
        assertThrows(
                IllegalArgumentException.class,
                () -> NpzProblem.load(file, manager, DataType.FLOAT64))
            .getMessage();
    assertEquals(
        file
            + ": array x holds NaN at index [2, 1], its first value that is not finite (shape (3, 4))",
        message);
  }

  @Test
  void writtenArraysReadBackUnderTheirNames() throws IOException {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    arrays.put("z", manager.create(new double[] {1, 2, 3, 4}, new Shape(2, 2)));
    arrays.put("dW", manager.create(new float[] {5, 6}, new Shape(2)));
    Path file = directory.resolve("out.npz");
    NpzFiles.write(file, arrays);

    Map<String, NDArray> back = NpzFiles.read(file, manager);
    assertEquals(arrays.keySet(), back.keySet());
    assertEquals(DataType.FLOAT64, back.get("z").getDataType());
    assertEquals(new Shape(2, 2), back.get("z").getShape());
    assertTrue(back.get("dW").contentEquals(arrays.get("dW")));
  }

  @Test
  void aMissingArrayIsNamedWithWhatWasFound() throws IOException {
    Path file = write(Map.of("W", new Shape(4, 4), "b", new Shape(4), "x", new Shape(2, 3)));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> NpzProblem.load(file, manager, DataType.FLOAT32));
    assertTrue(e.getMessage().contains("missing array 'U'"), e.getMessage());
  }

  /** Each array of the right rank but the wrong size is named with the shape it needs. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "4x5 | 4x3 | 4 | 2x3 | array W must be square",
        "4x4 | 5x3 | 4 | 2x3 | array U must have shape (d×p) = (4×p)",
        "4x4 | 4x3 | 3 | 2x3 | array b must have shape (4)",
        "4x4 | 4x3 | 4 | 2x2 | array x must have shape (n×p) = (n×3)"
      })
  void misshapenArraysAreNamedWithTheShapeTheyNeed(
      String w, String u, String b, String x, String message) throws IOException {
    assertMessage(
        write(Map.of("W", shape(w), "U", shape(u), "b", shape(b), "x", shape(x))), message);
  }

  private static Shape shape(String dimensions) {
    return new Shape(Arrays.stream(dimensions.split("x")).mapToLong(Long::parseLong).toArray());
  }

  @Test
  void aFileThatIsNotAnArchiveOrIsMissingGivesAClearMessage() throws IOException {
    Path text = directory.resolve("problem.npz");
    Files.writeString(text, "hello");
    assertMessage(text, "is not an .npz archive");
    assertMessage(directory.resolve("nowhere.npz"), "problem file not found");
  }

  private void assertMessage(Path file, String fragment) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> NpzProblem.load(file, manager, DataType.FLOAT32));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  private Path write(Map<String, Shape> shapes) throws IOException {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    shapes.forEach((name, shape) -> arrays.put(name, manager.ones(shape)));
    Path file = Files.createTempFile(directory, "problem", ".npz");
    NpzFiles.write(file, arrays);
    return file;
  }
}
