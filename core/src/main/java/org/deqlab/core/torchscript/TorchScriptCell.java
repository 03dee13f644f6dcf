package org.deqlab.core.torchscript;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.cell.DetachedParameterStore;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;

/**
 * A cell whose {@code f(z, x)} is the {@code forward(z, x)} of a TorchScript module the user saved
 * from PyTorch. The input injection is the identity (the module sees x itself), so gradients reach
 * x through {@link #apply}. The module's parameters are the cell's DJL parameters (a child block
 * sharing their storage with the module), so optimizers update the module in place and every
 * vector–Jacobian product goes through PyTorch's own autograd.
 *
 * <p>Why the module is loaded with {@code trainParam=true}: otherwise DJL loads its parameters as
 * inference tensors and every backward fails. A module's code reads its parameters itself, so a
 * {@link DetachedParameterStore} cannot cut them off the graph: the cell switches the parameters'
 * {@code requires_grad} off while such a store is in use instead.
 *
 * <p>The module runs in evaluation mode: f must be one fixed map during a solve and its backward.
 * Owns the loaded model: {@link #close()} frees it.
 */
public final class TorchScriptCell extends Cell implements AutoCloseable {
  private static final byte VERSION = 1;

  private final Path file;
  private final ZooModel<NDList, NDList> model;
  private final PtSymbolBlock module;
  private final Shape stateTemplate;
  private final Shape inputTemplate;

  /** The parameters' dtype; for a module without parameters, the loaded z0's. */
  private DataType dataType;

  private final List<Parameter> moduleParameters;
  private boolean parametersTracked = true;

  /** The user's z0, in the module's dtype, owned by the model. */
  private NDArray start;

  private TorchScriptCell(
      Path file, ZooModel<NDList, NDList> model, Shape stateTemplate, Shape inputTemplate) {
    super(VERSION);
    this.file = file;
    this.model = model;
    this.module = (PtSymbolBlock) model.getBlock();
    this.stateTemplate = stateTemplate;
    this.inputTemplate = inputTemplate;
    ParameterList direct = module.getDirectParameters();
    this.moduleParameters = new ArrayList<>(direct.values());
    this.dataType =
        moduleParameters.isEmpty() ? null : moduleParameters.get(0).getArray().getDataType();
    addChildBlock("module", module);
    JniUtils.enableInferenceMode(module); // eval(): no dropout or batch statistics inside a solve
  }

  /**
   * Loads {@code file} on {@code device} and checks it against the user's input: {@code forward(z0,
   * x)} must run and return one finite tensor with z0's shape and dtype.
   *
   * @param z0 the starting point; its shape is the state's (axis 0 the batch)
   * @param x the input
   * @throws TorchScriptException naming the file and the problem, in one line
   */
  public static TorchScriptCell load(Path file, Device device, NDArray z0, NDArray x) {
    TorchScriptCell cell =
        new TorchScriptCell(file, open(file, device), z0.getShape(), x.getShape());
    try {
      if (cell.dataType == null) {
        cell.dataType = z0.getDataType();
      }
      DataType type = cell.dataType;
      try (NDManager scratch = z0.getManager().newSubManager()) {
        NDArray start = z0.toType(type, true);
        start.attach(scratch);
        NDArray input = x.getDataType().isFloating() ? x.toType(type, true) : x.duplicate();
        input.attach(scratch);
        cell.checkForward(start, input);
        cell.start = start.duplicate();
        cell.start.attach(cell.model.getNDManager());
      }
      return cell;
    } catch (RuntimeException e) {
      cell.close();
      throw e;
    }
  }

  private static ZooModel<NDList, NDList> open(Path file, Device device) {
    TorchScriptFiles.requireTorchScript(file);
    DeqEngine.get();
    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            // The folder and the file's name: a file path alone makes DJL warn that its
            // repository points to a non-archive file.
            .optModelPath(file.toAbsolutePath().getParent())
            .optModelName(file.getFileName().toString())
            .optEngine(DeqEngine.ENGINE_NAME)
            .optDevice(device)
            .optOption("trainParam", "true")
            .build();
    try {
      return criteria.loadModel();
    } catch (EngineException e) {
      throw TorchScriptFiles.loadFailure(file, e);
    } catch (ModelNotFoundException | MalformedModelException | IOException e) {
      throw new TorchScriptException(
          file, "could not be loaded as TorchScript: " + TorchScriptFiles.essence(e), e);
    }
  }

  private void checkForward(NDArray z0, NDArray x) {
    NDList out;
    try (NDManager scratch = z0.getManager().newSubManager()) {
      try {
        out = Autograd.noGrad(() -> IValueUtils.forward(module, new NDList(z0, x), true));
      } catch (EngineException e) {
        throw TorchScriptFiles.forwardFailure(file, e);
      }
      out.attach(scratch);
      if (out.size() != 1) {
        throw new TorchScriptException(
            file, "forward(z, x) must return one tensor (the next z), it returned " + out.size());
      }
      NDArray next = out.get(0);
      if (!next.getShape().equals(z0.getShape())) {
        throw new TorchScriptException(
            file,
            "forward(z, x) returned shape "
                + next.getShape()
                + " for z of shape "
                + z0.getShape()
                + "; it must return z's shape");
      }
      if (next.getDataType() != z0.getDataType()) {
        throw new TorchScriptException(
            file,
            "forward(z, x) returned "
                + next.getDataType()
                + " for z of "
                + z0.getDataType()
                + "; it must return z's dtype");
      }
      double sum = next.toType(DataType.FLOAT64, false).abs().sum().getDouble();
      if (!Double.isFinite(sum)) {
        throw new TorchScriptException(
            file, "forward(z0, x) is not finite (NaN or infinity) at the input's z0");
      }
    }
  }

  /** The file the module was loaded from. */
  public Path file() {
    return file;
  }

  /** The module's parameters by their names in the module (e.g. {@code W.weight}). */
  public ParameterList moduleParameters() {
    return module.getDirectParameters();
  }

  /** Whether the module has parameters to train. */
  public boolean trainable() {
    return !moduleParameters.isEmpty();
  }

  /** The user's z0 for the loaded input's shape, zeros of the state's shape for any other. */
  @Override
  public NDArray initialState(NDArray x) {
    if (x.getShape().equals(inputTemplate)) {
      NDArray copy = start.toDevice(x.getDevice(), true);
      copy.attach(x.getManager());
      return copy;
    }
    // zeros in the module's dtype: x may be token ids
    return x.getManager().zeros(stateShape(x.getShape()), dataType, x.getDevice());
  }

  /** The identity: the module receives x itself. */
  @Override
  public NDArray inject(ParameterStore parameters, NDArray x, boolean training) {
    return x;
  }

  @Override
  public NDArray apply(ParameterStore parameters, NDArray z, NDArray injection, boolean training) {
    trackParameters(!(parameters instanceof DetachedParameterStore));
    // Always isTrain=true: with false the engine runs the module in InferenceMode, whose outputs
    // are inference tensors that no later graph may use (an equilibrium found without a graph is
    // the leaf of the implicit backward). Whether a graph is recorded is this thread's grad mode.
    return IValueUtils.forward(module, new NDList(z, injection), true).singletonOrThrow();
  }

  /** Switches the module's parameters in or out of the graphs recorded from now on. */
  private void trackParameters(boolean on) {
    if (on != parametersTracked) {
      for (Parameter parameter : moduleParameters) {
        parameter.getArray().setRequiresGradient(on);
      }
      parametersTracked = on;
    }
  }

  /**
   * The loaded z0's shape with axis 0 (the batch) taken from {@code inputShape}, and axis 1 too
   * where it is a {@linkplain #hasLengthAxis() length axis}.
   */
  @Override
  public Shape stateShape(Shape inputShape) {
    Shape state = withBatch(stateTemplate, inputShape.get(0));
    return hasLengthAxis() ? withAxis(state, 1, inputShape.get(1)) : state;
  }

  @Override
  public Shape inputShape(long batch) {
    return withBatch(inputTemplate, batch);
  }

  /** The shape of an input with {@code length} positions (needs a {@linkplain #hasLengthAxis}). */
  public Shape inputShape(long batch, long length) {
    return withAxis(inputShape(batch), 1, length);
  }

  /**
   * Whether axis 1 of x and z is a sequence length they share (both of rank ≥ 3, of one size along
   * axis 1 in the loaded input): then a cell may accept other lengths.
   */
  public boolean hasLengthAxis() {
    return inputTemplate.dimension() >= 3
        && stateTemplate.dimension() >= 3
        && inputTemplate.get(1) == stateTemplate.get(1);
  }

  private static Shape withAxis(Shape shape, int axis, long size) {
    long[] dims = shape.getShape().clone();
    dims[axis] = size;
    return new Shape(dims);
  }

  private static Shape withBatch(Shape template, long batch) {
    long[] dims = template.getShape().clone();
    dims[0] = batch;
    return new Shape(dims);
  }

  @Override
  public DataType dataTypeOf() {
    return dataType;
  }

  /** Nothing to initialize: the parameters come from the file. */
  @Override
  public void initialize(NDManager manager, DataType requested) {
    if (requested != dataType) {
      throw new TorchScriptException(
          file, "the module's parameters are " + dataType + "; it cannot be run in " + requested);
    }
  }

  /**
   * Writes the module's parameters by their names (for checkpoints). The module reads its own
   * tensors, so {@link #loadParameters} copies values into them in place instead of replacing them,
   * as DJL's block format would.
   */
  @Override
  public void saveParameters(DataOutputStream out) throws IOException {
    out.write(VERSION);
    out.writeInt(moduleParameters.size());
    for (Parameter parameter : moduleParameters) {
      out.writeUTF(parameter.getName());
      byte[] bytes = parameter.getArray().encode();
      out.writeInt(bytes.length);
      out.write(bytes);
    }
  }

  /** Copies saved values into the module's own tensors, after checking names and shapes. */
  @Override
  public void loadParameters(NDManager manager, DataInputStream in)
      throws IOException, MalformedModelException {
    int version = in.readUnsignedByte();
    if (version != VERSION) {
      throw new MalformedModelException(
          "TorchScript cell parameters of version " + version + ", expected " + VERSION);
    }
    int count = in.readInt();
    if (count != moduleParameters.size()) {
      throw new MalformedModelException(
          file.getFileName()
              + " has "
              + moduleParameters.size()
              + " parameters, the saved cell had "
              + count);
    }
    try (NDManager scratch = manager.newSubManager()) {
      for (Parameter parameter : moduleParameters) {
        String name = in.readUTF();
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        NDArray saved = NDArray.decode(scratch, bytes);
        NDArray own = parameter.getArray();
        if (!name.equals(parameter.getName())
            || !saved.getShape().equals(own.getShape())
            || saved.getDataType() != own.getDataType()) {
          throw new MalformedModelException(
              "saved parameter "
                  + name
                  + " "
                  + saved.getShape()
                  + " does not match "
                  + file.getFileName()
                  + "'s "
                  + parameter.getName()
                  + " "
                  + own.getShape());
        }
        NDArray value = saved.toDevice(own.getDevice(), false);
        Autograd.noGrad(
            () -> {
              own.set(new NDIndex("..."), value);
              return null;
            });
      }
    }
  }

  /**
   * Writes the module with its current (trained) parameters as TorchScript, which PyTorch loads
   * with {@code torch.jit.load}. Uses the engine's internal module writer: DJL's public {@code
   * saveParameters} writes only DJL's own format.
   */
  public void export(Path target) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = Files.newOutputStream(target)) {
      JniUtils.writeModule(module, out, false);
    }
  }

  @Override
  public void close() {
    model.close();
  }

  @Override
  public String toString() {
    return "torchscript " + file.getFileName();
  }
}
