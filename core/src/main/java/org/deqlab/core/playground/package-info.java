/**
 * The equilibrium playground: a DEQ small enough to see whole, {@code z ∈ R²}. Two-dimensional maps
 * ({@link org.deqlab.core.playground.PlaneMapKind}) with their Jacobians and eigenvalues in closed
 * form, and {@link org.deqlab.core.playground.Playground}, which runs the engine's own solvers
 * ({@link org.deqlab.core.solver}) on the 2-D state and returns everything a picture needs as one
 * immutable {@link org.deqlab.core.playground.PlaygroundScene}.
 */
package org.deqlab.core.playground;
