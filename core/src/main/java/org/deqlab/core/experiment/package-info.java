/**
 * The typed experiment model: {@link org.deqlab.core.experiment.ExperimentConfig} with its enums
 * and with-edits, JSON reading and writing by one strict mapping ({@link
 * org.deqlab.core.experiment.ExperimentConfigs}), presets as JSON resources, and the registries of
 * built-in cells ({@link org.deqlab.core.experiment.CellKind}) and tasks ({@link
 * org.deqlab.core.experiment.TaskKind}): a new cell or task is registered there, once.
 */
package org.deqlab.core.experiment;
