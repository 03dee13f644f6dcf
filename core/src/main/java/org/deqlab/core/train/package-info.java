/**
 * Training: the {@link org.deqlab.core.train.Trainer} (Adam, pretraining phase, backward modes,
 * Jacobian regularization and probes, evaluation), live settings, run control, and checkpoints that
 * resume exactly.
 */
package org.deqlab.core.train;
