package dev.marginal.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code gaussian-tied} decoder: x | z ~ N(μ_θ(z), diag σ²) with one log-variance parameter per dimension,
 * checked against the density and its gradient written out by hand in double.
 */
class TiedGaussianDecoderTest {
  private static final int D = 3;
  private static final int N = 5;
  private static final float[] RAW_LOG_VAR = {-1.5f, 0.25f, 2f};

  private static DeepLvm model() {
    DeepLvm m = DeepLvm.create(new DeepLvm.Config(D, 2, new int[] {6}, Activation.TANH,
        DeepLvm.Decoder.GAUSSIAN_TIED), RngKey.of(3), null);
    System.arraycopy(RAW_LOG_VAR, 0, logVar(m).value().buffer(), 0, D);
    return m;
  }

  private static Parameter logVar(DeepLvm m) {
    List<Parameter> dec = m.decoderParameters();
    Parameter p = dec.get(dec.size() - 1);
    assertEquals(DeepLvm.TIED_LOG_VAR, p.name());
    return p;
  }

  /** The soft bound b·tanh(v/b) of the log-variance, in double. */
  private static double bounded(double v) {
    return DeepLvm.LOG_VAR_BOUND * Math.tanh(v / DeepLvm.LOG_VAR_BOUND);
  }

  @Test
  void theDecoderGivesTheMeanAndTheLogVarianceIsOneParameterPerDimension() {
    DeepLvm m = model();
    assertEquals(D, m.decoder().sizes()[m.decoder().sizes().length - 1]);
    assertEquals(m.decoder().parameters().size() + 1, m.decoderParameters().size());
    assertTrue(m.parameters().contains(logVar(m)));
    assertEquals(0f, DeepLvm.create(m.config(), RngKey.of(1), null).decoderParameters().get(
        m.decoderParameters().size() - 1).value().get(1), 0f, "starts at unit variance");
  }

  @Test
  void logLikelihoodAndItsGradientAreThoseOfTheDiagonalGaussianWithTheSharedVariance() {
    DeepLvm m = model();
    float[] xs = RngKey.of(5).normals(N * D);
    float[] zs = RngKey.of(6).normals(N * 2);
    Tensor mean = m.decodeMean(Tensor.wrap(zs.clone(), N, 2));
    Tape tape = new Tape();
    Var ll = m.logLikelihood(tape.constant(Tensor.wrap(xs, N, D)), tape.constant(Tensor.wrap(zs, N, 2)));
    tape.backward(ll.sum());
    double[] grad = new double[D];
    for (int n = 0; n < N; n++) {
      double want = 0;
      for (int j = 0; j < D; j++) {
        double lv = bounded(RAW_LOG_VAR[j]);
        double r = xs[n * D + j] - mean.get(n, j);
        want += -0.5 * Math.log(2 * Math.PI) - 0.5 * lv - r * r / (2 * Math.exp(lv));
        double dBound = 1 - Math.pow(Math.tanh(RAW_LOG_VAR[j] / DeepLvm.LOG_VAR_BOUND), 2);
        grad[j] += (r * r / (2 * Math.exp(lv)) - 0.5) * dBound;
      }
      assertEquals(want, ll.value().get(n), 1e-5 * Math.max(1, Math.abs(want)), "row " + n);
    }
    Tensor g = logVar(m).grad();
    for (int j = 0; j < D; j++) {
      assertNotEquals(0.0, grad[j]);
      assertEquals(grad[j], g.get(j), 1e-4 * Math.max(1, Math.abs(grad[j])), "dimension " + j);
    }
  }

  @Test
  void theNoiseStandardDeviationIsTheBoundedSharedVariancesRoot() {
    double[] sd = model().tiedNoiseSd();
    assertEquals(D, sd.length);
    for (int j = 0; j < D; j++) {
      assertEquals(Math.exp(bounded(RAW_LOG_VAR[j]) / 2), sd[j], 1e-12);
    }
    DeepLvm heteroscedastic = DeepLvm.create(new DeepLvm.Config(D, 2, new int[] {6}, Activation.TANH,
        DeepLvm.Decoder.GAUSSIAN), RngKey.of(3), null);
    assertEquals(null, heteroscedastic.tiedNoiseSd());
  }

  @Test
  void samplesAreTheMeanPlusTheSharedScaleTimesTheirNormals() {
    DeepLvm m = model();
    RngKey key = RngKey.of(9);
    int n = 4;
    Tensor x = m.sample(key, n, false);
    Tensor mean = m.decodeMean(m.samplePrior(key.foldIn(0), n));
    float[] eps = key.foldIn(1).normals(n * D);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < D; j++) {
        double sd = Math.exp(bounded(RAW_LOG_VAR[j]) / 2);
        assertEquals(mean.get(i, j) + sd * eps[i * D + j], x.get(i, j), 1e-5 * Math.max(1, Math.abs(x.get(i, j))));
      }
    }
  }

  /** {@link DeepLvm#configMap()} as a model file's JSON reads back: lists where the map has arrays. */
  private static Map<String, Object> asRead(DeepLvm m) {
    Map<String, Object> cfg = new HashMap<>(m.configMap());
    cfg.put("hidden", List.of(6));
    return cfg;
  }

  @Test
  void theModelRoundTripsThroughItsMapsAndRefusesAMissingOrMisshapenLogVariance() {
    DeepLvm m = model();
    DeepLvm back = DeepLvm.fromMaps(asRead(m), m.tensors());
    assertEquals(m.config(), back.config());
    assertEquals("gaussian-tied", m.configMap().get("decoder"));
    for (int j = 0; j < D; j++) {
      assertEquals(RAW_LOG_VAR[j], logVar(back).value().get(j), 0f);
    }
    Tensor z = Tensor.wrap(RngKey.of(2).normals(6), 3, 2);
    assertEquals(m.decodeMean(z).get(2, 1), back.decodeMean(z).get(2, 1), 0f);

    Map<String, Tensor> missing = new HashMap<>(m.tensors());
    missing.remove(DeepLvm.TIED_LOG_VAR);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DeepLvm.fromMaps(asRead(m), missing));
    assertTrue(e.getMessage().contains(DeepLvm.TIED_LOG_VAR), e.getMessage());

    Map<String, Tensor> misshapen = new HashMap<>(m.tensors());
    misshapen.put(DeepLvm.TIED_LOG_VAR, Tensor.zeros(D + 1));
    e = assertThrows(IllegalArgumentException.class, () -> DeepLvm.fromMaps(asRead(m), misshapen));
    assertTrue(e.getMessage().contains("[" + (D + 1) + "]"), e.getMessage());
  }

  @Test
  void decoderNamesParseAndPrint() {
    for (DeepLvm.Decoder d : DeepLvm.Decoder.values()) {
      assertSame(d, DeepLvm.Decoder.parse(d.id()));
    }
    assertSame(DeepLvm.Decoder.GAUSSIAN_TIED, DeepLvm.Decoder.parse(" Gaussian-Tied "));
    assertTrue(DeepLvm.Decoder.GAUSSIAN_TIED.gaussian());
    assertTrue(DeepLvm.Decoder.GAUSSIAN.gaussian());
    assertTrue(!DeepLvm.Decoder.BERNOULLI.gaussian());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DeepLvm.Decoder.parse("gaussian_tied"));
    assertTrue(e.getMessage().contains("gaussian-tied"), e.getMessage());
  }
}
