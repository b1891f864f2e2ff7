package dev.marginal.train;

import dev.marginal.autodiff.Tape;
import dev.marginal.config.ParameterException;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.DiagnosticsSummary;
import dev.marginal.estimators.Estimate;
import dev.marginal.estimators.Iwae;
import dev.marginal.estimators.LogMarginalEstimator;
import dev.marginal.estimators.Sumo;
import dev.marginal.estimators.WeightDiagnostics;
import dev.marginal.math.MeanEstimate;
import dev.marginal.models.DeepLvm;
import dev.marginal.random.RngKey;
import dev.marginal.targets.HardRegion;
import dev.marginal.targets.SupportBijection;
import dev.marginal.targets.Target;
import dev.marginal.targets.UnconstrainedTarget;
import dev.marginal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How well a surrogate q matches a target p = p̃/Z, each with a standard error over the surrogate's samples.
 *
 * <ul>
 *   <li>{@code klIwae}, {@code klSumo}: reverse KL(q‖p) = E_q[log q(x) − log p̃(x)] + log Z with log q(x) estimated
 *       by IWAE_K (biased low, so the KL estimate is biased low) and by SUMO (unbiased). Without a known log Z the
 *       values are E_q[log q − log p̃] = KL − log Z.</li>
 *   <li>{@code crossEntropy}: E_q[−log p(x)], to compare with the target's entropy (equal iff q = p on average).</li>
 *   <li>{@code w1}: per coordinate, the 1-Wasserstein distance between the surrogate's and exact samples' marginals
 *       (mean absolute difference of sorted samples); only for targets with an exact sampler.</li>
 *   <li>{@code hardMass}: the surrogate's mass in the target's hard region (the funnels' neck), to compare with the
 *       target's.</li>
 *   <li>{@code checks}: log Z by importance sampling, forward checks on exact samples, modes covered and the
 *       fraction outside the support ({@link SamplerChecks}).</li>
 * </ul>
 *
 * <p>On a target with bounded {@link Target#support()} the surrogate is the LVM pushed onto the support
 * ({@link SupportBijection}); the KL values are computed on ℝ^dim against the pulled-back target
 * ({@link UnconstrainedTarget}), which gives the same KL, and the sample-based values on the support.
 *
 * <p>{@code iwaeDiagnostics}: the effective sample size and Pareto k̂ of the IWAE weights behind {@code klIwae}, per
 * surrogate sample, summarized; k̂ above 0.7 means those log q(x) estimates are not to be trusted.
 *
 * @param normalized whether log Z was known, so that the KL values are true KL estimates
 */
public record SurrogateMetrics(long step, double klIwae, double klIwaeSe, double klSumo, double klSumoSe,
    double crossEntropy, double crossEntropySe, double targetEntropy, double[] w1, double hardMass,
    double targetHardMass, boolean normalized, SamplerChecks checks, DiagnosticsSummary iwaeDiagnostics) {

  /** Copies {@code w1}, so that the record stays immutable. */
  public SurrogateMetrics {
    w1 = w1.clone();
  }

  /** The per-coordinate Wasserstein-1 distances to exact samples (a copy; empty without a target sampler). */
  @Override
  public double[] w1() {
    return w1.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SurrogateMetrics m && m.step == step && Double.compare(m.klIwae, klIwae) == 0
        && Double.compare(m.klIwaeSe, klIwaeSe) == 0 && Double.compare(m.klSumo, klSumo) == 0
        && Double.compare(m.klSumoSe, klSumoSe) == 0 && Double.compare(m.crossEntropy, crossEntropy) == 0
        && Double.compare(m.crossEntropySe, crossEntropySe) == 0
        && Double.compare(m.targetEntropy, targetEntropy) == 0 && Arrays.equals(m.w1, w1)
        && Double.compare(m.hardMass, hardMass) == 0 && Double.compare(m.targetHardMass, targetHardMass) == 0
        && m.normalized == normalized && Objects.equals(m.checks, checks)
        && Objects.equals(m.iwaeDiagnostics, iwaeDiagnostics);
  }

  @Override
  public int hashCode() {
    return Objects.hash(step, klIwae, klIwaeSe, klSumo, klSumoSe, crossEntropy, crossEntropySe, targetEntropy,
        Arrays.hashCode(w1), hardMass, targetHardMass, normalized, checks, iwaeDiagnostics);
  }

  @Override
  public String toString() {
    return "SurrogateMetrics[step=" + step + ", klIwae=" + klIwae + ", klIwaeSe=" + klIwaeSe + ", klSumo=" + klSumo
        + ", klSumoSe=" + klSumoSe + ", crossEntropy=" + crossEntropy + ", crossEntropySe=" + crossEntropySe
        + ", targetEntropy=" + targetEntropy + ", w1=" + Arrays.toString(w1) + ", hardMass=" + hardMass
        + ", targetHardMass=" + targetHardMass + ", normalized=" + normalized + ", checks=" + checks
        + ", iwaeDiagnostics=" + iwaeDiagnostics + "]";
  }

  /**
   * Settings of an evaluation, checked when made, so that a bad one fails before any training.
   *
   * @param klSamples surrogate samples for the KL estimates, at least 1
   * @param iwaeK IWAE's K in the KL estimate and the forward check, at least 1
   * @param sumoMinTerms SUMO's minimum number of terms m, at least 1
   * @param w1Samples surrogate (and exact) samples for the Wasserstein-1 distances, the hard region's mass and the
   *     modes covered, at least 1
   * @param logZSamples surrogate draws for the importance-sampling estimate of log Z, at least 2
   * @param forwardSamples exact samples for the forward checks (IWAE with {@code iwaeK} on each), at least 1
   */
  public record Settings(int klSamples, int iwaeK, int sumoMinTerms, int w1Samples, int logZSamples,
      int forwardSamples) {
    /**
     * Checks each setting's range.
     *
     * @throws ParameterException naming the first setting out of range
     */
    public Settings {
      ParameterException.atLeast("klSamples", klSamples, 1);
      ParameterException.atLeast("iwaeK", iwaeK, 1);
      ParameterException.atLeast("sumoMinTerms", sumoMinTerms, 1);
      ParameterException.atLeast("w1Samples", w1Samples, 1);
      ParameterException.atLeast("logZSamples", logZSamples, 2);
      ParameterException.atLeast("forwardSamples", forwardSamples, 1);
    }

    /** The default log Z draws and forward samples with the given KL and W1 settings. */
    public Settings(int klSamples, int iwaeK, int sumoMinTerms, int w1Samples) {
      this(klSamples, iwaeK, sumoMinTerms, w1Samples, DEFAULT_LOG_Z_SAMPLES, DEFAULT_FORWARD_SAMPLES);
    }

    /** IWAE with K = 5000 and SUMO (m = 4) on 1,000 surrogate samples; W1 on 20,000 samples. */
    public static Settings defaults() {
      return new Settings(1000, 5000, ReverseKlOptions.DEFAULT_MIN_TERMS, 20_000);
    }

    /** Small settings for smoke tests. */
    public static Settings quick() {
      return new Settings(200, 200, ReverseKlOptions.DEFAULT_MIN_TERMS, 2000, 2000, 100);
    }
  }

  /** Surrogate draws for the log Z estimate by default. */
  public static final int DEFAULT_LOG_Z_SAMPLES = 20_000;
  /** Exact samples for the forward checks by default. */
  public static final int DEFAULT_FORWARD_SAMPLES = 500;

  /** Whether the KL estimate is significantly negative, which on a normalized target proves estimator bias. */
  public boolean klNegative(double kl, double se) {
    return normalized && kl + 2 * se < 0;
  }

  /** Evaluates {@code surrogate} against {@code target}. */
  public static SurrogateMetrics evaluate(DeepLvm surrogate, Target target, long step, Settings s, RngKey key) {
    double logZ = target.logZ().orElse(0.0);
    SupportBijection onto = target.support().bijection();
    Target pulled = UnconstrainedTarget.of(target);
    Tensor y = surrogate.sample(key.foldIn(0), s.klSamples(), false);
    double[] logPy = toDouble(pulled.logDensity(y));
    double[] logP = pulled == target ? logPy : toDouble(target.logDensity(onto.forward(y)));
    List<WeightDiagnostics> weights = new ArrayList<>();
    double[] iwae = logQ(surrogate, y, Iwae.of(s.iwaeK()), key.foldIn(1), weights);
    double[] sumo = logQ(surrogate, y, Sumo.of(s.sumoMinTerms()), key.foldIn(2));
    double[] kl1 = new double[logP.length];
    double[] kl2 = new double[logP.length];
    double[] ce = new double[logP.length];
    for (int i = 0; i < logP.length; i++) {
      kl1[i] = iwae[i] - logPy[i] + logZ;
      kl2[i] = sumo[i] - logPy[i] + logZ;
      ce[i] = logZ - logP[i];
    }
    double[] w1 = new double[0];
    double hard = Double.NaN;
    Tensor big = Surrogates.sample(surrogate, target, key.foldIn(3), s.w1Samples());
    if (target.hasSampler()) {
      w1 = wasserstein1(big, target.sample(key.foldIn(4), s.w1Samples()));
    }
    double targetHard = Double.NaN;
    if (target.hardRegion().isPresent()) {
      HardRegion region = target.hardRegion().get();
      hard = region.fractionInside(big);
      targetHard = region.mass();
    }
    SamplerChecks checks = SamplerChecks.evaluate(surrogate, target, big, s.logZSamples(), s.forwardSamples(),
        s.iwaeK(), key.foldIn(5));
    return new SurrogateMetrics(step, mean(kl1), se(kl1), mean(kl2), se(kl2), mean(ce), se(ce),
        target.entropy().orElse(Double.NaN), w1, hard, targetHard, target.logZ().isPresent(), checks,
        DiagnosticsSummary.of(weights));
  }

  static double[] logQ(DeepLvm m, Tensor x, LogMarginalEstimator est, RngKey key) {
    return logQ(m, x, est, key, null);
  }

  /**
   * log q(x) per row; for IWAE with {@code diagnostics} given, also each row's weight diagnostics (same values).
   *
   * <p>Rows are keyed in chunks of about 2¹⁶ samples ({@code key.foldIn(start)} for the chunk from row start, then
   * the chunk's point keys), and each chunk goes through the model in passes of at most {@link #rowsPerPass} rows:
   * for a wide surrogate a chunk's samples at once (2¹⁶ rows of a 10,000-D surrogate's data, decoder output and
   * activations) would not fit an ordinary heap. A row's value depends only on its key and its own row, so the passes
   * give the values of one pass per chunk, bit for bit.
   */
  static double[] logQ(DeepLvm m, Tensor x, LogMarginalEstimator est, RngKey key,
      List<WeightDiagnostics> diagnostics) {
    int n = x.dim(0);
    int chunk = (int) Math.max(1, (1 << 16) / Math.ceil(est.expectedSamplesPerPoint()));
    int pass = Math.min(chunk, rowsPerPass(m.config(), est.expectedSamplesPerPoint()));
    double[] out = new double[n];
    for (int start = 0; start < n; start += chunk) {
      int b = Math.min(chunk, n - start);
      RngKey chunkKey = key.foldIn(start);
      for (int from = 0; from < b; from += pass) {
        int rows = Math.min(pass, b - from);
        int offset = from;
        Tensor xb = x.slice(0, start + from, start + from + rows);
        Tape tape = new Tape();
        DiagNormal q = m.posterior(tape, tape.constant(xb));
        if (diagnostics != null && est instanceof Iwae iwae) {
          // The keys of Iwae.estimateWithDiagnostics(m, chunk, q, chunkKey) for these rows of the chunk.
          RngKey repeatKey = chunkKey.foldIn(0);
          RngKey[] keys = new RngKey[rows];
          for (int i = 0; i < rows; i++) {
            keys[i] = repeatKey.foldIn(offset + i);
          }
          Iwae.Diagnosed d = iwae.estimateWithDiagnostics(m, xb, q, keys);
          System.arraycopy(d.values(), 0, out, start + from, rows);
          diagnostics.addAll(List.of(d.diagnostics()));
          continue;
        }
        // The keys of est.estimate(m, chunk, q, chunkKey, 1) for these rows of the chunk.
        Estimate e = est.estimate(m, xb, q, (r, i) -> chunkKey.foldIn(r).foldIn(offset + i), 1);
        System.arraycopy(e.mean(), 0, out, start + from, rows);
      }
    }
    return out;
  }

  /**
   * Rows of data that {@link #logQ} puts through the model in one pass, with {@code samplesPerRow} samples each:
   * at most {@value #PASS_VALUES} values of the samples' data rows, decoder output and activations
   * ({@link #valuesPerSample}), and at least one row (whose samples then all go at once).
   */
  public static int rowsPerPass(DeepLvm.Config c, double samplesPerRow) {
    double perRow = Math.ceil(samplesPerRow) * valuesPerSample(c);
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, PASS_VALUES / perRow));
  }

  /**
   * Values one importance sample of {@code c} holds in a pass: its data row, the latent's mean and log-variance, the
   * decoder's mean and log-variance and each hidden layer's pre-activation and activation.
   */
  public static long valuesPerSample(DeepLvm.Config c) {
    long sum = c.dataDim() + 2L * c.latentDim() + 2L * c.dataDim();
    for (int h : c.hidden()) {
      sum += 2L * h;
    }
    return sum;
  }

  /**
   * Most values ({@link #valuesPerSample} per sample) in one pass of {@link #logQ}: 2²⁴, 64 MiB of floats, a few
   * times that with the pass's temporaries. Chunks of 2¹⁶ samples of up to 256 values each go whole; a 10,000-D
   * surrogate's pass holds about 550 samples, or one row's K samples when K is larger.
   */
  public static final long PASS_VALUES = 1L << 24;

  /** Per-coordinate W1 between two equal-size samples: mean |a₍ᵢ₎ − b₍ᵢ₎| of the order statistics. */
  static double[] wasserstein1(Tensor a, Tensor b) {
    int n = Math.min(a.dim(0), b.dim(0));
    int d = a.dim(1);
    double[] w = new double[d];
    for (int j = 0; j < d; j++) {
      double[] x = column(a, j, n);
      double[] y = column(b, j, n);
      Arrays.sort(x);
      Arrays.sort(y);
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += Math.abs(x[i] - y[i]);
      }
      w[j] = s / n;
    }
    return w;
  }

  private static double[] column(Tensor t, int j, int n) {
    int d = t.dim(1);
    float[] v = t.buffer();
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = v[i * d + j];
    }
    return c;
  }

  private static double[] toDouble(Tensor t) {
    return t.toDoubleArray();
  }

  static double mean(double[] v) {
    return MeanEstimate.mean(v);
  }

  static double se(double[] v) {
    return MeanEstimate.standardError(v);
  }

  /**
   * As a JSON-ready map, the evaluations of {@code marginal target}'s metrics JSON: camelCase keys, NaN as null
   * (docs/json.md lists the keys beside the snake_case fields of {@code --json} and the metrics CSV).
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", step);
    m.put("klIwae", klIwae);
    m.put("klIwaeSe", klIwaeSe);
    m.put("klSumo", klSumo);
    m.put("klSumoSe", klSumoSe);
    m.put("crossEntropy", crossEntropy);
    m.put("crossEntropySe", crossEntropySe);
    m.put("targetEntropy", Double.isNaN(targetEntropy) ? null : targetEntropy);
    m.put("w1", w1);
    m.put("hardMass", Double.isNaN(hardMass) ? null : hardMass);
    m.put("targetHardMass", Double.isNaN(targetHardMass) ? null : targetHardMass);
    m.put("normalized", normalized);
    m.putAll(checks.toMap());
    m.put("iwaeEssMean", iwaeDiagnostics.meanEss());
    m.put("iwaeParetoKMax", Double.isNaN(iwaeDiagnostics.maxK()) ? null : iwaeDiagnostics.maxK());
    m.put("iwaeRowsParetoKAbove07", iwaeDiagnostics.rowsAboveThreshold());
    return m;
  }
}
