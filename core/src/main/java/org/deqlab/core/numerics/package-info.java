/**
 * Trust in float32: {@link org.deqlab.core.numerics.PrecisionCheck} compares a cell's float32
 * gradients with its float64 twin (f's VJP, DEQ implicit and phantom, unrolled, the Jacobian term),
 * {@link org.deqlab.core.numerics.PrecisionGate} runs it before every float32 run (remembering
 * verdicts per machine), and the subjects of {@code ./deq doctor}.
 */
package org.deqlab.core.numerics;
