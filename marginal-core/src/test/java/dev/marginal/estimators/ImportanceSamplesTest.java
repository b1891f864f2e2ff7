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

class ImportanceSamplesTest {
  /**
   * Point i's rows are the first {@code counts[i]·d} normals of {@code pointKeys[i].foldIn(NOISE_STREAM)}, whatever
   * the other points are and however many threads draw them: unequal counts, odd lengths (Box–Muller pairs cut at a
   * point's end) and enough values for several parallel groups.
   */
  @Test
  void noiseIsEachPointsOwnStreamOnAnyThreadCount() {
    int d = 7;
    int[] counts = {1, 50, 3, 200, 9, 120, 2, 77, 31, 400};
    RngKey[] keys = ImportanceSamples.pointKeys(RngKey.of(91), counts.length);
    int total = 0;
    for (int c : counts) {
      total += c;
    }
    // More than one group of the parallel draw, so the split is exercised.
    assertTrue(total * d > 2 * ImportanceSamples.NOISE_CHUNK);
    float[] expected = new float[total * d];
    int at = 0;
    for (int i = 0; i < counts.length; i++) {
      float[] own = keys[i].foldIn(ImportanceSamples.NOISE_STREAM).normals(counts[i] * d);
      System.arraycopy(own, 0, expected, at, own.length);
      at += own.length;
    }
    for (int threads : new int[] {1, 2, 3}) {
      Tensor eps = Parallel.withThreads(threads, () -> ImportanceSamples.noise(keys, counts, d));
      assertArrayEquals(new int[] {total, d}, eps.shape());
      assertArrayEquals(expected, eps.buffer(), "threads " + threads);
    }
  }

  @Test
  void noiseOfZeroWidthHasOneEmptyRowPerSample() {
    int[] counts = {2, 3};
    Tensor eps = ImportanceSamples.noise(ImportanceSamples.pointKeys(RngKey.of(92), 2), counts, 0);
    assertArrayEquals(new int[] {5, 0}, eps.shape());
  }

  /** Counts whose sum passes 2³¹ are refused naming numSamples, not summed into a negative array length. */
  @Test
  void repeatIndexRefusesMoreRowsThanOneArrayHolds() {
    ParameterException e = assertThrows(ParameterException.class,
        () -> ImportanceSamples.repeatIndex(new int[] {1 << 30, 1 << 30}));
    assertEquals(java.util.List.of("numSamples"), e.parameters());
  }

  @Test
  void aProposalThatDoesNotMatchThePointsOrTheModelIsNamed() {
    LinearGaussianModel model = LinearGaussianModel.of(new double[][] {{1, 0}, {0, 2}, {0, 0}}, new double[3], 0.5);
    Tensor x = Tensor.of(new double[] {1, 2, 3, 0, 1, 0}, 2, 3);
    Tape tape = Tape.forEvaluation();
    DiagNormal oneRow = model.diagonalPosterior(tape, Tensor.of(new double[] {1, 2, 3}, 1, 3));
    for (LogMarginalEstimator e : new LogMarginalEstimator[] {Elbo.of(3), Iwae.of(3), Sumo.of(2)}) {
      assertEquals("x must be [B, D] and q [B, d] with the same B; got x [2, 3], q [1, 2]",
          assertThrows(IllegalArgumentException.class, () -> e.estimate(model, x, oneRow, RngKey.of(1), 2))
              .getMessage(), e.toString());
    }
    DiagNormal threeLatents = DiagNormal.standard(tape, 2, 3);
    assertEquals("q has latent dimension 3, the model 2", assertThrows(IllegalArgumentException.class,
        () -> Iwae.of(3).logMarginal(model, tape.constant(x), threeLatents, RngKey.of(1))).getMessage());
  }
}
