package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Tape;
import dev.marginal.data.Dataset;
import dev.marginal.data.Standardizer;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.Ais;
import dev.marginal.estimators.BidirectionalMonteCarlo;
import dev.marginal.estimators.Sumo;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bidirectional Monte Carlo of a standardized deep LVM is reported in the data's units, as its other evaluation
 * fields are: the points are simulated in the model's standardized space, so every mean is the same model's
 * unstandardized figure plus the log-Jacobian −Σ log sd, bit for bit with the same key; an unstandardized model
 * reports what {@link BidirectionalMonteCarlo#run} gives.
 */
class StandardizedBidirectionalMonteCarloTest {
  private static final List<String> COLUMNS = List.of("a", "b");
  /** sd 50 and 10: the log-Jacobian is −log 500 = −6.2 nats. */
  private static final Standardizer STANDARDIZER = new Standardizer(new double[] {100, -3}, new double[] {50, 10});
  private static final int POINTS = 12;
  private static final int STEPS = 10;
  private static final int K = 5;

  private static DeepLvm lvm() {
    return DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {8}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN),
        RngKey.of(1), null);
  }

  private static Evaluation.Settings settings() {
    return new Evaluation.Settings(K, 3).withAis(false, POINTS, STEPS);
  }

  @Test
  void theBracketOfAStandardizedModelIsTheModelsOwnPlusTheLogJacobian() {
    DeepLvm m = lvm();
    LvmDensityModel plain = new LvmDensityModel(m, COLUMNS, null);
    LvmDensityModel standardized = new LvmDensityModel(m, COLUMNS, STANDARDIZER);
    double jac = STANDARDIZER.logJacobian();
    assertEquals(-Math.log(500), jac, 1e-12);
    Dataset data = Dataset.of("d", COLUMNS, new float[] {100, -3, 150, 7, 60, -20, 120, 0});
    Map<String, Object> own = Evaluation.evaluate(plain, data, settings()).toMap();
    Map<String, Object> units = Evaluation.evaluate(standardized, data, settings()).toMap();
    assertEquals(own.get("bdmc_points"), units.get("bdmc_points"));
    for (String mean : List.of("bdmc_ais_lower", "bdmc_ais_upper", "bdmc_iwae_" + K, "bdmc_sumo")) {
      assertEquals((double) own.get(mean) + jac, (double) units.get(mean), 0.0, mean + " in data units");
      assertEquals(own.get(mean + "_se"), units.get(mean + "_se"), mean + "_se: a shift leaves the spread alone");
    }
    assertEquals(own.get(BidirectionalMonteCarlo.Report.IWAE_SE_ALIAS),
        units.get(BidirectionalMonteCarlo.Report.IWAE_SE_ALIAS));
    for (String gap : List.of("bdmc_iwae_below_ais_lower", "bdmc_sumo_minus_midpoint")) {
      assertEquals((double) own.get(gap), (double) units.get(gap), 1e-12, gap + ": the shift cancels");
    }
  }

  @Test
  void anUnstandardizedModelReportsTheBracketInItsOwnSpaceBitForBit() {
    DeepLvm m = lvm();
    RngKey key = RngKey.of(9);
    BidirectionalMonteCarlo.Report r = new LvmDensityModel(m, COLUMNS, null).bidirectionalMonteCarlo(POINTS,
        Ais.of(STEPS), K, Sumo.DEFAULT_MIN_TERMS, key);
    // The simulation as LvmDensityModel runs it, straight into BidirectionalMonteCarlo.run with no shift.
    Tensor z = m.samplePrior(key.foldIn(0), POINTS);
    Tensor x = m.sample(key, POINTS, false);
    Tape tape = Tape.forEvaluation();
    DiagNormal q = m.posterior(tape, tape.constant(x));
    BidirectionalMonteCarlo.Report raw = BidirectionalMonteCarlo.run(m, x, z, q, Ais.of(STEPS), K,
        Sumo.DEFAULT_MIN_TERMS, key.foldIn(1));
    assertEquals(raw, r);
    assertEquals(raw.toMap(), r.toMap());
    assertSame(raw, raw.plus(0), "no shift, the same report");
  }

  @Test
  void tooManySimulatedPointsAreRefusedBeforeAnythingIsDrawn() {
    // 2 × 10⁹ points of a 2-D latent overflowed an int into a negative array size ("-294967296").
    DeepLvm m = lvm();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LvmDensityModel(m, COLUMNS, null).bidirectionalMonteCarlo(2_000_000_000, Ais.of(STEPS), K,
            Sumo.DEFAULT_MIN_TERMS, RngKey.of(9)));
    assertTrue(e.getMessage().startsWith("n too large: 2000000000 draws of 8 values each"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> m.samplePrior(RngKey.of(9), 2_000_000_000));
    assertEquals("cannot draw 2000000000 latents of 2 values each: n must be >= 0 and n × 2 at most the 2147483639"
        + " values one array holds", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RngKey.of(9).normals(-294967296));
    assertEquals("the number of normals must be >= 0, got -294967296", e.getMessage());
  }
}
