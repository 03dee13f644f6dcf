/**
 * A researcher's own DEQ cell, saved from PyTorch as TorchScript ({@code forward(z, x)} returning
 * the next z), loaded as a {@link org.deqlab.core.torchscript.TorchScriptCell} that every solver,
 * backward mode, Jacobian probe and memory measurement of the workbench runs unchanged; the checks
 * made on load ({@link org.deqlab.core.torchscript.TorchScriptGradientCheck}), a small regression
 * fit and the export of trained parameters back to TorchScript.
 */
package org.deqlab.core.torchscript;
