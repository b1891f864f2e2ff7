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

  @Test
  void aFitsParameterNamesInAMessageBecomeOptions() {
    assertEquals("EM failed: a collapsed component: increase --reg-covar or lower --components",
        OptionNames.withOptionNames("EM failed: a collapsed component: increase regCovar or lower components",
            List.of("regCovar", "latentDim", "components")));
    assertEquals("the data have rank <= --latent", OptionNames.withOptionNames("the data have rank <= latentDim",
        List.of("latentDim", "notAParameter")));
  }
}
