package org.deqlab.viz;

import io.fair_acc.dataset.utils.DataSetStyleBuilder;

/**
 * How one series is drawn, turned into a ChartFX data-set style string. Colours are CSS colours; a
 * width or marker size of 0 switches the line or the markers off; intensity (0–100) fades the
 * colour, which is how older solves are drawn.
 *
 * @param color line and marker colour, e.g. {@code "#1f77b4"}
 * @param lineWidth in pixels, 0 for markers only
 * @param dashes dash pattern in pixels, empty for a solid line
 * @param marker ChartFX marker name ({@code circle}, {@code rectangle}, {@code diamond}, …)
 * @param markerSize in pixels, 0 for a line only
 * @param intensity 100 for full colour, lower to fade
 * @param inLegend whether the legend lists the series
 */
record SeriesStyle(
    String color,
    double lineWidth,
    double[] dashes,
    String marker,
    double markerSize,
    double intensity,
    boolean inLegend) {

  static SeriesStyle line(String color, double width) {
    return new SeriesStyle(color, width, new double[0], "circle", 0, 100, true);
  }

  static SeriesStyle markers(String color, String marker, double size) {
    return new SeriesStyle(color, 0, new double[0], marker, size, 100, true);
  }

  SeriesStyle dashed(double... pattern) {
    return new SeriesStyle(color, lineWidth, pattern, marker, markerSize, intensity, inLegend);
  }

  SeriesStyle withMarkers(String markerName, double size) {
    return new SeriesStyle(color, lineWidth, dashes, markerName, size, intensity, inLegend);
  }

  SeriesStyle faded(double fadedIntensity, double fadedWidth) {
    return new SeriesStyle(color, fadedWidth, dashes, marker, markerSize, fadedIntensity, false);
  }

  SeriesStyle hiddenFromLegend() {
    return new SeriesStyle(color, lineWidth, dashes, marker, markerSize, intensity, false);
  }

  /** The style string for {@link io.fair_acc.dataset.DataSet#setStyle(String)}. */
  String css() {
    DataSetStyleBuilder builder =
        DataSetStyleBuilder.newInstance()
            .setLineColor(color)
            .setMarkerColor(color)
            .setLineWidth(lineWidth)
            .setMarkerType(marker)
            .setMarkerSize(markerSize)
            .setIntensity(intensity)
            .setShowInLegend(inLegend);
    if (dashes.length > 0) {
      builder.setLineDashes(dashes);
    }
    return builder.build();
  }
}
