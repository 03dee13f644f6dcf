package org.deqlab.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/torch-env}, which {@code ./deq} runs to find a user's CUDA PyTorch, on fake
 * installations: a wheel's layout and a libtorch archive's are wired for DJL; a missing directory,
 * a CPU build asked for by name and a wrong version each fall back with the reason.
 */
class TorchEnvScriptTest {
  @TempDir Path directory;

  /** The assignments the script prints, by variable, as bash reads them. */
  private Map<String, String> run(Map<String, String> environment) throws Exception {
    Path script = Path.of(System.getProperty("user.dir")).getParent().resolve("scripts/torch-env");
    ProcessBuilder builder =
        new ProcessBuilder(
            "bash",
            "-c",
            "eval \"$(\"$0\")\"; for v in PYTORCH_LIBRARY_PATH PYTORCH_VERSION PYTORCH_FLAVOR"
                + " DEQ_TORCH_SOURCE DEQ_JNA_PATH DEQ_TORCH_FALLBACK PYTORCH_CUDA_ALLOC_CONF NVIDIA_TF32_OVERRIDE; do"
                + " [ -n \"${!v:-}\" ] && printf '%s=%s\\n' \"$v\" \"${!v}\"; done; true",
            script.toString());
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("PYTORCH_") || k.startsWith("DEQ_") || k.startsWith("NVIDIA_"));
    builder.environment().put("PATH", "/usr/bin:/bin"); // a python3 without torch, or none
    builder.environment().putAll(environment);
    Process process = builder.redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
    Map<String, String> values = new LinkedHashMap<>();
    output.lines().forEach(line -> values.put(line.split("=", 2)[0], line.split("=", 2)[1]));
    return values;
  }

  private Path wheel(String version, String cuda, boolean withCuda) throws IOException {
    Path lib = Files.createDirectories(directory.resolve("site-packages/torch/lib"));
    Files.createFile(lib.resolve("libtorch.so"));
    if (withCuda) {
      Files.createFile(lib.resolve("libtorch_cuda.so"));
    }
    Files.writeString(
        lib.resolveSibling("version.py"),
        "__version__ = '" + version + "'\ncuda: Optional[str] = " + cuda + "\n");
    Files.createDirectories(directory.resolve("site-packages/nvidia/cuda_runtime/lib"));
    return lib;
  }

  @Test
  void aCuda128WheelIsWiredWithItsCudaRuntimeOnJnasPathAndThePoolAllocator() throws Exception {
    Path lib = wheel("2.7.1+cu128", "'12.8'", true);
    Map<String, String> values = run(Map.of("DEQ_TORCH_LIB", lib.toString()));
    assertEquals(lib.toString(), values.get("PYTORCH_LIBRARY_PATH"));
    assertEquals("2.7.1", values.get("PYTORCH_VERSION"));
    assertEquals("cu128", values.get("PYTORCH_FLAVOR"));
    assertTrue(
        values
            .get("DEQ_JNA_PATH")
            .startsWith(directory.resolve("site-packages") + "/nvidia/cuda_runtime/lib:"),
        values.toString());
    assertEquals("backend:cudaMallocAsync", values.get("PYTORCH_CUDA_ALLOC_CONF"));
    assertEquals("0", values.get("NVIDIA_TF32_OVERRIDE"), "float32 convolutions without TF32");
    assertTrue(values.get("DEQ_TORCH_SOURCE").contains("PyTorch 2.7.1+cu128 (CUDA 12.8)"));
    assertTrue(!values.containsKey("DEQ_TORCH_FALLBACK"), values.toString());
  }

  @Test
  void aLibtorchArchiveIsReadFromItsBuildVersion() throws Exception {
    Path lib = Files.createDirectories(directory.resolve("libtorch/lib"));
    Files.createFile(lib.resolve("libtorch.so"));
    Files.createFile(lib.resolve("libtorch_cuda.so"));
    Files.writeString(lib.resolveSibling("build-version"), "2.7.1+cu126\n");
    Map<String, String> values = run(Map.of("DEQ_TORCH_LIB", lib.toString()));
    assertEquals(lib.toString(), values.get("PYTORCH_LIBRARY_PATH"));
    assertTrue(values.get("DEQ_TORCH_SOURCE").contains("(CUDA 12.6)"), values.toString());
  }

  @Test
  void aMissingDirectoryFallsBackNamingThePath() throws Exception {
    Map<String, String> values = run(Map.of("DEQ_TORCH_LIB", "/nonexistent/torch/lib"));
    assertEquals(
        "DEQ_TORCH_LIB=/nonexistent/torch/lib: no such directory",
        values.get("DEQ_TORCH_FALLBACK"));
    assertTrue(!values.containsKey("PYTORCH_LIBRARY_PATH"));
  }

  @Test
  void anotherVersionOrACpuBuildFallsBackSayingWhich() throws Exception {
    Path lib = wheel("2.6.0", "'12.4'", true);
    assertTrue(
        run(Map.of("DEQ_TORCH_LIB", lib.toString()))
            .get("DEQ_TORCH_FALLBACK")
            .endsWith(
                "is PyTorch 2.6.0; DJL 0.35's bridge needs 2.7.1 (pip install torch==2.7.1)"));
    Files.delete(lib.resolve("libtorch_cuda.so"));
    assertTrue(
        run(Map.of("DEQ_TORCH_LIB", lib.toString()))
            .get("DEQ_TORCH_FALLBACK")
            .endsWith("without CUDA (no libtorch_cuda.so)"));
  }

  @Test
  void withoutARequestOrATorchPackageNothingIsSet() throws Exception {
    assertEquals(Map.of(), run(Map.of()));
  }
}
