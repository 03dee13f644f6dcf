package org.deqlab.app.ui;

import java.util.Map;
import org.deqlab.viz.ChartPanel;
import org.deqlab.viz.MemoryChart;
import org.deqlab.viz.ResidualTraceChart;
import org.deqlab.viz.RitzPlaneChart;
import org.deqlab.viz.SpectralChart;
import org.deqlab.viz.StepsVsLengthChart;
import org.deqlab.viz.TrainingCurveChart;

/**
 * Teaching mode's short "what am I looking at" for each plot, in plain words. The full explanation
 * of each chart ({@link ChartPanel#explanation()}) is one click away (the ? button).
 */
final class Teaching {
  private static final Map<Class<?>, String> SHORT =
      Map.of(
          ResidualTraceChart.class,
          "Each line is one solve of z = f(z, x): across is the solver iteration, up is how far the"
              + " guess still is from a fixed point (log scale). Blue: forward solves, which find the"
              + " equilibrium z*. Red: backward solves, which find the gradient. Solid = absolute,"
              + " dashed = relative residual; faded lines are the few solves before the latest.",
          TrainingCurveChart.class,
          "Blue: the loss of each training step (left axis); red dots: loss on held-out data. Green"
              + " and purple (right axis): how many iterations the forward and backward solvers needed,"
              + " the DEQ's effective depth. Dashed vertical lines mark settings you changed live.",
          SpectralChart.class,
          "How strongly f contracts at its equilibrium. Blue: spectral radius ρ of the Jacobian;"
              + " orange: its mean squared singular value ‖J‖²_F/d. Below the ρ = 1 line plain"
              + " iteration converges; near 1 every solve gets slow.",
          RitzPlaneChart.class,
          "Estimated eigenvalues of the Jacobian J_f(z*) at the latest probe, drawn in the complex"
              + " plane. Inside the dashed unit circle plain iteration converges; the point farthest"
              + " from the centre sets how fast.",
          StepsVsLengthChart.class,
          "Forward solver iterations needed as inputs get longer. A flat line: longer inputs cost no"
              + " extra iterations; a rising line: the solver makes the network effectively deeper for"
              + " longer inputs.",
          MemoryChart.class,
          "Memory one training step keeps for the backward pass, against depth L. An unrolled stack"
              + " keeps every layer's activations, so it grows with L; the DEQ keeps only the"
              + " equilibrium z* and solves for the gradient, so it stays flat.");

  private Teaching() {}

  static String shortText(ChartPanel chart) {
    return SHORT.getOrDefault(chart.getClass(), chart.explanation());
  }
}
