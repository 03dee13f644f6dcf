package org.deqlab.core.data;

import ai.djl.ndarray.NDArray;

/**
 * One batch of examples as tensors.
 *
 * @param inputs token ids (B, T) as int32, or images (B, C, H, W)
 * @param targets token ids (B, T) or class labels (B)
 * @param scoredFrom positions before this index are excluded from accuracy (copy memory scores only
 *     the recalled symbols); 0 scores everything
 */
public record Batch(NDArray inputs, NDArray targets, int scoredFrom) {}
