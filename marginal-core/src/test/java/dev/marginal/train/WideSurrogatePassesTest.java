package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.Iwae;
import dev.marginal.estimators.LogMarginalEstimator;
import dev.marginal.estimators.Sumo;
import dev.marginal.estimators.WeightDiagnostics;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A wide surrogate's evaluation holds a bounded number of values at once, with the values of one whole pass bit for
 * bit: its draws are decoded in blocks of rows, and log q(x) goes through the model in passes of fewer rows than a
 * chunk of 2¹⁶ samples.
 */
class WideSurrogatePassesTest {
  /** 1,000-D data: 3,020 values per sample, so a pass of IWAE-100 holds 55 rows and a chunk 655. */
  private static final DeepLvm WIDE = DeepLvm.create(new DeepLvm.Config(1000, 2, new int[] {8}, Activation.TANH,
      DeepLvm.Decoder.GAUSSIAN), RngKey.of(3), null);

  @Test
  void drawsDecodedInBlocksEqualOneWholePass() {
    int n = 5000;
    assertTrue(n * 2L * WIDE.dataDim() > DeepLvm.SAMPLE_BLOCK_VALUES, "several blocks");
    RngKey key = RngKey.of(11);
    Tensor blocked = WIDE.sample(key, n, false);
    // The whole pass, as the draw was computed before it was blocked.
    Tape tape = new Tape();
    Var out = WIDE.decoder().apply(tape, tape.constant(WIDE.samplePrior(key.foldIn(0), n)));
    int d = WIDE.dataDim();
    Tensor sd = out.value().slice(-1, d, 2 * d).mul(1f / DeepLvm.LOG_VAR_BOUND).tanh()
        .mul(DeepLvm.LOG_VAR_BOUND / 2).exp();
    Tensor whole = out.value().slice(-1, 0, d).add(sd.mul(Tensor.wrap(key.foldIn(1).normals(n * d), n, d)));
    assertArrayEquals(new int[] {n, d}, blocked.shape());
    assertArrayEquals(whole.buffer(), blocked.buffer());
  }

  @Test
  void logQInPassesEqualsOnePassPerChunk() {
    Iwae iwae = Iwae.of(100);
    assertEquals(55, SurrogateMetrics.rowsPerPass(WIDE.config(), iwae.expectedSamplesPerPoint()));
    Tensor x = WIDE.sample(RngKey.of(5), 300, false);
    RngKey key = RngKey.of(7);
    List<WeightDiagnostics> diagnostics = new ArrayList<>();
    double[] passes = SurrogateMetrics.logQ(WIDE, x, iwae, key, diagnostics);
    // One chunk of 300 rows in one pass, as log q was computed before passes were split.
    Tape tape = new Tape();
    DiagNormal q = WIDE.posterior(tape, tape.constant(x));
    Iwae.Diagnosed whole = iwae.estimateWithDiagnostics(WIDE, x, q, key.foldIn(0));
    assertArrayEquals(whole.values(), passes);
    assertEquals(List.of(whole.diagnostics()), diagnostics);

    // SUMO with m = 300: about 17 rows a pass.
    LogMarginalEstimator sumo = Sumo.of(300);
    Tensor x100 = x.slice(0, 0, 100);
    assertTrue(SurrogateMetrics.rowsPerPass(WIDE.config(), sumo.expectedSamplesPerPoint()) < 100, "several passes");
    Tape t2 = new Tape();
    assertArrayEquals(sumo.estimate(WIDE, x100, WIDE.posterior(t2, t2.constant(x100)), key.foldIn(0), 1).mean(),
        SurrogateMetrics.logQ(WIDE, x100, sumo, key));
  }
}
