/**
 * Measuring what a training step holds in memory — kept for the backward pass, solver buffers, the
 * step's peak — for a DEQ and for unrolled stacks of growing depth, read from the process's
 * resident size.
 */
package org.deqlab.core.memory;
