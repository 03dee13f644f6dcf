package org.deqlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fair_acc.dataset.DataSet;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The plane and the small series chart the equilibrium playground is drawn with. */
@ExtendWith(ApplicationExtension.class)
class PlaygroundChartsTest {
  private PhasePlane plane;
  private SeriesChart chart;

  @Start
  void start(Stage stage) {
    plane = new PhasePlane();
    plane.setPrefSize(400, 400);
    chart =
        new SeriesChart(
            "Residual per iteration", "iteration", "#", "‖f(z) − z‖", "1", true, "explained");
    chart.setPrefSize(400, 400);
    Fx.show(stage, new HBox(plane, chart));
  }

  @Test
  void planeAndPixelCoordinatesRoundTripWithEqualUnitsPerPixel() {
    Fx.run(() -> plane.setExtent(2));
    double[] pixels = Fx.get(() -> plane.toPixels(1.5, -0.5));
    double[] back = Fx.get(() -> plane.toPlane(pixels[0], pixels[1]));
    assertEquals(1.5, back[0], 1e-9);
    assertEquals(-0.5, back[1], 1e-9);
    double[] origin = Fx.get(() -> plane.toPixels(0, 0));
    double[] right = Fx.get(() -> plane.toPixels(1, 0));
    double[] up = Fx.get(() -> plane.toPixels(0, 1));
    assertEquals(right[0] - origin[0], origin[1] - up[1], 1e-9, "square units");
  }

  @Test
  void draggingTheHandleReportsPlaneCoordinates(FxRobot robot) {
    List<double[]> moves = new ArrayList<>();
    Fx.run(
        () -> {
          plane.setExtent(2);
          plane.setHandle(0, 0);
          plane.setOnHandleMoved((x, y) -> moves.add(new double[] {x, y}));
          plane.redraw();
        });
    double[] target = Fx.get(() -> plane.toPixels(1, 1));
    javafx.geometry.Point2D screen = Fx.get(() -> plane.localToScreen(target[0], target[1]));
    robot.moveTo(screen).press(MouseButton.PRIMARY).release(MouseButton.PRIMARY);
    assertTrue(!moves.isEmpty(), "a click on the plane moves the handle");
    double[] last = moves.get(moves.size() - 1);
    assertEquals(1, last[0], 0.05);
    assertEquals(1, last[1], 0.05);
  }

  @Test
  void aLogSeriesLeavesOutWhatItCannotShowAndReplacesItsPoints() {
    Fx.run(
        () ->
            chart.setSeries(
                "broyden",
                "#d62728",
                false,
                true,
                new double[] {0, 1, 2},
                new double[] {1, 0, 1e-3}));
    assertEquals(List.of("broyden"), Fx.get(chart::seriesNames));
    DataSet data = Fx.get(() -> chart.dataSets().get(0));
    assertEquals(2, Fx.get(data::getDataCount), "the zero residual has no place on a log axis");
    Fx.run(
        () ->
            chart.setSeries("broyden", "#d62728", false, true, new double[] {0}, new double[] {2}));
    assertEquals(1, Fx.get(() -> chart.dataSets().get(0).getDataCount()));
    Fx.run(chart::clear);
    assertTrue(Fx.get(() -> chart.dataSets().isEmpty()));
  }

  @Test
  void theEigenvaluePlaneCanBeTitledForExactEigenvalues() {
    RitzPlaneChart eigen =
        Fx.get(() -> new RitzPlaneChart("Eigenvalues of J_f(z*)", "eigenvalues", "exact"));
    Fx.run(() -> eigen.showRitzValues(new double[] {0.5, 0.5}, new double[] {0.3, -0.3}));
    assertEquals("Eigenvalues of J_f(z*)", eigen.title());
    assertEquals("exact", eigen.explanation());
    assertTrue(Fx.get(() -> eigen.dataSets().get(0).getName()).startsWith("eigenvalues (max"));
  }
}
