package org.deqlab.app.ui;

/** Where the window's experiment is in its life, for enabling the run controls. */
enum RunState {
  IDLE,
  STARTING,
  RUNNING,
  PAUSED,
  STOPPING,
  FINISHED,
  FAILED;

  boolean active() {
    return this == STARTING || this == RUNNING || this == PAUSED || this == STOPPING;
  }
}
