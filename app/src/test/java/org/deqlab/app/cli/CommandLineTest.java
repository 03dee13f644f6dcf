package org.deqlab.app.cli;

import static org.deqlab.app.cli.CliOutcome.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.deqlab.core.experiment.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line itself, without running any work: every command and option of the hand-written
 * parser is still there and documented in its help, and every kind of bad usage is one line on
 * stderr naming the option, with exit code 2.
 */
class CommandLineTest {
  private static final List<String> PROBLEM_OPTIONS =
      List.of(
          "--problem",
          "--cell",
          "--input",
          "--dim",
          "--input-dim",
          "--batch",
          "--spectral-norm",
          "--seed",
          "--dtype",
          "--device",
          "--f-thres",
          "--tol",
          "--stop",
          "--anderson-m",
          "--anderson-lambda",
          "--anderson-beta",
          "--broyden-memory",
          "--line-search",
          "--damping");

  /**
   * Each command's options: those the parser before picocli accepted, with {@code --device} on
   * every command that computes and the GPU check, and {@code --cell}/{@code --input} (a
   * TorchScript cell) on solve, probe, memory, train and bench.
   */
  private static final Map<String, List<String>> OPTIONS =
      Map.ofEntries(
          Map.entry(
              "solve",
              concat(
                  PROBLEM_OPTIONS,
                  "--solver",
                  "--json",
                  "--save",
                  "--grad",
                  "--b-thres",
                  "--b-tol")),
          Map.entry(
              "train",
              List.of(
                  "--preset",
                  "--config",
                  "--device",
                  "--steps",
                  "--out",
                  "--seed",
                  "--cell",
                  "--input",
                  "--data",
                  "--batch",
                  "--lr",
                  "--jacobian-weight",
                  "--overwrite",
                  "--resume")),
          Map.entry(
              "run",
              List.of(
                  "--preset",
                  "--config",
                  "--device",
                  "--steps",
                  "--sweep",
                  "--out",
                  "--overwrite")),
          Map.entry("eval", List.of("--checkpoint", "--device", "--split")),
          Map.entry(
              "sweep-length",
              List.of(
                  "--preset",
                  "--config",
                  "--device",
                  "--checkpoint",
                  "--lengths",
                  "--batches",
                  "--f-thres",
                  "--json",
                  "--csv",
                  "--cell",
                  "--input")),
          Map.entry(
              "memory",
              List.of(
                  "--preset",
                  "--config",
                  "--device",
                  "--depths",
                  "--length",
                  "--lengths",
                  "--batch",
                  "--json",
                  "--csv",
                  "--cell",
                  "--input")),
          Map.entry(
              "bench",
              List.of(
                  "--problem", "--json", "--repeats", "--quick", "--device", "--cell", "--input")),
          Map.entry(
              "probe",
              concat(
                  PROBLEM_OPTIONS,
                  "--checkpoint",
                  "--split",
                  "--json",
                  "--power",
                  "--arnoldi",
                  "--probes",
                  "--distribution")),
          Map.entry(
              "doctor",
              List.of(
                  "--preset",
                  "--config",
                  "--convolution",
                  "--tolerance-scale",
                  "--device",
                  "--json")),
          Map.entry("gpu-check", List.of("--device")));

  private static List<String> concat(List<String> first, String... more) {
    return Stream.concat(first.stream(), Arrays.stream(more)).toList();
  }

  private static CommandLine commandLine() {
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
    return Main.commandLine(nowhere, nowhere);
  }

  @Test
  void everyCommandKeepsItsOptionsAndItsHelpNamesEachOfThem() {
    Map<String, CommandLine> commands = commandLine().getSubcommands();
    Set<String> expectedCommands = new TreeSet<>(OPTIONS.keySet());
    expectedCommands.add("help");
    assertEquals(expectedCommands, new TreeSet<>(commands.keySet()));

    OPTIONS.forEach(
        (command, options) -> {
          Set<String> declared = new TreeSet<>();
          for (OptionSpec option : commands.get(command).getCommandSpec().options()) {
            declared.addAll(List.of(option.names()));
          }
          Set<String> expected = new TreeSet<>(options);
          expected.addAll(List.of("-h", "--help"));
          assertEquals(expected, declared, command);

          CliOutcome help = run(command, "--help");
          assertEquals(0, help.code(), command + ": " + help.err());
          assertEquals("", help.err(), command);
          for (String option : expected) {
            assertTrue(
                Pattern.compile("(^|\\s)" + Pattern.quote(option) + "[\\s,]", Pattern.MULTILINE)
                    .matcher(help.out())
                    .find(),
                command + " help names " + option + ":\n" + help.out());
          }
          assertEquals(help.out(), run(command, "-h").out(), command);
          assertEquals(help.out(), run("help", command).out(), command);
        });
  }

  @Test
  void helpListsEveryCommandWithItsSummary() {
    CliOutcome help = run("help");
    assertEquals(0, help.code());
    for (String command : OPTIONS.keySet()) {
      assertTrue(help.out().contains("  " + command + " "), command + " in\n" + help.out());
    }
    assertTrue(help.out().contains("open the workbench window"), help.out());
    assertEquals(help.out(), run("--help").out());
  }

  static Stream<Arguments> badUsage() {
    return Stream.of(
        Arguments.of(List.of("train", "--stepz", "3"), "--stepz", "unknown option"),
        Arguments.of(List.of("solve", "--f-thres"), "--f-thres", "missing"),
        Arguments.of(List.of("train", "--steps", "--seed", "2"), "--steps", "--seed"),
        Arguments.of(List.of("sweep-length", "--batches", "many"), "--batches", "'many'"),
        Arguments.of(List.of("solve", "--tol", "small"), "--tol", "'small'"),
        Arguments.of(List.of("bench", "--repeats", "0"), "--repeats", "must be in [1, 100]"),
        Arguments.of(
            List.of("train", "--preset", "copy-memory-deq-transformer", "--steps", "0"),
            "--steps",
            "got 0"),
        Arguments.of(List.of("memory", "--depths", "1,0"), "--depths", "positive whole numbers"),
        Arguments.of(List.of("doctor", "--tolerance-scale", "-1"), "--tolerance-scale", "got"),
        Arguments.of(List.of("eval", "--checkpoint", "x.ckpt", "--split", "train"), "--split", ""),
        Arguments.of(List.of("solve", "--b-thres", "5", "--b-thres", "6"), "--b-thres", "once"),
        Arguments.of(
            List.of("train", "--preset", "x", "--config", "y.json"), "--preset or --config", ""));
  }

  @ParameterizedTest
  @MethodSource("badUsage")
  void badUsageIsOneLineNamingTheOptionAndExitCodeTwo(
      List<String> args, String option, String problem) {
    CliOutcome outcome = run(args.toArray(String[]::new));
    assertEquals(2, outcome.code(), outcome.out() + outcome.err());
    assertEquals(1, outcome.err().lines().count(), "one line: " + outcome.err());
    assertTrue(outcome.err().startsWith("error: " + args.get(0) + ": "), outcome.err());
    assertTrue(outcome.err().contains(option), outcome.err());
    assertTrue(outcome.err().contains(problem), outcome.err());
    assertTrue(outcome.err().contains("see ./deq help " + args.get(0)), outcome.err());
    assertEquals("", outcome.out(), "no usage dump");
  }

  @Test
  void anUnknownCommandNamesTheValidOnes() {
    for (CliOutcome outcome : List.of(run("frobnicate"), run("help", "frobnicate"))) {
      assertEquals(2, outcome.code());
      assertEquals(1, outcome.err().lines().count(), outcome.err());
      assertTrue(outcome.err().startsWith("error: unknown command 'frobnicate'"), outcome.err());
      for (String command : OPTIONS.keySet()) {
        assertTrue(outcome.err().contains(command), outcome.err());
      }
    }
  }

  @Test
  void anEngineRefusalIsOneLineWithExitCodeTwo() {
    CliOutcome outcome = run("train", "--preset", "no-such-preset");
    assertEquals(2, outcome.code());
    assertEquals(
        "error: unknown preset 'no-such-preset' (presets: "
            + String.join(", ", Presets.names())
            + ")",
        outcome.err().strip());
  }

  @Test
  void optionValuesMayFollowAnEqualsSign() {
    CliOutcome outcome = run("bench", "--repeats=0");
    assertEquals(2, outcome.code());
    assertTrue(outcome.err().contains("--repeats': must be in [1, 100], got 0"), outcome.err());
  }
}
