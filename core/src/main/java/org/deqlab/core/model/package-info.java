/**
 * Complete models around one cell: an input encoder, the equilibrium layer (chosen per call, so
 * pretraining and live settings can swap it) and a decoder with its loss.
 */
package org.deqlab.core.model;
