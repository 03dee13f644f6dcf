/**
 * Benchmarks behind {@code ./deq bench}: solver steps, time per solve and per evaluation of f and
 * the overhead ratio ({@link org.deqlab.core.bench.SolverBenchmark}), and the cost of the
 * convolution paths ({@link org.deqlab.core.bench.ConvolutionBenchmark}). Figures, never
 * assertions: targets are judged by the command that prints them.
 */
package org.deqlab.core.bench;
