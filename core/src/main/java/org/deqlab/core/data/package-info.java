/**
 * A task's data as the trainer consumes it — endless training batches, fixed held-out batches
 * ({@link org.deqlab.core.data.TrainingData}, {@link org.deqlab.core.data.Batch}) — made from the
 * sample-data module's datasets: copy memory, a character corpus, shapes.
 */
package org.deqlab.core.data;
