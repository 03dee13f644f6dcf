package org.deqlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartExportTest extends ChartTestSupport<StepsVsLengthChart> {
  @TempDir Path directory;

  ChartExportTest() {
    super(StepsVsLengthChart::new);
  }

  /** Pixels that are clearly not background: the chart drew lines, labels and markers. */
  private static int inkedPixels(BufferedImage image) {
    int inked = 0;
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        int rgb = image.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (r + g + b < 600) {
          inked++;
        }
      }
    }
    return inked;
  }

  @Test
  void writesAPngOfTheChartAsShown() throws IOException {
    Fx.run(() -> chart.setSeries("DEQ", new double[] {16, 32, 64}, new double[] {10, 12, 15}));
    Path png = directory.resolve("steps.png");

    ChartExport.writePng(chart, png); // from the test thread: hops to the JavaFX thread itself

    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals((int) Fx.WIDTH, image.getWidth());
    assertEquals((int) Fx.HEIGHT, image.getHeight());
    assertTrue(inkedPixels(image) > 500, "the image shows a drawn chart");
  }

  @Test
  void aChartInNoSceneIsLaidOutForTheSnapshotAndLeftDetached() throws IOException {
    MemoryChart detached = Fx.get(MemoryChart::new);
    Fx.run(
        () -> {
          detached.setTitleVisible(false);
          SyntheticRuns.fillMemory(detached);
        });
    Path png = directory.resolve("nested/memory.png");

    Fx.get(
        () -> {
          ChartExport.writePng(detached, png); // on the JavaFX thread, data added in the same event
          return null;
        });

    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals((int) ChartExport.DETACHED_WIDTH, image.getWidth());
    assertEquals((int) ChartExport.DETACHED_HEIGHT, image.getHeight());
    assertTrue(inkedPixels(image) > 500);
    assertTrue(Fx.get(() -> detached.getParent() == null && detached.getScene() == null));
    assertFalse(Fx.get(detached::isTitleVisible), "the title is hidden again after export");
  }

  @Test
  void writesOneCsvRowPerPointUnderAHeaderThatNamesQuantitiesAndUnits() throws IOException {
    Fx.run(
        () -> {
          chart.setSeries("DEQ, Broyden", new double[] {16, 32}, new double[] {10, 12.5});
          chart.setSeries("plain", new double[] {16}, new double[] {30});
        });
    Path csv = directory.resolve("steps.csv");

    ChartExport.writeCsv(chart, csv);

    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    assertEquals(
        List.of(
            "series,x_name,x_unit,x,y_name,y_unit,y",
            "\"DEQ, Broyden\",sequence length,tokens,16.0,forward solver steps,#,10.0",
            "\"DEQ, Broyden\",sequence length,tokens,32.0,forward solver steps,#,12.5",
            "plain,sequence length,tokens,16.0,forward solver steps,#,30.0"),
        lines);
  }

  @Test
  void csvOfTheResidualChartCarriesEachSeriesOwnUnit() {
    ResidualTraceChart residuals = Fx.get(ResidualTraceChart::new);
    Fx.run(() -> residuals.showForward(new double[] {1.0, 0.5}, new double[] {0.1, 0.05}));

    String csv = Fx.get(() -> ChartExport.toCsv(residuals));

    assertTrue(csv.startsWith(ChartExport.CSV_HEADER + "\n"));
    assertTrue(
        csv.contains("forward abs,solver iteration,#,1.0,absolute residual ‖f(z) − z‖,a.u.,0.5\n"),
        csv);
    assertTrue(
        csv.contains(
            "forward rel,solver iteration,#,0.0,relative residual ‖f(z) − z‖ / ‖f(z)‖,1,0.1\n"),
        csv);
    assertEquals(5, csv.split("\n").length);
  }
}
