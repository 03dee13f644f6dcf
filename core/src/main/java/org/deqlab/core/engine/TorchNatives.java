package org.deqlab.core.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The PyTorch natives the engine loaded, and from where: the CPU build that Maven Central ships in
 * {@code pytorch-native-cpu}, or a user's own CUDA build that {@code ./deq} wired through {@code
 * PYTORCH_LIBRARY_PATH} (found from {@code DEQ_TORCH_LIB} or the {@code torch} package of {@code
 * python3}). Reports and {@code ./deq doctor} say which, because a GPU is usable only with the
 * second.
 *
 * @param version PyTorch's version as the engine reports it
 * @param directory the directory libtorch was loaded from
 * @param cuda whether it is a CUDA build (libtorch_cuda is there)
 * @param source how the workbench came to use it, in words
 * @param jniLibrary DJL's bridge library as mapped into the process, if it could be read
 */
public record TorchNatives(
    String version, Path directory, boolean cuda, String source, Optional<Path> jniLibrary) {

  /** The system property {@code ./deq} sets to say where the natives came from. */
  public static final String SOURCE_PROPERTY = "deq.torch.source";

  /** The system property {@code ./deq} sets when it refused the user's PyTorch, with the reason. */
  public static final String FALLBACK_PROPERTY = "deq.torch.fallback";

  /** The natives of the running engine (starting it if needed). */
  public static TorchNatives loaded() {
    Engine engine = DeqEngine.get();
    Path directory = Path.of(LibUtils.getLibtorchPath());
    boolean cuda = Files.exists(directory.resolve(System.mapLibraryName("torch_cuda")));
    String source =
        System.getProperty(
            SOURCE_PROPERTY,
            Files.exists(directory.resolve(System.mapLibraryName("torch_cuda")))
                ? "PYTORCH_LIBRARY_PATH"
                : "Maven Central (ai.djl.pytorch:pytorch-native-cpu)");
    return new TorchNatives(engine.getVersion(), directory, cuda, source, mapped("djl_torch"));
  }

  /** Why {@code ./deq} did not use the user's PyTorch, if it refused one. */
  public static Optional<String> fallbackReason() {
    return Optional.ofNullable(System.getProperty(FALLBACK_PROPERTY)).filter(s -> !s.isBlank());
  }

  /** E.g. {@code PyTorch 2.7.1 (CUDA build) from DEQ_TORCH_LIB=/opt/libtorch/lib}. */
  public String describe() {
    return "PyTorch " + version + (cuda ? " (CUDA build)" : " (CPU build)") + " from " + source;
  }

  /** The path of a loaded native library, read from the process's memory map (Linux). */
  private static Optional<Path> mapped(String name) {
    String file = System.mapLibraryName(name);
    try {
      return Files.readAllLines(Path.of("/proc/self/maps")).stream()
          .map(line -> line.substring(line.lastIndexOf(' ') + 1))
          .filter(path -> path.endsWith(file))
          .findFirst()
          .map(Path::of);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
