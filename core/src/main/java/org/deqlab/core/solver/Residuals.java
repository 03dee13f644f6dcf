package org.deqlab.core.solver;

/**
 * Per-sample norms of one iterate, on the host: {@code ‖f(z) − z‖} and {@code ‖f(z)‖}. An update
 * rule fetches them in the same device-to-host transfer as the numbers its next step needs, so the
 * stop test costs no round trip of its own.
 */
record Residuals(double[] absolute, double[] image) {}
