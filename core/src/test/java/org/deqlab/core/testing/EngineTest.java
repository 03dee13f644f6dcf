package org.deqlab.core.testing;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A test class with one CPU manager on an engine started offline, recording off, open for all its
 * tests and closed after them: what most engine tests need, in one place. Subclasses seed the
 * engine and build their fixtures in a {@code @BeforeAll} of their own (it runs after this one).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EngineTest {
  protected NDManager manager;

  @BeforeAll
  final void openManager() {
    manager = TestEngine.newManager();
  }

  @AfterAll
  final void closeManager() {
    manager.close();
  }
}
