/**
 * What a run reports, in order, on one stream: {@link org.deqlab.core.events.RunEvent} (header,
 * steps, evaluations, setting changes, sweep points, checkpoints, live solver progress, the end)
 * and {@link org.deqlab.core.events.RunEvents}. Run logs, progress lines, headless plots and the
 * window all read this stream.
 */
package org.deqlab.core.events;
