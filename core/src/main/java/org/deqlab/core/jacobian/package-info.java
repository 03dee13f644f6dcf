/**
 * The Jacobian of f at a point, from vector–Jacobian products only: its linearization, spectral
 * radius by power iteration and Arnoldi (with Ritz values), ‖J‖²_F by Hutchinson, the probe that
 * reports them, and the Jacobian-regularization term added to the loss.
 */
package org.deqlab.core.jacobian;
