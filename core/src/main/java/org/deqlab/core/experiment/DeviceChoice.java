package org.deqlab.core.experiment;

import ai.djl.Device;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.deqlab.core.engine.DeqEngine;
import org.deqlab.core.engine.GpuSupport;

/**
 * Where an experiment runs, as a user chooses it: {@code auto} (a usable GPU, else the CPU), {@code
 * cpu}, or {@code cuda:N} ({@code cuda}, {@code gpu} and {@code gpu:N} are accepted too).
 *
 * @param kind auto, cpu or cuda
 * @param index the CUDA device for {@link Kind#CUDA}, else 0
 */
public record DeviceChoice(Kind kind, int index) {
  public static final DeviceChoice AUTO = new DeviceChoice(Kind.AUTO, 0);
  public static final DeviceChoice CPU = new DeviceChoice(Kind.CPU, 0);

  /** What was asked for. */
  public enum Kind {
    AUTO,
    CPU,
    CUDA
  }

  public DeviceChoice {
    if (kind == null) {
      throw new IllegalArgumentException("device must be auto, cpu or cuda[:N]");
    }
    if (index < 0 || (kind != Kind.CUDA && index != 0)) {
      throw new IllegalArgumentException("device index must be ≥ 0 and only follow cuda");
    }
  }

  /** The CUDA device {@code index}. */
  public static DeviceChoice cuda(int index) {
    return new DeviceChoice(Kind.CUDA, index);
  }

  @JsonValue
  public String label() {
    return switch (kind) {
      case AUTO -> "auto";
      case CPU -> "cpu";
      case CUDA -> "cuda:" + index;
    };
  }

  /** Parses {@code auto}, {@code cpu}, {@code cuda}, {@code cuda:N}, {@code gpu}, {@code gpu:N}. */
  @JsonCreator
  public static DeviceChoice parse(String text) {
    String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (value.equals("auto")) {
      return AUTO;
    }
    if (value.equals("cpu")) {
      return CPU;
    }
    for (String prefix : new String[] {"cuda", "gpu"}) {
      if (value.equals(prefix)) {
        return cuda(0);
      }
      if (value.startsWith(prefix + ":")) {
        try {
          return cuda(Integer.parseInt(value.substring(prefix.length() + 1)));
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    throw new IllegalArgumentException(
        "must be auto, cpu, cuda or cuda:N (gpu[:N] also accepted), got '" + text + "'");
  }

  /**
   * The device to run on: for {@code auto} the first GPU the engine can use, else the CPU; a CUDA
   * device the engine cannot use is an error that says why.
   */
  public Device resolve() {
    return switch (kind) {
      case CPU -> Device.cpu();
      case AUTO -> DeqEngine.gpuCount() > 0 ? Device.gpu(0) : Device.cpu();
      case CUDA -> cuda(GpuSupport.probe());
    };
  }

  /** The GPU this choice names, or why it cannot be used (one line, for the user). */
  Device cuda(GpuSupport support) {
    if (support.problem().isPresent()) {
      throw new IllegalArgumentException(
          "device " + label() + " is not usable: " + support.problem().get());
    }
    if (index >= support.gpus().size()) {
      throw new IllegalArgumentException(
          "device "
              + label()
              + " is not usable: the NVIDIA driver sees "
              + support.gpus().size()
              + " GPU(s), cuda:0 to cuda:"
              + (support.gpus().size() - 1));
    }
    return Device.gpu(index);
  }

  @Override
  public String toString() {
    return label();
  }
}
