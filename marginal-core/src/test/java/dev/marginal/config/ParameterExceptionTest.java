package dev.marginal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterExceptionTest {
  private static final Map<String, String> FLAGS = Map.of("numSamples", "--k", "k", "--kk", "warmup", "--warmup");

  @Test
  void theFirstParameterExceptionInTheCauseChainIsFound() {
    ParameterException inner = ParameterException.of("numSamples", "must be >= 1, got 0");
    ParameterException outer = ParameterException.of("seed", "must be set");
    RuntimeException wrapped = new RuntimeException("task failed", new IllegalStateException("stage", inner));
    assertSame(inner, ParameterException.in(wrapped).orElseThrow());
    assertSame(outer, ParameterException.in(new RuntimeException(outer)).orElseThrow());
    assertSame(inner, ParameterException.in(inner).orElseThrow());
    assertTrue(ParameterException.in(new RuntimeException("no cause")).isEmpty());
    assertTrue(ParameterException.in(null).isEmpty());
  }

  @Test
  void namesAreRenamedAsWholeWordsInOnePass() {
    assertEquals("--k must be >= 1, got 0",
        ParameterException.renamed("numSamples must be >= 1, got 0", List.of("numSamples"), FLAGS));
    // Only the parameters the error is about; a name inside a longer word or after a hyphen stays.
    assertEquals("--k and numSamplesMax; --warmup stays",
        ParameterException.renamed("numSamples and numSamplesMax; --warmup stays", List.of("numSamples", "warmup"),
            FLAGS));
    // One pass: "--k" put in for numSamples is not renamed again as k.
    assertEquals("--k, --kk", ParameterException.renamed("numSamples, k", List.of("numSamples", "k"), FLAGS));
    assertEquals("seed must be set", ParameterException.renamed("seed must be set", List.of("seed"), FLAGS));
  }
}
