package org.deqlab.app.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deqlab.app.ui.Launcher;
import org.deqlab.core.engine.EngineUnavailableException;

/**
 * Entry point of {@code ./deq}: without arguments opens the workbench window; otherwise dispatches
 * to a subcommand, prints one clear line for a user error (exit 2) or a failure (exit 1), and the
 * command list for {@code help}.
 */
public final class Main {
  private final Map<String, Command> commands = new LinkedHashMap<>();

  Main() {
    register(new SolveCommand());
    register(new TrainCommand());
    register(new RunCommand());
    register(new EvalCommand());
    register(new SweepLengthCommand());
    register(new MemoryCommand());
    register(new BenchCommand());
    register(new ProbeCommand());
    register(new DoctorCommand());
  }

  private void register(Command command) {
    commands.put(command.name(), command);
  }

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    if (args.length == 0) {
      System.exit(Launcher.launch(args, System.err));
    }
    int code = new Main().run(args, System.out, System.err);
    System.exit(code);
  }

  int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0
        || args[0].equals("help")
        || args[0].equals("--help")
        || args[0].equals("-h")) {
      if (args.length > 1 && commands.containsKey(args[1])) {
        out.println(commands.get(args[1]).usage());
      } else {
        printHelp(out);
      }
      return 0;
    }
    Command command = commands.get(args[0]);
    if (command == null) {
      err.println(
          "error: unknown command '"
              + args[0]
              + "' (commands: "
              + String.join(", ", commands.keySet())
              + "; see ./deq help)");
      return 2;
    }
    String[] rest = new String[args.length - 1];
    System.arraycopy(args, 1, rest, 0, rest.length);
    for (String arg : rest) {
      if (arg.equals("--help") || arg.equals("-h")) {
        out.println(command.usage());
        return 0;
      }
    }
    try {
      return command.run(rest, out);
    } catch (IllegalArgumentException e) {
      // UsageException and the engine's validation errors: a line the user can act on.
      err.println("error: " + e.getMessage());
      return 2;
    } catch (EngineUnavailableException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      err.println("error: " + command.name() + " failed: " + e);
      return 1;
    }
  }

  private void printHelp(PrintStream out) {
    out.println("DEQ Workbench — explore deep equilibrium models\n");
    out.println("Usage: ./deq                        open the workbench window");
    out.println("       ./deq COMMAND [options]      (./deq help COMMAND for its options)\n");
    out.println("Commands:");
    for (Command command : commands.values()) {
      out.printf("  %-14s %s%n", command.name(), command.summary());
    }
  }
}
