package org.deqlab.app.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.run.ExperimentFile;
import org.deqlab.core.train.LiveSettings;

/**
 * The experiment being edited in the window: the config last loaded (a preset, an opened file, a
 * started run's), and where the panel's pending edits come from. Live settings changed while no run
 * is active edit this config, for the next run.
 */
final class ExperimentEditor {
  private final ReadOnlyObjectWrapper<ExperimentConfig> config;
  private Supplier<ExperimentConfig> draft;

  ExperimentEditor(ExperimentConfig initial) {
    config = new ReadOnlyObjectWrapper<>(initial);
    draft = config::get;
  }

  ReadOnlyObjectProperty<ExperimentConfig> config() {
    return config.getReadOnlyProperty();
  }

  /** Shows {@code value} for editing (a preset, an opened file, the config a run starts with). */
  void load(ExperimentConfig value) {
    config.set(value);
  }

  /**
   * Where the config of the next run comes from (the experiment panel's edits, validated there);
   * default: {@link #config()}.
   */
  void setDraft(Supplier<ExperimentConfig> source) {
    this.draft = source;
  }

  /** The edited config; throws IllegalArgumentException naming a field that is invalid. */
  ExperimentConfig draft() {
    return draft.get();
  }

  /** The live values the next run would start from. */
  LiveSettings.Values values() {
    return LiveSettings.Values.of(config.get());
  }

  /** Applies a live-settings change to the next run's config. */
  void applyLive(UnaryOperator<LiveSettings.Values> change) {
    ExperimentConfig base = draft();
    LiveSettings.Values values = change.apply(LiveSettings.Values.of(base));
    ExperimentConfig changed = values.appliedTo(base);
    if (!changed.equals(config.get())) {
      config.set(changed);
    }
  }

  /** Saves the edited config with a run's log and checkpoint (either may be null). */
  void save(Path file, Path runLog, Path checkpoint) throws IOException {
    Path log = runLog != null && Files.exists(runLog) ? runLog : null;
    new ExperimentFile(draft(), log, checkpoint).write(file);
  }
}
