package org.deqlab.app.cli;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help}, which {@link Main} gives every command: print its usage, exit 0. */
final class HelpOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true)
  private boolean requested;
}
