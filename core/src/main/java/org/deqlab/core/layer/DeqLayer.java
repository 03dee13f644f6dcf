package org.deqlab.core.layer;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import java.util.function.UnaryOperator;
import org.deqlab.core.cell.Cell;
import org.deqlab.core.engine.Autograd;
import org.deqlab.core.jacobian.Linearization;
import org.deqlab.core.solver.FixedPointSolver;
import org.deqlab.core.solver.IterationListener;
import org.deqlab.core.solver.SolveStats;
import org.deqlab.core.solver.SolverKind;
import org.deqlab.core.solver.SolverOptions;
import org.deqlab.core.solver.SolverResult;
import org.deqlab.core.solver.SolverWorkspace;

/**
 * A deep equilibrium layer: the forward pass solves {@code z* = f(z*, x)} with a root finder and
 * records no graph; the backward pass follows the layer's {@link BackwardMode}. An immutable value:
 * live settings build a new layer per step (cheap, the cell and its parameters are shared).
 *
 * <p>Solver buffers: a layer built {@link #withWorkspace with} the run's {@link SolverWorkspace}
 * takes them from it, and its forward solve leaves them there for the adjoint solve; the layer
 * frees them before the step's final recorded application of f (where a training step's memory
 * peaks) and before a phantom unroll. Without a workspace every solve allocates and frees its own.
 */
public final class DeqLayer implements EquilibriumLayer {
  private final Cell cell;
  private final SolverKind forwardSolver;
  private final SolverOptions forwardOptions;
  private final BackwardMode backwardMode;
  private final IterationListener backwardListener;

  /** Null: each solve has buffers of its own. */
  private final SolverWorkspace workspace;

  public DeqLayer(
      Cell cell,
      SolverKind forwardSolver,
      SolverOptions forwardOptions,
      BackwardMode backwardMode) {
    this(cell, forwardSolver, forwardOptions, backwardMode, IterationListener.NONE, null);
  }

  /**
   * A DEQ whose implicit backward uses the forward's solver and options: the usual choice, and what
   * a test wants when it solves both ways to the same tolerance.
   */
  public static DeqLayer implicit(Cell cell, SolverKind solver, SolverOptions options) {
    return new DeqLayer(cell, solver, options, new BackwardMode.Implicit(solver, options));
  }

  private DeqLayer(
      Cell cell,
      SolverKind forwardSolver,
      SolverOptions forwardOptions,
      BackwardMode backwardMode,
      IterationListener backwardListener,
      SolverWorkspace workspace) {
    if (cell == null || forwardSolver == null || forwardOptions == null || backwardMode == null) {
      throw new IllegalArgumentException(
          "a DEQ layer needs a cell, a solver, options and a backward mode");
    }
    this.cell = cell;
    this.forwardSolver = forwardSolver;
    this.forwardOptions = forwardOptions;
    this.backwardMode = backwardMode;
    this.backwardListener = backwardListener;
    this.workspace = workspace;
  }

  /** The same layer whose backward solve reports its iterations to {@code listener}. */
  public DeqLayer withBackwardListener(IterationListener listener) {
    return new DeqLayer(cell, forwardSolver, forwardOptions, backwardMode, listener, workspace);
  }

  /**
   * The same layer, solving with buffers from {@code workspace} (owned by the caller, who closes
   * it), or with buffers of each solve's own if null.
   */
  public DeqLayer withWorkspace(SolverWorkspace workspace) {
    return new DeqLayer(
        cell, forwardSolver, forwardOptions, backwardMode, backwardListener, workspace);
  }

  @Override
  public Cell cell() {
    return cell;
  }

  public SolverKind forwardSolver() {
    return forwardSolver;
  }

  public SolverOptions forwardOptions() {
    return forwardOptions;
  }

  public BackwardMode backwardMode() {
    return backwardMode;
  }

  /** Solves for z* without any gradient path. */
  public SolverResult solve(ParameterStore parameters, NDArray x, IterationListener listener) {
    cell.startPass(x, false);
    return Autograd.noGrad(
        () -> {
          NDArray injection = cell.inject(parameters, x, false);
          return solveWith(parameters, x, injection, false, listener);
        });
  }

  @Override
  public LayerPass forward(
      ParameterStore parameters, NDArray x, boolean training, IterationListener listener) {
    cell.startPass(x, training); // per-pass randomness, shared by the solve and the backward
    NDArray injection = Autograd.recording(training, () -> cell.inject(parameters, x, training));
    SolverResult solved = solveWith(parameters, x, injection.stopGradient(), training, listener);
    NDArray equilibrium = solved.equilibrium();
    if (!training) {
      return new LayerPass(equilibrium, injection, solved.stats(), null);
    }
    if (backwardMode instanceof BackwardMode.Phantom phantom) {
      releaseSolverBuffers(); // no adjoint solve to reuse them; the unroll needs room
      NDArray state =
          Autograd.recording(true, () -> unrollFrom(parameters, equilibrium, injection, phantom));
      return new LayerPass(state, injection, solved.stats(), null);
    }
    BackwardMode.Implicit implicit = (BackwardMode.Implicit) backwardMode;
    // z* itself becomes the leaf that receives ∂L/∂z* (no copy: it is not used for anything else).
    equilibrium.setRequiresGradient(true);
    return new LayerPass(
        equilibrium,
        injection,
        solved.stats(),
        () -> implicitBackward(parameters, equilibrium, injection, implicit));
  }

  private SolverResult solveWith(
      ParameterStore parameters,
      NDArray x,
      NDArray injection,
      boolean training,
      IterationListener listener) {
    NDArray z0 = cell.initialState(x);
    return Autograd.noGrad(
        () ->
            solve(
                forwardSolver.solver(),
                z -> cell.apply(parameters, z, injection, training),
                z0,
                forwardOptions,
                listener));
  }

  private SolverResult solve(
      FixedPointSolver solver,
      UnaryOperator<NDArray> f,
      NDArray z0,
      SolverOptions options,
      IterationListener listener) {
    return workspace == null
        ? solver.solve(f, z0, options, listener)
        : solver.solve(f, z0, options, listener, workspace);
  }

  private void releaseSolverBuffers() {
    if (workspace != null) {
      workspace.releaseBuffers();
    }
  }

  private NDArray unrollFrom(
      ParameterStore parameters,
      NDArray equilibrium,
      NDArray injection,
      BackwardMode.Phantom phantom) {
    NDArray z = equilibrium;
    for (int k = 0; k < phantom.steps(); k++) {
      NDArray fz = cell.apply(parameters, z, injection, true);
      z =
          phantom.damping() == 1.0
              ? fz
              : Autograd.scaled(z, 1 - phantom.damping())
                  .add(Autograd.scaled(fz, phantom.damping()));
    }
    return z;
  }

  /**
   * Implicit function theorem: with {@code w = ∂L/∂z*}, solve {@code u = w + u·J_f(z*)} by
   * vector–Jacobian products, then push u through one recorded application of f so that the cell's
   * parameters and the input receive {@code u·∂f/∂θ} and {@code u·∂f/∂x}.
   */
  private SolveStats implicitBackward(
      ParameterStore parameters, NDArray leaf, NDArray injection, BackwardMode.Implicit implicit) {
    NDArray upstream = leaf.getGradient(); // read only: the products accumulate elsewhere
    SolverResult adjoint;
    try (Linearization linearization = Linearization.at(cell, parameters, leaf, injection, true)) {
      adjoint =
          Autograd.noGrad(
              () ->
                  solve(
                      implicit.solver().solver(),
                      u -> linearization.vjpPlus(u, upstream),
                      upstream,
                      implicit.options(),
                      backwardListener));
    }
    // The step's last solve: its buffers (the forward solve's, reused) go before the recorded
    // application of f, where the step's memory peaks; the next step allocates them afresh.
    releaseSolverBuffers();
    NDArray image =
        Autograd.recording(
            true, () -> cell.apply(parameters, leaf.stopGradient(), injection, true));
    Autograd.backward(image, adjoint.equilibrium(), false);
    return adjoint.stats();
  }

  @Override
  public String describe() {
    String backward =
        backwardMode instanceof BackwardMode.Implicit i
            ? "ift/" + i.solver().label()
            : "phantom(k=" + ((BackwardMode.Phantom) backwardMode).steps() + ")";
    return "deq(" + forwardSolver.label() + ", " + backward + ")";
  }
}
