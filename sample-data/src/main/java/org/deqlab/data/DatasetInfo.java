package org.deqlab.data;

import java.util.Objects;

/**
 * What a dataset or task is, how big it is and where it came from, as one value that every dataset
 * and task in this module exposes. Run logs copy it into their header and the UI shows it, so a
 * result can always be traced back to its data and that data's licence.
 *
 * @param id short stable identifier used in configs and logs, e.g. {@code "copy-memory-T100"}
 * @param description one human-readable sentence on what the data is
 * @param size how many {@code sizeUnit}s the dataset holds (all splits together)
 * @param sizeUnit whether {@code size} counts examples or characters
 * @param license licence of the data itself (not of this code)
 * @param source where the data comes from: a publication, a package, a path
 */
public record DatasetInfo(
    String id, String description, long size, SizeUnit sizeUnit, String license, String source) {

  /** The unit in which {@link DatasetInfo#size()} is counted. */
  public enum SizeUnit {
    /** Whole labelled examples (sequences, images). */
    EXAMPLES,
    /** Unicode code points of text. */
    CHARACTERS;

    /** Lower-case plural used in summaries, e.g. {@code "characters"}. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public DatasetInfo {
    requireText(id, "id");
    requireText(description, "description");
    requireText(license, "license");
    requireText(source, "source");
    Objects.requireNonNull(sizeUnit, "sizeUnit must be EXAMPLES or CHARACTERS, got null");
    if (size < 0) {
      throw new IllegalArgumentException("size must be ≥ 0, got " + size);
    }
  }

  /** One line for logs and tool tips, e.g. {@code "austen-char: 1151625 characters (…)"}. */
  public String summary() {
    return id
        + ": "
        + size
        + " "
        + sizeUnit.label()
        + " — "
        + description
        + " [licence: "
        + license
        + "; source: "
        + source
        + "]";
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must be a non-blank string, got " + value);
    }
  }
}
