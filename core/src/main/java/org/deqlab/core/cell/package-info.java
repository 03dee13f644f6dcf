/**
 * The weight-tied cells f(z, x) a DEQ solves and an unrolled stack applies: {@link
 * org.deqlab.core.cell.Cell} and the built-in MLP, TrellisNet, Transformer and convolutional cells,
 * with the pieces they share (variational dropout, weight normalization, the {@link
 * org.deqlab.core.cell.Convolutions} on a chosen {@link org.deqlab.core.cell.ConvolutionPath}).
 * Cells never decide whether a graph is recorded: the layers around them do.
 */
package org.deqlab.core.cell;
