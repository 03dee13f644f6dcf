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

  /** A new root manager on the given device. */
  public static NDManager newManager(Device device) {
    return get().newBaseManager(device);
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
