package org.deqlab.viz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The demo: fills every chart with synthetic data, shows it and saves a PNG of each into {@code
 * target/chart-previews/} (or the directory in system property {@code chart.previews.dir}) for a
 * human to look at.
 */
@ExtendWith(ApplicationExtension.class)
class ChartPreviewsTest {
  private Stage stage;

  @Start
  void start(Stage stage) {
    this.stage = stage;
  }

  @Test
  void savesAPreviewOfEveryChartFilledWithSyntheticData() throws IOException {
    Path directory = Path.of(System.getProperty("chart.previews.dir", "target/chart-previews"));
    List<ChartPanel> charts =
        Fx.get(
            () ->
                List.of(
                    new ResidualTraceChart(),
                    new TrainingCurveChart(),
                    new SpectralChart(),
                    new StepsVsLengthChart(),
                    new RitzPlaneChart(),
                    new MemoryChart()));
    for (ChartPanel chart : charts) {
      Fx.run(
          () -> {
            Fx.show(stage, chart);
            AllChartsTest.fill(chart);
          });
      String slug = chart.getClass().getSimpleName().replace("Chart", "").toLowerCase();
      Path png = directory.resolve(slug + ".png");
      ChartExport.writePng(chart, png);
      ChartExport.writeCsv(chart, directory.resolve(slug + ".csv"));
      assertTrue(Files.size(png) > 5_000, png + " has content");
    }
  }
}
