package org.deqlab.app.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.deqlab.core.io.DeqProblem;
import org.deqlab.core.torchscript.TorchScriptGradientCheck;
import org.deqlab.core.torchscript.TorchScriptProblem;

/** Prints a TorchScript cell's gradient check on load, and adds it to a command's JSON report. */
final class GradientCheckReport {
  private GradientCheckReport() {}

  /** Does nothing for a problem that is not a TorchScript cell. */
  static void print(PrintStream out, DeqProblem problem, Map<String, Object> report) {
    if (!(problem instanceof TorchScriptProblem torchScript)) {
      return;
    }
    TorchScriptGradientCheck.Result check = torchScript.gradientCheck();
    out.printf(
        Locale.ROOT,
        "gradient check on load (VJPs vs finite differences, float32): %s, worst relative error"
            + " %.2e (tolerance %.0e)%n",
        check.passed() ? "passed" : "FAILED",
        check.worstError(),
        TorchScriptGradientCheck.TOLERANCE);
    for (TorchScriptGradientCheck.Agreement agreement : check.agreements()) {
      out.println("  " + agreement + (agreement.agrees() ? "" : "  <- disagrees"));
    }
    if (!check.float64().isEmpty()) {
      out.println("  float64 not compared: " + check.float64());
    }
    if (!check.passed()) {
      out.println(
          "  this cell is refused for training; it can still be solved and probed, but the"
              + " Jacobian probes and implicit gradients use these same VJPs: read them with care");
    }
    if (!torchScript.cell().trainable()) {
      out.println("  the module has no parameters: it cannot be trained");
    }
    report.put("gradientCheck", check);
  }
}
