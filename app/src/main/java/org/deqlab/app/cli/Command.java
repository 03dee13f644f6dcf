package org.deqlab.app.cli;

import java.io.PrintStream;

/** One subcommand of {@code ./deq}. */
public interface Command {
  /** The word after {@code ./deq}. */
  String name();

  /** One line for the command list. */
  String summary();

  /** The full usage text, shown by {@code ./deq help NAME}. */
  String usage();

  /**
   * Runs the command.
   *
   * @return the process exit code (0 on success)
   * @throws UsageException for a command line the user must fix
   */
  int run(String[] args, PrintStream out) throws Exception;
}
