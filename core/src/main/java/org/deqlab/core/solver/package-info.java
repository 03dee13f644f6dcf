/**
 * Root finding for z = f(z): one {@link org.deqlab.core.solver.FixedPointSolver} loop (traces,
 * lowest iterate, stop tests, memory scopes) with the damped-iteration, Anderson and Broyden update
 * rules, their options, results and stop reasons.
 */
package org.deqlab.core.solver;
