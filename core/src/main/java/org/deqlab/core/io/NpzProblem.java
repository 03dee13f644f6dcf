package org.deqlab.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import java.nio.file.Path;
import java.util.Map;
import org.deqlab.core.cell.Activation;
import org.deqlab.core.cell.MlpCell;

/**
 * A DEQ exported from PyTorch as {@code .npz}: {@code f(z, x) = tanh(z·Wᵀ + x·Uᵀ + b)} with arrays
 * {@code W} (d×d), {@code U} (d×p), {@code b} (d) and {@code x} (n×p), float32 or float64; z starts
 * at zeros (n×d). Loading checks every array's presence, rank, shape and dtype and names the one
 * that is wrong.
 *
 * @param cell the MLP cell carrying W, U and b
 * @param x the inputs, converted to the requested dtype
 * @param source where the problem came from (a path, or a description of a built-in problem)
 */
public record NpzProblem(MlpCell cell, NDArray x, String source) implements DeqProblem {

  /** Loads a problem into {@code manager}, computing in {@code dataType}. */
  public static NpzProblem load(Path file, NDManager manager, DataType dataType) {
    Map<String, NDArray> arrays = NpzFiles.read(file, manager);
    NDArray w = require(arrays, "W", file);
    NDArray u = require(arrays, "U", file);
    NDArray b = require(arrays, "b", file);
    NDArray x = require(arrays, "x", file);
    Shape ws = w.getShape();
    if (ws.dimension() != 2 || ws.get(0) != ws.get(1)) {
      throw new IllegalArgumentException(file + ": array W must be square (d×d), got shape " + ws);
    }
    long d = ws.get(0);
    Shape us = u.getShape();
    if (us.dimension() != 2 || us.get(0) != d) {
      throw new IllegalArgumentException(
          file + ": array U must have shape (d×p) = (" + d + "×p) to match W, got " + us);
    }
    long p = us.get(1);
    if (!b.getShape().equals(new Shape(d))) {
      throw new IllegalArgumentException(
          file + ": array b must have shape (" + d + ") to match W, got " + b.getShape());
    }
    Shape xs = x.getShape();
    if (xs.dimension() != 2 || xs.get(1) != p) {
      throw new IllegalArgumentException(
          file + ": array x must have shape (n×p) = (n×" + p + ") to match U, got " + xs);
    }
    for (Map.Entry<String, NDArray> named : Map.of("W", w, "U", u, "b", b, "x", x).entrySet()) {
      requireFinite(named.getValue(), named.getKey(), file);
    }
    MlpCell cell = new MlpCell((int) d, (int) p, Activation.TANH, 0);
    cell.initialize(manager, dataType);
    cell.load(w, u, b);
    return new NpzProblem(cell, x.toType(dataType, false), file.toString());
  }

  /**
   * A random problem for trying the solvers without a file: W is scaled to the given spectral norm,
   * so above 1 the map is no longer guaranteed contractive.
   */
  public static NpzProblem random(
      NDManager manager,
      DataType dataType,
      int stateSize,
      int inputSize,
      int batch,
      double spectralNorm,
      long seed) {
    manager.getEngine().setRandomSeed((int) seed);
    MlpCell cell = new MlpCell(stateSize, inputSize, Activation.TANH, 0.5);
    cell.initialize(manager, dataType);
    NDArray w = cell.weight().getArray();
    double norm = spectralNorm(w);
    NDArray scaled = w.mul(spectralNorm / norm);
    cell.load(scaled, cell.injectionWeight().getArray(), cell.bias().getArray());
    NDArray x = manager.randomNormal(new Shape(batch, inputSize)).toType(dataType, false);
    return new NpzProblem(
        cell,
        x,
        String.format(
            "random(d=%d, p=%d, n=%d, ‖W‖₂=%.2f, seed=%d)",
            stateSize, inputSize, batch, spectralNorm, seed));
  }

  @Override
  public PairList<String, Parameter> namedParameters() {
    return cell.getParameters();
  }

  /** Largest singular value by power iteration on WᵀW (host-side, exact enough for scaling). */
  static double spectralNorm(NDArray w) {
    NDArray matrix = w.toType(DataType.FLOAT64, false);
    NDArray v = matrix.getManager().ones(new Shape(matrix.getShape().get(1), 1), DataType.FLOAT64);
    double sigma = 0;
    for (int i = 0; i < 200; i++) {
      NDArray wv = matrix.matMul(v);
      NDArray next = matrix.transpose().matMul(wv);
      double norm = next.norm().getDouble();
      sigma = Math.sqrt(norm / v.norm().getDouble());
      v = next.div(norm);
    }
    return sigma;
  }

  /** Refuses an array holding NaN or ±∞, naming it and the index of the first such value. */
  private static void requireFinite(NDArray array, String name, Path file) {
    double[] values = array.toType(DataType.FLOAT64, false).toDoubleArray();
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        long[] index = new long[array.getShape().dimension()];
        long rest = i;
        for (int axis = index.length - 1; axis >= 0; axis--) {
          long size = array.getShape().get(axis);
          index[axis] = rest % size;
          rest /= size;
        }
        throw new IllegalArgumentException(
            String.format(
                java.util.Locale.ROOT,
                "%s: array %s holds %s at index %s, its first value that is not finite (shape %s)",
                file,
                name,
                values[i],
                java.util.Arrays.toString(index),
                array.getShape()));
      }
    }
  }

  private static NDArray require(Map<String, NDArray> arrays, String name, Path file) {
    NDArray array = arrays.get(name);
    if (array == null) {
      throw new IllegalArgumentException(
          file
              + ": missing array '"
              + name
              + "' (expected W (d×d), U (d×p), b (d), x (n×p); found "
              + arrays.keySet()
              + ")");
    }
    DataType type = array.getDataType();
    if (type != DataType.FLOAT32 && type != DataType.FLOAT64) {
      throw new IllegalArgumentException(
          file + ": array " + name + " must be float32 or float64, got " + type);
    }
    return array;
  }
}
