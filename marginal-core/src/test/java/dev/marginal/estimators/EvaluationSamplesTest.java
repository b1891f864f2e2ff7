package dev.marginal.estimators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Tape;
import dev.marginal.config.ParameterException;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The blocked draw for evaluation gives the taped draw's samples and weights bit for bit, on any thread count. */
class EvaluationSamplesTest {
  @Test
  void evaluationDrawMatchesTheTapedDrawBitForBit() {
    LinearGaussianModel model = Fixtures.correlatedModel();
    Tensor x = Fixtures.data(model);
    // Uneven counts whose rows cross block boundaries in the middle of a point.
    int[] counts = {EvaluationSamples.ROWS + 37, 1, 2 * EvaluationSamples.ROWS - 5, 3};
    RngKey[] keys = ImportanceSamples.pointKeys(RngKey.of(21), counts.length);
    Tape taped = new Tape();
    ImportanceSamples expected = ImportanceSamples.draw(model, taped.constant(x),
        Fixtures.imperfectProposal(taped, model, x, 0.3f, 1.7f), counts, keys);
    for (int threads = 1; threads <= 2; threads++) {
      ImportanceSamples actual = Parallel.withThreads(threads, () -> {
        Tape eval = Tape.forEvaluation();
        DiagNormal q = Fixtures.imperfectProposal(eval, model, x, 0.3f, 1.7f);
        assertEquals(true, EvaluationSamples.applies(eval.constant(x), q));
        return ImportanceSamples.draw(model, eval.constant(x), q, counts, keys);
      });
      String where = threads + " thread(s)";
      assertArrayEquals(expected.z().value().toArray(), actual.z().value().toArray(), 0f, "z, " + where);
      assertArrayEquals(expected.logQ().value().toArray(), actual.logQ().value().toArray(), 0f, "log q, " + where);
      assertArrayEquals(expected.logPrior().value().toArray(), actual.logPrior().value().toArray(), 0f,
          "log p(z), " + where);
      assertArrayEquals(expected.logWeights().value().toArray(), actual.logWeights().value().toArray(), 0f,
          "log w, " + where);
    }
  }

  @Test
  void drawsThatNeedGradientsKeepTheTapedPath() {
    LinearGaussianModel model = Fixtures.correlatedModel();
    Tensor x = Fixtures.data(model);
    Tape taped = new Tape();
    DiagNormal q = DiagNormal.ofLogScale(taped.variable(Tensor.zeros(4, 2)), taped.constant(Tensor.zeros(4, 2)));
    assertEquals(false, EvaluationSamples.applies(taped.constant(x), q));
  }

  /**
   * K·d past 2³¹ while K alone is small (K = 2¹⁵ + 1 samples of a 2¹⁶-dimensional latent) is refused naming
   * numSamples, on the evaluation draw and on the taped one, instead of wrapping to a negative or short array.
   */
  @Test
  void samplesBeyondOneArrayAreRefusedNamingNumSamples() {
    LinearGaussianModel model = Fixtures.correlatedModel();
    Tensor x = Tensor.wrap(new float[] {0.5f, -0.5f}, 1, 2);
    int d = 1 << 16;
    Iwae iwae = Iwae.of((1 << 15) + 1);
    for (Tape tape : new Tape[] {Tape.forEvaluation(), new Tape()}) {
      DiagNormal q = DiagNormal.ofLogScale(tape.constant(Tensor.zeros(1, d)), tape.constant(Tensor.zeros(1, d)));
      ParameterException e = assertThrows(ParameterException.class,
          () -> iwae.logMarginal(model, tape.constant(x), q, RngKey.of(1)));
      assertEquals(java.util.List.of("numSamples"), e.parameters());
      assertTrue(e.getMessage().contains("32769 samples"), e.getMessage());
    }
  }
}
