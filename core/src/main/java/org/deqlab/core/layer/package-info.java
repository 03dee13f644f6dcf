/**
 * Layers built from one cell: the deep equilibrium layer (root-finding forward; implicit, phantom
 * or one-step backward) and the unrolled weight-tied stack it replaces. A layer's {@link
 * org.deqlab.core.layer.LayerPass} finishes the backward pass it owes.
 */
package org.deqlab.core.layer;
