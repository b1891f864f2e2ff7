package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.marginal.config.ParameterException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parameter names become option names once each, however the names and the options overlap. */
class OptionNamesTest {
  private static String forUser(List<String> names, String message) {
    return OptionNames.forUser(ParameterException.about(names, message), message);
  }

  @Test
  void aNameIsNotReplacedInsideTheOptionAnotherNameBecame() {
    assertEquals("--warmup 4 (was 0); --warmup off (was 10)",
        forUser(List.of("warmupEpochs", "warmup"), "warmupEpochs 4 (was 0); warmup off (was 10)"));
    assertEquals("--decoder-gradient path (was total); --decoder gaussian (was bernoulli)",
        forUser(List.of("decoderGradient", "decoder"),
            "decoderGradient path (was total); decoder gaussian (was bernoulli)"));
  }

  @Test
  void anOptionAlreadyInTheMessageIsLeftAsItIs() {
    assertEquals("--warmup must be >= 0; --warmup 4", forUser(List.of("warmup"), "--warmup must be >= 0; warmup 4"));
    assertEquals("--k must be >= 1, got 0", forUser(List.of("numSamples", "numSamples"), "numSamples must be >= 1, "
        + "got 0"));
  }

  private static String asTyped(String message, String... args) {
    picocli.CommandLine cl = Cli.newCommandLine();
    return OptionNames.asTyped(message, cl.parseArgs(args));
  }

  /** Numbers that Java wrote as doubles come out as the user typed them; bounds and other numbers stay. */
  @Test
  void aValueQuotedBackIsWrittenAsTyped() {
    String[] fit = {"fit", "--data", "toy:moons", "--model", "lvm", "--out", "m.marginal"};
    assertEquals("--clip must be a positive number, got -2", asTyped("--clip must be a positive number, got -2.0",
        concat(fit, "--clip", "-2")));
    assertEquals("--lr must be between 1.17549435E-38 and 3.4028235E38 (training runs in float32, which rounds 1e-50"
        + " to zero), got 1e-50", asTyped("--lr must be between 1.17549435E-38 and 3.4028235E38 (training runs in "
        + "float32, which rounds 1.0E-50 to zero), got 1.0E-50", concat(fit, "--lr=1e-50")));
    // A bound equal to the value, written as an integer, and a number the message derives stay as they are.
    assertEquals("--lr-floor must be in [0, 1], got 1e1 (10.5 after rounding)",
        asTyped("--lr-floor must be in [0, 1], got 10.0 (10.5 after rounding)", concat(fit, "--lr-floor", "1e1")));
    assertEquals("--lr-floor must be in [0, 1], got 2", asTyped("--lr-floor must be in [0, 1], got 2",
        concat(fit, "--lr-floor", "2")));
    // Numbers before the option's name, inside words or of another option are not touched.
    assertEquals("step 2.0: --clip 2.0x, got 3", asTyped("step 2.0: --clip 2.0x, got 3", concat(fit, "--clip", "2")));
    assertEquals("--clip must be positive, got -2.0", asTyped("--clip must be positive, got -2.0",
        concat(fit, "--lr", "-2")));
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void aFitsParameterNamesInAMessageBecomeOptions() {
    assertEquals("EM failed: a collapsed component: increase --reg-covar or lower --components",
        OptionNames.withOptionNames("EM failed: a collapsed component: increase regCovar or lower components",
            List.of("regCovar", "latentDim", "components")));
    assertEquals("the data have rank <= --latent", OptionNames.withOptionNames("the data have rank <= latentDim",
        List.of("latentDim", "notAParameter")));
  }
}
