package org.deqlab.core.torchscript;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deqlab.core.engine.Autograd;

/**
 * The check a loaded cell must pass before it is trained: its vector–Jacobian products, taken by
 * the engine's autograd, against central finite differences of its forward along random directions,
 * on the user's own input. A wrong backward kernel (float32 convolutions with few channels on
 * oneDNN give input gradients off by tens of percent) would otherwise train silently on wrong
 * gradients; a cell that fails is still solved and probed, but refused for training.
 *
 * <p>The point is {@code z₁ = f(z0, x)} (one step from the user's start, so no term vanishes just
 * because z0 = 0); the products are {@code ⟨uᵀJ_z, v⟩}, {@code ⟨uᵀJ_x, v⟩} and {@code ⟨uᵀJ_θ, v⟩}
 * for a random cotangent u and random directions v, the parameters' scaled to each parameter's
 * size. Where the module also runs in float64 (a module that converts, or one without parameters),
 * the float32 products are compared with float64's too.
 */
public final class TorchScriptGradientCheck {
  /** Relative disagreement above which a cell is refused for training. */
  public static final double TOLERANCE = 1e-2;

  /** Step of the central differences, relative to the direction's size. */
  private static final double STEP = 1e-2;

  private static final long SEED = 16;

  private TorchScriptGradientCheck() {}

  /**
   * One product compared.
   *
   * @param with what is differentiated: {@code z}, {@code x}, {@code parameters}, or one of those
   *     {@code in float64}
   * @param autograd the engine's product
   * @param reference the finite difference (or the float64 product)
   * @param relativeError {@code |autograd − reference|} over the larger of the two and the
   *     reference's noise level
   */
  public record Agreement(String with, double autograd, double reference, double relativeError) {
    public boolean agrees() {
      return relativeError <= TOLERANCE;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s: autograd %.6g vs %s %.6g (relative error %.2e)",
          with,
          autograd,
          with.endsWith("float64") ? "float64" : "finite difference",
          reference,
          relativeError);
    }
  }

  /**
   * What the check found.
   *
   * @param agreements every product compared
   * @param float64 why float64 was not compared, or empty if it was
   */
  public record Result(List<Agreement> agreements, String float64) {
    public Result {
      agreements = List.copyOf(agreements);
    }

    /** Whether every product agrees to {@link #TOLERANCE}. */
    public boolean passed() {
      return agreements.stream().allMatch(Agreement::agrees);
    }

    /** The largest relative error. */
    public double worstError() {
      return agreements.stream().mapToDouble(Agreement::relativeError).max().orElse(0);
    }

    /** The products that disagree, one clause each. */
    public String disagreements() {
      StringBuilder text = new StringBuilder();
      for (Agreement agreement : agreements) {
        if (!agreement.agrees()) {
          text.append(text.length() == 0 ? "" : "; ").append(agreement);
        }
      }
      return text.toString();
    }
  }

  /** Checks {@code cell} at {@code f(z0, x)}; gradients it leaves on the parameters are zeroed. */
  public static Result run(TorchScriptCell cell, NDArray z0, NDArray x) {
    List<Agreement> agreements = new ArrayList<>();
    String float64;
    try (NDManager scope = z0.getManager().newSubManager()) {
      ParameterStore parameters = new ParameterStore(scope, false);
      Random random = new Random(SEED);
      NDArray z =
          Autograd.noGrad(() -> cell.apply(parameters, attach(z0.duplicate(), scope), x, false));
      NDArray u = gaussian(scope, z.getShape(), z.getDataType(), random, 1);
      NDArray vz = gaussian(scope, z.getShape(), z.getDataType(), random, 1);
      boolean floatInput = x.getDataType().isFloating();
      NDArray vx = floatInput ? gaussian(scope, x.getShape(), x.getDataType(), random, 1) : null;
      List<Parameter> weights = new ArrayList<>(cell.moduleParameters().values());
      List<NDArray> vw = new ArrayList<>();
      for (Parameter weight : weights) {
        vw.add(gaussian(scope, weight.getArray().getShape(), cell.dataTypeOf(), random, 1));
      }
      for (int i = 0; i < weights.size(); i++) {
        double size = rms(weights.get(i).getArray());
        vw.get(i).muli(size > 0 ? size : 1);
      }

      Products products = products(cell, parameters, z, x, u, vz, vx, weights, vw, scope);
      double zStep = STEP * Math.max(1, rms(z));
      agreements.add(
          compare(
              "z",
              products.z,
              difference(cell, parameters, u, z, vz, x, null, zStep, scope),
              u,
              z,
              zStep));
      if (vx != null) {
        double xStep = STEP * Math.max(1, rms(x));
        agreements.add(
            compare(
                "x",
                products.x,
                difference(cell, parameters, u, z, null, x, vx, xStep, scope),
                u,
                z,
                xStep));
      }
      if (!weights.isEmpty()) {
        agreements.add(
            compare(
                "parameters",
                products.parameters,
                parameterDifference(cell, parameters, u, z, x, weights, vw, scope),
                u,
                z,
                STEP));
      }
      float64 = compareFloat64(cell, z, x, u, vz, vx, products, agreements, scope);
    }
    return new Result(agreements, float64);
  }

  private record Products(double z, double x, double parameters) {}

  private static Products products(
      TorchScriptCell cell,
      ParameterStore parameters,
      NDArray z,
      NDArray x,
      NDArray u,
      NDArray vz,
      NDArray vx,
      List<Parameter> weights,
      List<NDArray> vw,
      NDManager scope) {
    for (Parameter weight : weights) {
      Autograd.zeroGradient(weight.getArray());
    }
    NDArray zLeaf = attach(z.duplicate(), scope);
    zLeaf.setRequiresGradient(true);
    NDArray xLeaf = attach(x.duplicate(), scope);
    if (vx != null) {
      xLeaf.setRequiresGradient(true);
    }
    NDArray image = Autograd.recording(true, () -> cell.apply(parameters, zLeaf, xLeaf, false));
    Autograd.backward(image, u, false);
    double pz = dot(zLeaf.getGradient(), vz);
    double px = vx == null ? 0 : dot(xLeaf.getGradient(), vx);
    double pw = 0;
    for (int i = 0; i < weights.size(); i++) {
      NDArray array = weights.get(i).getArray();
      try (NDArray gradient = array.getGradient()) {
        pw += dot(gradient, vw.get(i));
      }
      Autograd.zeroGradient(array);
    }
    return new Products(pz, px, pw);
  }

  /** {@code (⟨u, f(z + hv_z, x + hv_x)⟩ − ⟨u, f(z − hv_z, x − hv_x)⟩) / 2h}. */
  private static double difference(
      TorchScriptCell cell,
      ParameterStore parameters,
      NDArray u,
      NDArray z,
      NDArray vz,
      NDArray x,
      NDArray vx,
      double step,
      NDManager scope) {
    double[] sides = new double[2];
    for (int side = 0; side < 2; side++) {
      double sign = side == 0 ? 1 : -1;
      NDArray zs = vz == null ? z : attach(z.add(vz.mul(sign * step)), scope);
      NDArray xs = vx == null ? x : attach(x.add(vx.mul(sign * step)), scope);
      sides[side] = Autograd.noGrad(() -> dot(cell.apply(parameters, zs, xs, false), u));
    }
    return (sides[0] - sides[1]) / (2 * step);
  }

  /** The same along the parameters, moving them in place and back. */
  private static double parameterDifference(
      TorchScriptCell cell,
      ParameterStore parameters,
      NDArray u,
      NDArray z,
      NDArray x,
      List<Parameter> weights,
      List<NDArray> vw,
      NDManager scope) {
    double[] sides = new double[2];
    Autograd.noGrad(
        () -> {
          List<NDArray> originals = new ArrayList<>();
          for (Parameter weight : weights) {
            originals.add(attach(weight.getArray().duplicate(), scope));
          }
          for (int side = 0; side < 2; side++) {
            double sign = side == 0 ? 1 : -1;
            for (int i = 0; i < weights.size(); i++) {
              NDArray moved = originals.get(i).add(vw.get(i).mul(sign * STEP));
              weights.get(i).getArray().set(moved.toByteBuffer());
              moved.close();
            }
            sides[side] = dot(cell.apply(parameters, z, x, false), u);
          }
          for (int i = 0; i < weights.size(); i++) {
            weights.get(i).getArray().set(originals.get(i).toByteBuffer());
          }
          return null;
        });
    return (sides[0] - sides[1]) / (2 * STEP);
  }

  /**
   * The relative error, with the finite difference's own rounding noise (one ulp of each output
   * entry, weighted by |u|, over the step) as the floor of the scale.
   */
  private static Agreement compare(
      String with, double autograd, double reference, NDArray u, NDArray z, double step) {
    double ulp = z.getDataType() == DataType.FLOAT64 ? 0x1p-52 : 0x1p-23;
    double noise = ulp * dot(u.abs(), z.abs().add(1)) / step;
    double scale = Math.max(Math.max(Math.abs(autograd), Math.abs(reference)), 100 * noise);
    return new Agreement(with, autograd, reference, Math.abs(autograd - reference) / scale);
  }

  /** Adds the float64 comparisons where the module runs in float64; says why not otherwise. */
  private static String compareFloat64(
      TorchScriptCell cell,
      NDArray z,
      NDArray x,
      NDArray u,
      NDArray vz,
      NDArray vx,
      Products single,
      List<Agreement> agreements,
      NDManager scope) {
    if (z.getDataType() == DataType.FLOAT64) {
      return "the module runs in float64";
    }
    NDArray z64 = attach(z.toType(DataType.FLOAT64, true), scope);
    NDArray x64 = attach(vx == null ? x.duplicate() : x.toType(DataType.FLOAT64, true), scope);
    z64.setRequiresGradient(true);
    if (vx != null) {
      x64.setRequiresGradient(true);
    }
    ParameterStore detached = new org.deqlab.core.cell.DetachedParameterStore(scope);
    NDArray image;
    try {
      image = Autograd.recording(true, () -> cell.apply(detached, z64, x64, false));
    } catch (EngineException e) {
      return "the module does not run in float64 (" + TorchScriptFiles.essence(e) + ")";
    }
    if (image.getDataType() != DataType.FLOAT64) {
      return "the module returns " + image.getDataType() + " for float64 inputs";
    }
    Autograd.backward(image, attach(u.toType(DataType.FLOAT64, true), scope), false);
    double pz = dot(z64.getGradient(), vz);
    agreements.add(new Agreement("z in float64", single.z, pz, relative(single.z, pz)));
    if (vx != null) {
      double px = dot(x64.getGradient(), vx);
      agreements.add(new Agreement("x in float64", single.x, px, relative(single.x, px)));
    }
    return "";
  }

  private static double relative(double a, double b) {
    double scale = Math.max(Math.abs(a), Math.abs(b));
    return scale == 0 ? 0 : Math.abs(a - b) / scale;
  }

  private static double dot(NDArray a, NDArray b) {
    return a.toType(DataType.FLOAT64, false)
        .mul(b.toType(DataType.FLOAT64, false))
        .sum()
        .getDouble();
  }

  private static double rms(NDArray a) {
    long size = a.getShape().size();
    return size == 0 ? 0 : Math.sqrt(dot(a, a) / size);
  }

  private static NDArray gaussian(
      NDManager manager, Shape shape, DataType type, Random random, double scale) {
    double[] values = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = scale * random.nextGaussian();
    }
    return manager.create(values, shape).toType(type, false);
  }

  private static NDArray attach(NDArray array, NDManager manager) {
    array.attach(manager);
    return array;
  }
}
