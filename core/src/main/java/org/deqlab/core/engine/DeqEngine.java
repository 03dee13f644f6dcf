package org.deqlab.core.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * Starts DJL's PyTorch engine the way this workbench needs it: offline (nothing is downloaded at
 * run time, the natives come from the {@code pytorch-native-cpu} jar on the class path), and with
 * one clear message when the natives are missing.
 */
public final class DeqEngine {
  /** The engine every part of the workbench runs on; the implicit backward needs its autograd. */
  public static final String ENGINE_NAME = "PyTorch";

  private static final String NATIVES_ARTIFACT =
      "ai.djl.pytorch:pytorch-native-cpu:2.7.1 (classifier linux-x86_64) together with"
          + " ai.djl.pytorch:pytorch-jni:2.7.1-0.35.0";

  private static volatile Engine engine;

  private DeqEngine() {}

  /**
   * Returns the PyTorch engine, starting it offline on first use.
   *
   * @throws EngineUnavailableException if the native libraries cannot be loaded
   */
  public static Engine get() {
    Engine started = engine;
    if (started != null) {
      return started;
    }
    synchronized (DeqEngine.class) {
      if (engine == null) {
        System.setProperty("ai.djl.offline", "true");
        try {
          engine = Engine.getEngine(ENGINE_NAME);
          spendDeprecationWarning(engine);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
          throw new EngineUnavailableException(
              "could not start DJL's PyTorch engine offline ("
                  + rootMessage(e)
                  + "). The workbench needs the PyTorch natives from Maven Central on the class"
                  + " path: "
                  + NATIVES_ARTIFACT
                  + ". Build with 'mvn -B package' (or run ./deq) so they are copied to"
                  + " app/target/lib.",
              e);
        }
      }
      return engine;
    }
  }

  /** The C library calls that point the process's stderr elsewhere for a moment. */
  private interface StandardError extends com.sun.jna.Library {
    int dup(int fd);

    int dup2(int from, int to);

    int open(String path, int flags);

    int close(int fd);
  }

  /**
   * PyTorch 2.7 prints "Warning: AutoNonVariableTypeMode is deprecated …" on stderr the first time
   * DJL's bridge copies a buffer into a tensor (its {@code NDArray.set}): a warning about DJL's own
   * C++ code, printed once per process, that changes nothing in a run. TORCH_CPP_LOG_LEVEL does not
   * reach it (libtorch reads it only when Python starts it). So the first such copy is made here,
   * at engine start, with the process's stderr pointed at /dev/null for that call only; {@code
   * DEQ_TORCH_WARNINGS=1} in the environment shows it. Where the C library cannot be reached
   * (Windows) the warning is printed as before.
   */
  private static void spendDeprecationWarning(Engine started) {
    String show = System.getenv("DEQ_TORCH_WARNINGS");
    if ((show != null && !show.isBlank())
        || System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("win")) {
      return;
    }
    StandardError c;
    try {
      c = com.sun.jna.Native.load("c", StandardError.class);
    } catch (LinkageError | RuntimeException e) {
      return;
    }
    System.err.flush();
    int saved = c.dup(2);
    int devNull = saved < 0 ? -1 : c.open("/dev/null", 1 /* O_WRONLY */);
    if (devNull < 0) {
      if (saved >= 0) {
        c.close(saved);
      }
      return;
    }
    try (NDManager scratch = started.newBaseManager(Device.cpu())) {
      c.dup2(devNull, 2);
      scratch
          .zeros(new ai.djl.ndarray.types.Shape(1))
          .set(
              java.nio.ByteBuffer.allocateDirect(Float.BYTES)
                  .order(java.nio.ByteOrder.nativeOrder()));
    } catch (RuntimeException e) {
      // the warning will show where it would have; nothing else depends on this
    } finally {
      c.dup2(saved, 2);
      c.close(saved);
      c.close(devNull);
    }
  }

  /** A new root manager on the given device. */
  public static NDManager newManager(Device device) {
    return get().newBaseManager(device);
  }

  /**
   * A manager on the host under {@code parent}, closed with it: for values that must not depend on
   * the device they end up on, such as the random draws of a cell that checks on every device share
   * (a GPU's generator draws other numbers than the CPU's for the same seed).
   */
  public static NDManager hostManager(NDManager parent) {
    return parent.newSubManager(Device.cpu());
  }

  /** How reports, run logs and the window name a device: {@code cpu} or {@code cuda:N}. */
  public static String label(Device device) {
    return device.isGpu() ? "cuda:" + device.getDeviceId() : "cpu";
  }

  /** The versions a run log records: DJL, the engine and its native library. */
  public static String versions() {
    Engine e = get();
    return "DJL " + Engine.getDjlVersion() + ", " + e.getEngineName() + " " + e.getVersion();
  }

  /**
   * Number of GPUs the engine can compute on: those the NVIDIA driver sees, when the loaded natives
   * are a CUDA build (0 otherwise; {@link GpuSupport#probe()} says why).
   */
  public static int gpuCount() {
    try {
      return GpuSupport.probe().usable();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
