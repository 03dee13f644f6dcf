package org.deqlab.app.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.List;
import java.util.concurrent.Callable;
import org.deqlab.core.cell.ConvolutionPath;
import org.deqlab.core.data.Split;
import org.deqlab.core.engine.EngineThreads;
import org.deqlab.core.engine.EngineUnavailableException;
import org.deqlab.core.experiment.DeviceChoice;
import org.deqlab.core.experiment.Precision;
import org.deqlab.core.jacobian.ProbeDistribution;
import org.deqlab.core.solver.StopCriterion;
import org.deqlab.core.text.Labelled;
import org.deqlab.core.text.Labels;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code ./deq} command line ({@link org.deqlab.app.Main} opens the window when there are no
 * arguments): picocli parses it and runs a subcommand. A command line the user must fix, or a value
 * the engine refuses, is one line on stderr naming the problem (exit 2); a failure is one line
 * (exit 1).
 */
@Command(
    resourceBundle = "org.deqlab.app.cli.Help",
    name = "./deq",
    header = {"DEQ Workbench — explore deep equilibrium models", ""},
    customSynopsis = {
      "./deq                        open the workbench window",
      "       ./deq COMMAND [options]      (./deq help COMMAND for its options)"
    },
    commandListHeading = "%nCommands:%n")
public final class Main implements Callable<Integer> {
  @Spec private CommandSpec spec;

  Main() {}

  /** The command line alone (the memory command's measuring processes start here). */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs one command line on the process's standard streams and returns its exit code. */
  public static int execute(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    EngineThreads.configure();
    return new Main().run(args, System.out, System.err);
  }

  int run(String[] args, PrintStream out, PrintStream err) {
    return commandLine(out, err).execute(args);
  }

  /** {@code ./deq} with nothing to run (only reached from {@link #run}): the command list. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** Options of a {@link Labelled} enum type read its labels, as configs do. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void labelled(CommandLine cli, Class<? extends Enum<?>> type) {
    cli.registerConverter(
        (Class) type, OptionValues.converter(text -> Labels.parse((Class) type, text)));
  }

  /** Every command, printing to {@code out}, with the usage layout and error lines of all. */
  static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new Main());
    for (Object command :
        List.of(
            new SolveCommand(out),
            new TrainCommand(out),
            new RunCommand(out),
            new EvalCommand(out),
            new SweepLengthCommand(out),
            new MemoryCommand(out),
            new BenchCommand(out),
            new ProbeCommand(out),
            new DoctorCommand(out),
            new GpuCheckCommand(out))) {
      cli.addSubcommand(command);
    }
    for (CommandLine command : cli.getSubcommands().values()) {
      command.getCommandSpec().usageMessage().abbreviateSynopsis(true);
      layOut(command);
    }
    layOut(cli);
    cli.addSubcommand(new HelpCommand());
    cli.getSubcommands()
        .get("help")
        .getCommandSpec()
        .usageMessage()
        .header("list the commands, or show one command's options");

    // Parsers of the engine's own value types; they throw IllegalArgumentException naming the
    // allowed values, which picocli then prefixes with the option.
    for (Class<? extends Enum<?>> type :
        List.of(
            StopCriterion.class,
            ConvolutionPath.class,
            ProbeDistribution.class,
            Split.class,
            Precision.class)) {
      labelled(cli, type);
    }
    cli.registerConverter(DeviceChoice.class, OptionValues.converter(DeviceChoice::parse));

    cli.setOut(writerOnto(out));
    cli.setErr(writerOnto(err));
    cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    cli.setHelpFactory(SpacedHelp::new);
    cli.setParameterExceptionHandler(
        (e, args) -> {
          err.println("error: " + usageError(e));
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (Exception e, CommandLine command, ParseResult parsed) -> {
          if (e instanceof IllegalArgumentException) {
            // the engine's validation (a config field, a refused precision): a line to act on
            err.println("error: " + e.getMessage());
            return 2;
          }
          if (e instanceof java.io.UncheckedIOException) {
            // a file that cannot be written (a full disk): the message names it and the cause
            err.println("error: " + e.getMessage());
            return 1;
          }
          if (e instanceof EngineUnavailableException) {
            err.println("error: " + e.getMessage());
            return 1;
          }
          err.println("error: " + command.getCommandName() + " failed: " + e);
          return 1;
        });
    return cli;
  }

  /**
   * Options in the order declared, a blank line between sections, and {@code -h}/{@code --help}.
   */
  private static void layOut(CommandLine command) {
    UsageMessageSpec usage = command.getCommandSpec().usageMessage();
    usage.width(100).longOptionsMaxWidth(32).sortOptions(false).optionListHeading("%nOptions:%n");
    if (usage.description().length > 0) {
      usage.descriptionHeading("%n");
    }
    command.addMixin("help", new HelpOption());
  }

  /**
   * One line for a command line that picocli or a command rejected: the command, the problem, where
   * to read more. A word after {@code ./deq} (or {@code ./deq help}) that names no command gets the
   * list of commands.
   */
  private static String usageError(ParameterException e) {
    CommandLine command = e.getCommandLine();
    boolean root = command.getParent() == null;
    List<String> unmatched =
        e instanceof UnmatchedArgumentException u ? u.getUnmatched() : List.of();
    String word = unmatched.isEmpty() ? e.getValue() : unmatched.get(0);
    if (root && word != null) {
      return "unknown command '"
          + word
          + "' (commands: "
          + String.join(", ", command.getSubcommands().keySet())
          + "; see ./deq help)";
    }
    String problem;
    if (unmatched.isEmpty()) {
      problem = Character.toLowerCase(e.getMessage().charAt(0)) + e.getMessage().substring(1);
    } else if (((UnmatchedArgumentException) e).isUnknownOption()) {
      List<String> suggestions = ((UnmatchedArgumentException) e).getSuggestions();
      problem =
          "unknown option '"
              + word
              + "'"
              + (suggestions.isEmpty()
                  ? ""
                  : " (did you mean " + String.join(" or ", suggestions) + "?)");
    } else {
      problem = "unexpected argument '" + word + "'";
    }
    String name = command.getCommandName();
    return root ? problem + "; see ./deq help" : name + ": " + problem + "; see ./deq help " + name;
  }

  /** Picocli writes its help through this onto {@code stream}, which keeps its own encoding. */
  private static PrintWriter writerOnto(PrintStream stream) {
    return new PrintWriter(
        new Writer() {
          @Override
          public void write(char[] text, int offset, int length) {
            stream.print(new String(text, offset, length));
          }

          @Override
          public void flush() {
            stream.flush();
          }

          @Override
          public void close() {
            stream.flush();
          }
        },
        true);
  }

  /**
   * Usage help that writes an option's value after a space, {@code --steps N}, as the README does
   * ({@code --steps=N} is accepted too).
   */
  private static final class SpacedHelp extends CommandLine.Help {
    SpacedHelp(CommandSpec command, ColorScheme colors) {
      super(command, colors);
    }

    @Override
    public IParamLabelRenderer parameterLabelRenderer() {
      IParamLabelRenderer labels = super.parameterLabelRenderer();
      return new IParamLabelRenderer() {
        @Override
        public Ansi.Text renderParameterLabel(ArgSpec arg, Ansi ansi, List<Ansi.IStyle> styles) {
          Ansi.Text label = labels.renderParameterLabel(arg, ansi, styles);
          String separator = labels.separator();
          return label.plainString().startsWith(separator)
              ? ansi.new Text(" ", colorScheme()).concat(label.substring(separator.length()))
              : label;
        }

        @Override
        public String separator() {
          return " ";
        }
      };
    }
  }
}
