package dev.marginal.distributions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.GradCheck;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.math.LogSpace;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class DistributionsTest {
  private final Tape tape = new Tape();
  private final Var loc = tape.constant(Tensor.ofRows(new float[] {0.5f, -1f, 2f}, new float[] {0f, 0.3f, -0.2f}));
  private final Var logScale = tape.constant(Tensor.ofRows(new float[] {0.1f, -0.5f, 0.7f},
      new float[] {-1f, 0f, 0.2f}));
  private final DiagNormal normal = DiagNormal.ofLogScale(loc, logScale);

  private static double normalLogPdf(double x, double mu, double sigma) {
    double e = (x - mu) / sigma;
    return -0.5 * e * e - Math.log(sigma) - 0.5 * LogSpace.LOG_2PI;
  }

  @Test
  void logProbMatchesClosedForm() {
    Tensor x = Tensor.ofRows(new float[] {1f, 0f, 1.5f}, new float[] {-0.4f, 0.1f, 0f});
    float[] lp = normal.logProb(tape.constant(x)).value().buffer();
    for (int r = 0; r < 2; r++) {
      double expected = 0;
      for (int j = 0; j < 3; j++) {
        expected += normalLogPdf(x.get(r, j), loc.value().get(r, j), Math.exp(logScale.value().get(r, j)));
      }
      assertEquals(expected, lp[r], 1e-5);
    }
  }

  @Test
  void sampleAndLogProbAgreesWithLogProbOfTheSample() {
    DiagNormal.Sample s = normal.sampleAndLogProb(RngKey.of(1));
    assertArrayEquals(normal.logProb(s.value()).value().buffer(), s.logProb().value().buffer(), 1e-5f);
    assertArrayEquals(normal.rsample(RngKey.of(1)).value().buffer(), s.value().value().buffer(), 0f);
  }

  /**
   * A batch large enough for several chunks of the log density: the same bits on every thread count, and the value
   * of the formula.
   */
  @Test
  void sampleAndLogProbOfALargeBatchIsTheSameOnAnyThreadCount() {
    int n = 1003;
    int d = 27;
    float[] eps = RngKey.of(3).normals(n * d);
    Tape t = new Tape();
    DiagNormal wide = DiagNormal.ofLogScale(t.constant(Tensor.wrap(new float[n * d], n, d)),
        t.constant(Tensor.wrap(RngKey.of(4).normals(n * d), n, d)));
    float[] one = Parallel.withThreads(1,
        () -> wide.sampleAndLogProb(Tensor.wrap(eps, n, d)).logProb().value().buffer());
    float[] ls = wide.logScale().value().buffer();
    for (int r = 0; r < n; r++) {
      double expected = 0;
      for (int j = 0; j < d; j++) {
        expected += -0.5 * eps[r * d + j] * eps[r * d + j] - ls[r * d + j] - 0.5 * LogSpace.LOG_2PI;
      }
      assertEquals(expected, one[r], 1e-4 * Math.max(1, Math.abs(expected)));
    }
    for (int threads : new int[] {2, 3}) {
      float[] lp = Parallel.withThreads(threads,
          () -> wide.sampleAndLogProb(Tensor.wrap(eps, n, d)).logProb().value().buffer());
      assertArrayEquals(one, lp, 0f, "threads " + threads);
    }
  }

  @Test
  void reparameterizedSamplesHaveTheRightMoments() {
    int n = 20_000;
    int[] rows = new int[n];
    DiagNormal many = normal.gather(rows);
    float[] z = many.rsample(RngKey.of(2)).value().buffer();
    for (int j = 0; j < 3; j++) {
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = z[i * 3 + j];
      }
      double sigma = Math.exp(logScale.value().get(0, j));
      double mean = 0;
      for (double x : v) {
        mean += x / n;
      }
      double z4 = (mean - loc.value().get(0, j)) / (sigma / Math.sqrt(n));
      assertTrue(Math.abs(z4) <= 4, "coordinate " + j + ": z = " + z4);
    }
  }

  @Test
  void entropyAndKlMatchClosedForms() {
    float[] h = normal.entropy().value().buffer();
    float[] kl0 = normal.klToStandardNormal().value().buffer();
    float[] klStd = normal.kl(DiagNormal.standard(tape, 2, 3)).value().buffer();
    float[] klSelf = normal.kl(normal).value().buffer();
    for (int r = 0; r < 2; r++) {
      double eh = 0;
      double ekl = 0;
      for (int j = 0; j < 3; j++) {
        double ls = logScale.value().get(r, j);
        double mu = loc.value().get(r, j);
        eh += 0.5 * (1 + LogSpace.LOG_2PI) + ls;
        ekl += 0.5 * (Math.exp(2 * ls) + mu * mu - 1 - 2 * ls);
      }
      assertEquals(eh, h[r], 1e-5);
      assertEquals(ekl, kl0[r], 1e-5);
      assertEquals(ekl, klStd[r], 1e-5);
      assertEquals(0.0, klSelf[r], 1e-6);
    }
  }

  @Test
  void logVarianceIsClampedInTheFactory() {
    Tape t = new Tape();
    Var lv = t.variable(Tensor.of(new float[] {-100f, 0f, 100f}, 1, 3));
    DiagNormal d = DiagNormal.ofLogVar(t.constant(Tensor.zeros(1, 3)), lv);
    assertArrayEquals(new float[] {DiagNormal.MIN_LOG_VAR / 2, 0f, DiagNormal.MAX_LOG_VAR / 2},
        d.logScale().value().buffer(), 1e-6f);
    assertTrue(d.logProb(t.constant(Tensor.of(new float[] {1f, 1f, 1f}, 1, 3))).value().allFinite());
  }

  @Test
  void factoriesRejectInvalidParameters() {
    Tape t = new Tape();
    assertThrows(IllegalArgumentException.class,
        () -> DiagNormal.ofScale(t.constant(Tensor.zeros(2)), t.constant(Tensor.of(new float[] {1f, 0f}, 2))));
    assertThrows(IllegalArgumentException.class,
        () -> DiagNormal.ofLogScale(t.constant(Tensor.zeros(2)), t.constant(Tensor.zeros(3))));
    assertThrows(IllegalArgumentException.class,
        () -> Bernoulli.ofProbs(t.constant(Tensor.of(new float[] {1.5f}, 1))));
    assertThrows(IllegalArgumentException.class, () -> Categorical.ofLogits(t.constant(Tensor.scalar(1f))));
  }

  @Test
  void diagNormalLogProbGradientsMatchFiniteDifferences() {
    GradCheck.Result r = GradCheck.check(v -> DiagNormal.ofLogVar(v[0], v[1]).logProb(v[2]), RngKey.of(3),
        loc.value(), logScale.value(), Tensor.ofRows(new float[] {1f, 0f, 1.5f}, new float[] {-0.4f, 0.1f, 0f}));
    assertTrue(r.passed(), r::toString);
    GradCheck.Result kl = GradCheck.check(v -> DiagNormal.ofLogScale(v[0], v[1])
        .kl(DiagNormal.ofLogScale(v[1], v[0])), RngKey.of(4), loc.value(), logScale.value());
    assertTrue(kl.passed(), kl::toString);
  }

  @Test
  void bernoulliLogProbIsStableForLargeLogits() {
    Tape t = new Tape();
    Bernoulli b = Bernoulli.ofLogits(t.constant(Tensor.of(new float[] {-200f, 0f, 3f, 200f}, 4)));
    float lp = b.logProb(t.constant(Tensor.of(new float[] {0f, 1f, 1f, 1f}, 4))).value().item();
    double expected = 0 + Math.log(0.5) - LogSpace.softplus(-3) + 0;
    assertEquals(expected, lp, 1e-5);
    Bernoulli p = Bernoulli.ofProbs(t.constant(Tensor.of(new float[] {0.2f, 0.9f}, 2)));
    float lp2 = p.logProb(t.constant(Tensor.of(new float[] {1f, 0f}, 2))).value().item();
    assertEquals(Math.log(0.2) + Math.log(0.1), lp2, 1e-5);
  }

  @Test
  void bernoulliSamplesHaveTheRightMean() {
    Tape t = new Tape();
    int n = 20_000;
    Bernoulli b = Bernoulli.ofLogits(t.constant(Tensor.full(0.8f, n)));
    double p = 1 / (1 + Math.exp(-0.8));
    double mean = b.sample(RngKey.of(5)).sumDouble() / n;
    double z = (mean - p) / Math.sqrt(p * (1 - p) / n);
    assertTrue(Math.abs(z) <= 4, "z = " + z);
    assertEquals(p, b.mean().value().get(0), 1e-6);
  }

  @Test
  void categoricalLogProbAndSamplingMatchSoftmax() {
    Tape t = new Tape();
    float[] theta = {0.5f, -1f, 1.2f, Float.NEGATIVE_INFINITY};
    Categorical c = Categorical.ofLogits(t.constant(Tensor.of(theta, 4)));
    double lse = LogSpace.logSumExp(new double[] {0.5, -1, 1.2, Double.NEGATIVE_INFINITY});
    float[] lp = c.logProb(new int[] {0, 2, 1}).value().buffer();
    assertEquals(0.5 - lse, lp[0], 1e-6);
    assertEquals(1.2 - lse, lp[1], 1e-6);
    assertEquals(-1 - lse, lp[2], 1e-6);
    assertEquals(Double.NEGATIVE_INFINITY, c.logProb(new int[] {3}).value().get(0));
    int n = 20_000;
    int[] s = c.sample(RngKey.of(6), n);
    int[] counts = new int[4];
    for (int v : s) {
      counts[v]++;
    }
    assertEquals(0, counts[3]);
    for (int k = 0; k < 3; k++) {
      double p = Math.exp(theta[k] - lse);
      double z = (counts[k] / (double) n - p) / Math.sqrt(p * (1 - p) / n);
      assertTrue(Math.abs(z) <= 4, "category " + k + ": z = " + z);
    }
  }

  @Test
  void fusedBernoulliLogProbMatchesTheComposedFormulaAndItsGradients() {
    Tensor logits = Tensor.wrap(RngKey.of(40).normals(3 * 7), 3, 7).mul(3f);
    Tensor x = Tensor.wrap(dev.marginal.data.Binarization.binarize(RngKey.of(41).uniforms(21), RngKey.of(42)), 3, 7);
    Tape tape = new Tape();
    Var l = tape.variable(logits);
    float[] fused = Bernoulli.ofLogits(l).logProb(tape.constant(x)).value().toArray();
    float[] composed = tape.constant(x).mul(l).sub(l.softplus()).sum(-1, false).value().toArray();
    for (int i = 0; i < fused.length; i++) {
      assertEquals(composed[i], fused[i], 1e-5 * Math.max(1, Math.abs(composed[i])));
    }
    GradCheck.Result r = GradCheck.check(v -> Bernoulli.ofLogits(v[0]).logProb(v[1]), RngKey.of(43), logits,
        Tensor.wrap(RngKey.of(44).uniforms(21), 3, 7));
    assertTrue(r.passed(), r::toString);
  }

  /** Rows of x by index: the gathered formula's values and logit gradients bit for bit, and finite differences. */
  @Test
  void bernoulliLogProbOfRowsMatchesTheGatheredRowsAndFiniteDifferences() {
    Tensor logits = Tensor.wrap(RngKey.of(45).normals(5 * 7), 5, 7).mul(3f);
    Tensor x = Tensor.wrap(RngKey.of(46).uniforms(3 * 7), 3, 7);
    int[] rows = {2, 0, 0, 1, 2};
    Tape gathered = new Tape();
    Var lg = gathered.variable(logits);
    Var expected = Bernoulli.ofLogits(lg).logProb(gathered.constant(x.gather(rows)));
    gathered.backward(expected.mul(gathered.constant(Tensor.wrap(new float[] {1f, -2f, 0.5f, 3f, -1f}, 5))).sum());
    Tape indexed = new Tape();
    Var li = indexed.variable(logits);
    Var actual = Bernoulli.ofLogits(li).logProbOfRows(x, rows);
    indexed.backward(actual.mul(indexed.constant(Tensor.wrap(new float[] {1f, -2f, 0.5f, 3f, -1f}, 5))).sum());
    assertArrayEquals(expected.value().toArray(), actual.value().toArray(), 0f);
    assertArrayEquals(gathered.grad(lg).toArray(), indexed.grad(li).toArray(), 0f);
    // A second sweep of the same tape (the forward pass keeps σ(l) for the backward pass) gives the gradient a fresh
    // tape gives.
    Tensor other = Tensor.wrap(new float[] {-1f, 0.25f, 2f, 0f, 1.5f}, 5);
    indexed.backward(actual.mul(indexed.constant(other)).sum());
    Tape fresh = new Tape();
    Var lf = fresh.variable(logits);
    fresh.backward(Bernoulli.ofLogits(lf).logProbOfRows(x, rows).mul(fresh.constant(other)).sum());
    assertArrayEquals(fresh.grad(lf).toArray(), indexed.grad(li).toArray(), 0f);
    GradCheck.Result r = GradCheck.check(v -> Bernoulli.ofLogits(v[0]).logProbOfRows(x, rows), RngKey.of(47),
        logits);
    assertTrue(r.passed(), r::toString);
    assertThrows(IllegalArgumentException.class,
        () -> Bernoulli.ofLogits(new Tape().constant(logits)).logProbOfRows(x, new int[] {0, 1}));
  }

  /**
   * The output layer and the log mass as one primitive: the value and the gradients of h, W and b have the bits of
   * {@code ofLogits(h.linear(w, b)).logProbOfRows(x, rows)} on one and two threads, at a small shape and at one whose
   * backward products take the blocked path (their rows scaled as they are packed); a second sweep of the same tape
   * gives what a fresh tape gives; finite differences agree; bad shapes are refused.
   */
  @Test
  void bernoulliLinearLogProbOfRowsHasTheBitsOfTheTwoPrimitives() {
    int[][] shapes = {{5, 3, 7, 3}, {300, 136, 100, 30}};
    for (int[] s : shapes) {
      int n = s[0];
      int hidden = s[1];
      int d = s[2];
      Tensor h = Tensor.wrap(RngKey.of(51).normals(n * hidden), n, hidden);
      Tensor w = Tensor.wrap(RngKey.of(52).normals(hidden * d), hidden, d).mul(0.3f);
      Tensor b = Tensor.wrap(RngKey.of(53).normals(d), d);
      Tensor x = Tensor.wrap(dev.marginal.data.Binarization.binarize(RngKey.of(54).uniforms(s[3] * d),
          RngKey.of(55)), s[3], d);
      int[] rows = new int[n];
      for (int t = 0; t < n; t++) {
        rows[t] = (t * 7 + 3) % s[3];
      }
      Tensor weights = Tensor.wrap(RngKey.of(56).normals(n), n);
      for (int threads : new int[] {1, 2}) {
        Parallel.withThreads(threads, () -> {
          Tape two = new Tape();
          Var h2 = two.variable(h);
          Var w2 = two.variable(w);
          Var b2 = two.variable(b);
          Var expected = Bernoulli.ofLogits(h2.linear(w2, b2)).logProbOfRows(x, rows);
          two.backward(expected.mul(two.constant(weights)).sum());
          Tape one = new Tape();
          Var h1 = one.variable(h);
          Var w1 = one.variable(w);
          Var b1 = one.variable(b);
          Var actual = Bernoulli.linearLogProbOfRows(h1, w1, b1, x, rows);
          one.backward(actual.mul(one.constant(weights)).sum());
          String where = java.util.Arrays.toString(s) + " on " + threads + " threads";
          assertArrayEquals(expected.value().toArray(), actual.value().toArray(), 0f, where);
          assertArrayEquals(two.grad(h2).toArray(), one.grad(h1).toArray(), 0f, where);
          assertArrayEquals(two.grad(w2).toArray(), one.grad(w1).toArray(), 0f, where);
          assertArrayEquals(two.grad(b2).toArray(), one.grad(b1).toArray(), 0f, where);
          Tensor other = Tensor.wrap(RngKey.of(57).normals(n), n);
          one.backward(actual.mul(one.constant(other)).sum());
          Tape fresh = new Tape();
          Var hf = fresh.variable(h);
          Var wf = fresh.variable(w);
          Var bf = fresh.variable(b);
          fresh.backward(Bernoulli.linearLogProbOfRows(hf, wf, bf, x, rows).mul(fresh.constant(other)).sum());
          assertArrayEquals(fresh.grad(wf).toArray(), one.grad(w1).toArray(), 0f, where + ", second sweep");
          assertArrayEquals(fresh.grad(bf).toArray(), one.grad(b1).toArray(), 0f, where + ", second sweep");
          return null;
        });
      }
    }
    Tensor x = Tensor.wrap(RngKey.of(58).uniforms(3 * 7), 3, 7);
    int[] rows = {2, 0, 0, 1, 2};
    GradCheck.Result r = GradCheck.check(v -> Bernoulli.linearLogProbOfRows(v[0], v[1], v[2], x, rows),
        RngKey.of(59), Tensor.wrap(RngKey.of(60).normals(5 * 4), 5, 4),
        Tensor.wrap(RngKey.of(61).normals(4 * 7), 4, 7), Tensor.wrap(RngKey.of(62).normals(7), 7));
    assertTrue(r.passed(), r::toString);
    Tape tape = new Tape();
    Var h = tape.variable(Tensor.wrap(new float[5 * 4], 5, 4));
    Var w = tape.variable(Tensor.wrap(new float[4 * 7], 4, 7));
    Var b = tape.variable(Tensor.wrap(new float[7], 7));
    assertThrows(IllegalArgumentException.class, () -> Bernoulli.linearLogProbOfRows(h, w, b, x, new int[] {0, 1}));
    assertThrows(IndexOutOfBoundsException.class,
        () -> Bernoulli.linearLogProbOfRows(h, w, b, x, new int[] {0, 1, 2, 3, 4}));
  }

  /**
   * Samples of chosen rows as one primitive: z, log q and the gradients of the encoder's μ and log σ² (through
   * {@link DiagNormal#ofLogVar}) have the bits of {@code gather(rows).sampleAndLogProb(eps)} on one and two threads,
   * for a batch whose rows run in parallel chunks and for a small one; a second sweep gives what a fresh tape gives;
   * finite differences agree with the primitive's gradient; bad shapes and rows are refused.
   */
  @Test
  void sampleRowsAndLogProbHasTheBitsOfGatherThenSample() {
    int[][] shapes = {{20, 50, 50}, {3, 2, 4}};
    for (int[] s : shapes) {
      int b = s[0];
      int k = s[1];
      int d = s[2];
      Tensor mu = Tensor.wrap(RngKey.of(71).normals(b * d), b, d);
      Tensor logVar = Tensor.wrap(RngKey.of(72).normals(b * d), b, d).mul(2f);
      int[] rows = new int[b * k];
      for (int t = 0; t < rows.length; t++) {
        rows[t] = t / k;
      }
      Tensor eps = Tensor.wrap(RngKey.of(73).normals(b * k * d), b * k, d);
      Tensor wz = Tensor.wrap(RngKey.of(74).normals(b * k * d), b * k, d);
      Tensor wq = Tensor.wrap(RngKey.of(75).normals(b * k), b * k);
      for (int threads : new int[] {1, 2}) {
        Parallel.withThreads(threads, () -> {
          Tape two = new Tape();
          Var m2 = two.variable(mu);
          Var v2 = two.variable(logVar);
          DiagNormal.Sample expected = DiagNormal.ofLogVar(m2, v2).gather(rows).sampleAndLogProb(eps);
          two.backward(expected.value().mul(two.constant(wz)).sum().add(expected.logProb().mul(two.constant(wq))
              .sum()));
          Tape one = new Tape();
          Var m1 = one.variable(mu);
          Var v1 = one.variable(logVar);
          DiagNormal.Sample actual = DiagNormal.ofLogVar(m1, v1).sampleRowsAndLogProb(rows, eps);
          Var loss = actual.value().mul(one.constant(wz)).sum().add(actual.logProb().mul(one.constant(wq)).sum());
          one.backward(loss);
          String where = java.util.Arrays.toString(s) + " on " + threads + " threads";
          assertArrayEquals(expected.value().value().toArray(), actual.value().value().toArray(), 0f, where);
          assertArrayEquals(expected.logProb().value().toArray(), actual.logProb().value().toArray(), 0f, where);
          assertArrayEquals(two.grad(m2).toArray(), one.grad(m1).toArray(), 0f, where);
          assertArrayEquals(two.grad(v2).toArray(), one.grad(v1).toArray(), 0f, where);
          one.backward(loss);
          assertArrayEquals(two.grad(v2).toArray(), one.grad(v1).toArray(), 0f, where + ", second sweep");
          return null;
        });
      }
    }
    int[] rows = {1, 0, 1, 2, 2};
    Tensor eps = Tensor.wrap(RngKey.of(76).normals(5 * 4), 5, 4);
    GradCheck.Result r = GradCheck.check(v -> v[0].gatherAddExpMul(rows, v[1], eps), RngKey.of(77),
        Tensor.wrap(RngKey.of(78).normals(3 * 4), 3, 4), Tensor.wrap(RngKey.of(79).normals(5 * 4), 5, 4));
    assertTrue(r.passed(), r::toString);
    Tape tape = new Tape();
    Var m = tape.variable(Tensor.wrap(new float[3 * 4], 3, 4));
    Var ls = tape.variable(Tensor.wrap(new float[5 * 4], 5, 4));
    assertThrows(IllegalArgumentException.class, () -> m.gatherAddExpMul(new int[] {0, 1}, ls, eps));
    assertThrows(IllegalArgumentException.class,
        () -> m.gatherAddExpMul(rows, ls, Tensor.wrap(new float[5 * 3], 5, 3)));
    assertThrows(IndexOutOfBoundsException.class, () -> m.gatherAddExpMul(new int[] {0, 1, 3, 0, 0}, ls, eps));
  }
}
