/**
 * One run of an experiment from config to finished: {@link org.deqlab.core.run.ExperimentRun}
 * (gate, data, model, trainer, live settings, cancellation, checkpoints, length sweeps), its run
 * log and saved experiment files. The command line and the window are front-ends over it.
 */
package org.deqlab.core.run;
