package org.deqlab.viz;

import java.util.Random;

/**
 * Made-up but plausible numbers for every chart: residual traces that converge linearly, a falling
 * loss, a spectral radius that creeps towards 1 until a setting change, Ritz values in conjugate
 * pairs, DEQ memory flat and unrolled memory linear in depth.
 */
final class SyntheticRuns {
  private SyntheticRuns() {}

  /** abs[i] = start · rate^i with a little wobble; rel = abs / scale. Returns {abs, rel}. */
  static double[][] residualTrace(double start, double rate, int iterations, double scale) {
    double[] abs = new double[iterations];
    double[] rel = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      abs[i] = start * Math.pow(rate, i) * (1 + 0.15 * Math.sin(1.7 * i));
      rel[i] = abs[i] / scale;
    }
    return new double[][] {abs, rel};
  }

  static void fillResiduals(ResidualTraceChart chart) {
    for (int solve = 0; solve < 6; solve++) {
      double[][] forward = residualTrace(8.0, 0.72 + 0.035 * solve, 30 + 6 * solve, 12.0);
      chart.showForward(forward[0], forward[1]);
      double[][] backward = residualTrace(2.0, 0.66 + 0.03 * solve, 24 + 5 * solve, 4.0);
      chart.showBackward(backward[0], backward[1]);
    }
    chart.beginLiveTrace();
    double[][] live = residualTrace(9.0, 0.93, 40, 12.0);
    for (int i = 0; i < live[0].length; i++) {
      chart.addLivePoint(i, live[0][i], live[1][i]);
    }
  }

  static void fillTraining(TrainingCurveChart chart) {
    Random random = new Random(7);
    for (int step = 1; step <= 1200; step++) {
      double loss = 0.45 + 2.6 * Math.exp(-step / 260.0) + 0.06 * random.nextGaussian();
      double forward = Math.round(11 + 9 * (1 - Math.exp(-step / 400.0)) + random.nextInt(3));
      double backward = step < 200 ? Double.NaN : Math.round(0.7 * forward + random.nextInt(2));
      if (step > 700) {
        forward -= 5;
        backward -= 3;
      }
      chart.addStep(step, loss, forward, backward);
      if (step % 100 == 0) {
        chart.addEvaluation(step, 0.55 + 2.6 * Math.exp(-step / 260.0));
      }
    }
    chart.markEvent(200, "backward: phantom → implicit");
    chart.markEvent(700, "Jacobian reg 0 → 2");
  }

  static void fillSpectral(SpectralChart chart) {
    Random random = new Random(11);
    for (int step = 25; step <= 1200; step += 25) {
      double radius =
          step <= 700
              ? 0.55 + 0.55 * (1 - Math.exp(-step / 350.0))
              : 0.97 - 0.25 * (1 - Math.exp(-(step - 700) / 150.0));
      radius += 0.02 * random.nextGaussian();
      double frobenius = 0.6 * radius * radius + 0.02 * random.nextGaussian();
      chart.addPoint(step, radius, frobenius);
    }
    chart.markEvent(700, "Jacobian reg 0 → 2");
  }

  static void fillStepsVsLength(StepsVsLengthChart chart) {
    double[] lengths = {16, 32, 64, 128, 256, 512};
    double[] broyden = new double[lengths.length];
    double[] anderson = new double[lengths.length];
    double[] plain = new double[lengths.length];
    for (int i = 0; i < lengths.length; i++) {
      double log = Math.log(lengths[i]) / Math.log(2);
      broyden[i] = 9 + 1.5 * log;
      anderson[i] = 11 + 2.2 * log;
      plain[i] = Math.min(60, 14 + 0.09 * lengths[i]);
    }
    chart.setSeries("DEQ, Broyden", lengths, broyden);
    chart.setSeries("DEQ, Anderson", lengths, anderson);
    chart.setSeries("DEQ, plain iteration", lengths, plain);
  }

  /** Conjugate pairs on a spiral inside the unit circle plus a few real ones. Returns {re, im}. */
  static double[][] ritzValues() {
    int pairs = 9;
    double[] re = new double[2 * pairs + 3];
    double[] im = new double[2 * pairs + 3];
    for (int k = 0; k < pairs; k++) {
      double radius = 0.93 - 0.08 * k;
      double angle = 0.35 + 0.31 * k;
      re[2 * k] = radius * Math.cos(angle);
      im[2 * k] = radius * Math.sin(angle);
      re[2 * k + 1] = re[2 * k];
      im[2 * k + 1] = -im[2 * k];
    }
    re[2 * pairs] = 0.96;
    re[2 * pairs + 1] = -0.42;
    re[2 * pairs + 2] = 0.12;
    return new double[][] {re, im};
  }

  static void fillMemory(MemoryChart chart) {
    for (int depth = 1; depth <= 64; depth *= 2) {
      chart.addPoint("unrolled", depth, 38 + 11.5 * depth);
      chart.addPoint("DEQ", depth, 47 + (depth % 3));
    }
  }
}
