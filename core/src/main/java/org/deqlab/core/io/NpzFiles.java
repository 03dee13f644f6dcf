package org.deqlab.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads and writes NumPy {@code .npz} archives of named arrays, the format in which PyTorch users
 * exchange tensors with the workbench. Reading parses each {@code .npy} member itself (DJL's reader
 * misreads big-endian arrays and refuses Fortran-ordered ones): either byte order and either memory
 * order are converted to the engine's C-ordered arrays; a type it cannot hold is refused naming the
 * array. Errors name the file and what is wrong with it.
 */
public final class NpzFiles {
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private NpzFiles() {}

  /**
   * One array of an archive, read into host memory.
   *
   * @param name its name in the archive
   * @param shape its shape
   * @param dataType its element type
   * @param data its values, C order, in the machine's byte order
   */
  public record HostArray(String name, Shape shape, DataType dataType, ByteBuffer data) {
    /** Bytes per row along axis 0. */
    public long rowBytes() {
      return shape.dimension() == 0
          ? dataType.getNumOfBytes()
          : shape.size() / Math.max(1, shape.get(0)) * dataType.getNumOfBytes();
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) along axis 0, in {@code manager}. */
    public NDArray rows(NDManager manager, long from, long to) {
      long[] dims = shape.getShape().clone();
      dims[0] = to - from;
      ByteBuffer slice =
          data.duplicate()
              .position((int) (from * rowBytes()))
              .limit((int) (to * rowBytes()))
              .slice()
              .order(ByteOrder.nativeOrder());
      return manager.create(slice, new Shape(dims), dataType);
    }

    /** The whole array in {@code manager}. */
    public NDArray create(NDManager manager) {
      NDArray array =
          manager.create(data.duplicate().order(ByteOrder.nativeOrder()), shape, dataType);
      array.setName(name);
      return array;
    }
  }

  /** Reads every array of an {@code .npz} file, keyed by name, into {@code manager}. */
  public static Map<String, NDArray> read(Path file, NDManager manager) {
    Map<String, NDArray> byName = new LinkedHashMap<>();
    readHost(file).forEach((name, array) -> byName.put(name, array.create(manager)));
    return byName;
  }

  /** Reads every array of an {@code .npz} file, keyed by name, into host memory. */
  public static Map<String, HostArray> readHost(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("problem file not found: " + file);
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      byte[] magic = in.readNBytes(2);
      if (magic.length < 2 || magic[0] != 'P' || magic[1] != 'K') {
        throw new IllegalArgumentException(
            file + " is not an .npz archive (expected a zip file as written by numpy.savez)");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("could not read " + file + ": " + e.getMessage(), e);
    }
    Map<String, HostArray> byName = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
        String name = entry.getName();
        if (name.endsWith(".npy")) {
          name = name.substring(0, name.length() - 4);
        }
        try (InputStream in = new BufferedInputStream(zip.getInputStream(entry))) {
          byName.put(name, readNpy(in, name, file));
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "could not read " + file + " as .npz: " + e.getMessage(), e);
    }
    return byName;
  }

  /** One {@code .npy} member: magic, version, header dict, data. */
  private static HostArray readNpy(InputStream in, String name, Path file) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] magic = data.readNBytes(6);
    if (magic.length < 6 || (magic[0] & 0xff) != 0x93 || magic[1] != 'N' || magic[2] != 'U') {
      throw refused(file, name, "is not a .npy array");
    }
    int major = data.readUnsignedByte();
    data.readUnsignedByte();
    long headerLength =
        major == 1
            ? Short.toUnsignedInt(Short.reverseBytes(data.readShort()))
            : Integer.toUnsignedLong(Integer.reverseBytes(data.readInt()));
    String header =
        new String(data.readNBytes((int) headerLength), StandardCharsets.UTF_8); // v3: UTF-8
    Matcher descr = DESCR.matcher(header);
    Matcher fortran = FORTRAN.matcher(header);
    Matcher shapeText = SHAPE.matcher(header);
    if (!descr.find() || !fortran.find() || !shapeText.find()) {
      throw refused(file, name, "has a header this reader does not understand: " + header.strip());
    }
    String type = descr.group(1);
    boolean fortranOrder = fortran.group(1).equals("True");
    long[] dims =
        java.util.Arrays.stream(shapeText.group(1).split(","))
            .map(String::strip)
            .filter(part -> !part.isEmpty())
            .mapToLong(Long::parseLong)
            .toArray();
    Shape shape = new Shape(dims);
    DataType dataType = dataType(type);
    if (dataType == null) {
      throw refused(
          file,
          name,
          "has dtype '"
              + type
              + "'; the workbench reads float32, float64, int32, int64, uint8 and bool");
    }
    long count = shape.size();
    int width = dataType.getNumOfBytes();
    if (count * width > Integer.MAX_VALUE) {
      throw refused(file, name, "is too large (" + shape + ")");
    }
    byte[] bytes = data.readNBytes((int) (count * width));
    if (bytes.length != count * width) {
      throw refused(
          file, name, "is cut short (" + bytes.length + " of " + count * width + " bytes)");
    }
    ByteOrder order = type.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(order);
    if (order != ByteOrder.nativeOrder() && width > 1) {
      buffer = swapped(buffer, width);
    }
    if (fortranOrder && dims.length > 1) {
      buffer = cOrder(buffer, dims, width);
    }
    return new HostArray(name, shape, dataType, buffer.order(ByteOrder.nativeOrder()));
  }

  private static DataType dataType(String descr) {
    if (descr.length() < 2) {
      return null;
    }
    return switch (descr.substring(1)) {
      case "f4" -> DataType.FLOAT32;
      case "f8" -> DataType.FLOAT64;
      case "i4" -> DataType.INT32;
      case "i8" -> DataType.INT64;
      case "u1" -> DataType.UINT8;
      case "b1" -> DataType.BOOLEAN;
      default -> null;
    };
  }

  /** The values in the machine's byte order. */
  private static ByteBuffer swapped(ByteBuffer source, int width) {
    byte[] in = source.array();
    byte[] out = new byte[in.length];
    for (int i = 0; i < in.length; i += width) {
      for (int k = 0; k < width; k++) {
        out[i + k] = in[i + width - 1 - k];
      }
    }
    return ByteBuffer.wrap(out).order(ByteOrder.nativeOrder());
  }

  /** Column-major (Fortran) values rearranged row-major, as the engine stores them. */
  private static ByteBuffer cOrder(ByteBuffer source, long[] dims, int width) {
    byte[] in = source.array();
    byte[] out = new byte[in.length];
    int rank = dims.length;
    long[] fortranStride = new long[rank];
    fortranStride[0] = 1;
    for (int axis = 1; axis < rank; axis++) {
      fortranStride[axis] = fortranStride[axis - 1] * dims[axis - 1];
    }
    long[] index = new long[rank];
    long count = in.length / width;
    for (long c = 0; c < count; c++) {
      long offset = 0;
      for (int axis = 0; axis < rank; axis++) {
        offset += index[axis] * fortranStride[axis];
      }
      System.arraycopy(in, (int) (offset * width), out, (int) (c * width), width);
      for (int axis = rank - 1; axis >= 0; axis--) { // next index in C order
        if (++index[axis] < dims[axis]) {
          break;
        }
        index[axis] = 0;
      }
    }
    return ByteBuffer.wrap(out).order(source.order());
  }

  private static IllegalArgumentException refused(Path file, String name, String why) {
    return new IllegalArgumentException(file + ": array " + name + " " + why);
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
