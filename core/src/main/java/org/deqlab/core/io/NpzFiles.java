package org.deqlab.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes NumPy {@code .npz} archives of named arrays, the format in which PyTorch users
 * exchange tensors with the workbench. Errors name the file and what is wrong with it.
 */
public final class NpzFiles {
  private NpzFiles() {}

  /** Reads every array of an {@code .npz} file, keyed by name, into {@code manager}. */
  public static Map<String, NDArray> read(Path file, NDManager manager) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("problem file not found: " + file);
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      in.mark(4);
      byte[] magic = in.readNBytes(2);
      in.reset();
      if (magic.length < 2 || magic[0] != 'P' || magic[1] != 'K') {
        throw new IllegalArgumentException(
            file + " is not an .npz archive (expected a zip file as written by numpy.savez)");
      }
      NDList arrays = NDList.decode(manager, in);
      Map<String, NDArray> byName = new LinkedHashMap<>();
      for (NDArray array : arrays) {
        String name = array.getName();
        if (name != null && name.endsWith(".npy")) {
          name = name.substring(0, name.length() - 4);
        }
        byName.put(name, array);
      }
      return byName;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("problem file not found: " + file, e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae
          && iae.getMessage() != null
          && iae.getMessage().startsWith(file.toString())) {
        throw iae;
      }
      throw new IllegalArgumentException(
          "could not read " + file + " as .npz: " + e.getMessage(), e);
    }
  }

  /** Writes the arrays to an {@code .npz} file under the given names. */
  public static void write(Path file, Map<String, NDArray> arrays) throws IOException {
    NDList list = new NDList();
    for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
      NDArray array = entry.getValue();
      array.setName(entry.getKey());
      list.add(array);
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      list.encode(out, NDList.Encoding.NPZ);
    }
  }
}
