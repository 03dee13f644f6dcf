package org.deqlab.viz;

import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import io.fair_acc.dataset.DataSet;
import io.fair_acc.dataset.spi.DoubleDataSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Series created on first use of their name (one per run or model), as {@link MemoryChart} and
 * {@link StepsVsLengthChart} draw them. Kept in order of creation, each styled by its name and its
 * place in that order; a series joins and leaves the renderer together with this map, so the chart
 * and the exported data never disagree. Callers run {@link ChartPanel#beforeUpdate()} first.
 */
final class NamedSeries {
  /** Chooses the look of a new series from its name and how many were created before it. */
  @FunctionalInterface
  interface Styler {
    SeriesStyle style(String name, int index);
  }

  private final ErrorDataSetRenderer renderer;
  private final String xName;
  private final String xUnit;
  private final String yName;
  private final String yUnit;
  private final Styler styler;
  private final Map<String, DoubleDataSet> byName = new LinkedHashMap<>();
  private final Map<String, Integer> indexByName = new LinkedHashMap<>();
  private int created;

  /** Series drawn by {@code renderer}, their points in the given quantities and units. */
  NamedSeries(
      ErrorDataSetRenderer renderer,
      String xName,
      String xUnit,
      String yName,
      String yUnit,
      Styler styler) {
    this.renderer = renderer;
    this.xName = xName;
    this.xUnit = xUnit;
    this.yName = yName;
    this.yUnit = yUnit;
    this.styler = styler;
  }

  /** The series {@code name}, created, styled and drawn if it is new. */
  DoubleDataSet getOrCreate(String name) {
    return byName.computeIfAbsent(name, this::create);
  }

  /** The place of series {@code name} in the order of creation (its style's index), or -1. */
  int indexOf(String name) {
    return indexByName.getOrDefault(name, -1);
  }

  /** Every series by name, in order of creation (a read-only view). */
  Map<String, DoubleDataSet> byName() {
    return Collections.unmodifiableMap(byName);
  }

  /**
   * Removes the series {@code name}, if present; the next new series still takes the next style.
   */
  void remove(String name) {
    DoubleDataSet dataSet = byName.remove(name);
    indexByName.remove(name);
    if (dataSet != null) {
      renderer.getDatasets().remove(dataSet);
    }
  }

  /** The names of the series, in order of creation. */
  List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** Removes every series; styles start again from the first. */
  void clear() {
    renderer.getDatasets().removeAll(byName.values());
    byName.clear();
    indexByName.clear();
    created = 0;
  }

  /** The series that hold at least one point, in order of creation. */
  List<DataSet> nonEmpty() {
    return ChartPanel.nonEmpty(byName.values().toArray(DataSet[]::new));
  }

  private DoubleDataSet create(String name) {
    DoubleDataSet dataSet = ChartPanel.series(name, xName, xUnit, yName, yUnit);
    indexByName.put(name, created);
    ChartPanel.styled(dataSet, styler.style(name, created++));
    renderer.getDatasets().add(dataSet);
    return dataSet;
  }
}
