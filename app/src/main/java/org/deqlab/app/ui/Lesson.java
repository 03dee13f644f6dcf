package org.deqlab.app.ui;

import org.deqlab.core.experiment.ExperimentConfig;
import org.deqlab.core.playground.PlaygroundSetup;

/**
 * One guided lesson, read from a JSON resource (see {@link Lessons}): a title, what to look at, a
 * task that asks the student to move one thing and predict, the playground scene it sets up and,
 * optionally, an experiment it loads into the Training tab.
 *
 * @param id the resource name, e.g. {@code fixed-points}
 * @param title shown as the lesson's heading
 * @param look two or three sentences on what to look at
 * @param task what to move, and what to predict before moving it
 * @param playground the playground settings the lesson starts from
 * @param experiment an experiment to load for the Training tab, or null
 */
record Lesson(
    String id,
    String title,
    String look,
    String task,
    PlaygroundSetup playground,
    ExperimentConfig experiment) {}
