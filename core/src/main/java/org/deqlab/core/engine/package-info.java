/**
 * Starting DJL's PyTorch engine offline and the few engine operations the rest needs beyond DJL's
 * public API: explicit gradient recording per thread and vector–Jacobian products ({@link
 * org.deqlab.core.engine.Autograd}), thread-pool sizes, and the provenance every report carries.
 */
package org.deqlab.core.engine;
