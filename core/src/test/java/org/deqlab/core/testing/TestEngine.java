package org.deqlab.core.testing;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.engine.DeqEngine;

/** One CPU manager per test class, on an engine started offline, with recording off. */
public final class TestEngine {
  private TestEngine() {}

  public static NDManager newManager() {
    NDManager manager = DeqEngine.newManager(Device.cpu());
    Autograd.setRecording(false);
    return manager;
  }
}
