package dev.marginal.train;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.WeightDiagnostics;
import dev.marginal.models.DeepLvm;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import dev.marginal.targets.UnconstrainedTarget;
import dev.marginal.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * An importance-sampling estimate of the target's normalizing constant Z = ∫ p̃(x) dx with a surrogate LVM as the
 * proposal. Draw (z, x) from the surrogate's joint p(z) q(x|z) and weight
 *
 * <pre>
 *   w = p̃(x) · r(z|x) / (p(z) · q(x|z))
 * </pre>
 *
 * with r the surrogate's encoder. For any r, E[w] = ∫∫ p̃(x) r(z|x) dz dx = Z, so the mean weight Ẑ is unbiased
 * for Z (log Ẑ is biased low by about Var(w)/(2nZ²), Jensen). On a bounded support the surrogate's x = T(y) and
 * the weight is computed on ℝ^dim against the pulled-back target ({@link UnconstrainedTarget}), which has the same Z.
 *
 * <p>Reported: log Ẑ; its standard error by the delta method, se(log Ẑ) = sd(w) / (√n · w̄), which is only as good
 * as the weights' variance is finite; the effective sample size (Σw)² / Σw² (Kong 1992), whose fraction of n is a
 * quick check: a small ESS means a few weights dominate and the error bar is not to be trusted; and the PSIS Pareto
 * k̂ of the weights' upper tail ({@link WeightDiagnostics}, Vehtari et al. 2024): above 0.7 the variance of w is
 * likely infinite and neither Ẑ nor its error bar can be trusted. The log weights are kept
 * ({@link #logWeights()}). Immutable: the log weights are copied in and out, and equality compares them.
 *
 * <p>References: Burda et al. (2016) §3 (the same weights in IWAE); Vehtari et al. (2024), Pareto smoothed
 * importance sampling, JMLR.
 *
 * @param logZ log Ẑ = log mean w
 * @param logZSe the delta-method standard error of log Ẑ
 * @param ess the effective sample size (Σw)² / Σw², in [1, n]
 * @param paretoK the Pareto k̂ of the weights' upper tail (NaN when it cannot be fitted)
 * @param logWeights log w for each draw, length n
 */
public record LogZEstimate(double logZ, double logZSe, double ess, double paretoK, double[] logWeights) {
  /** Copies the log weights. */
  public LogZEstimate {
    logWeights = logWeights.clone();
  }

  /** log w for each draw, a copy. */
  @Override
  public double[] logWeights() {
    return logWeights.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogZEstimate e && Double.compare(e.logZ, logZ) == 0 && Double.compare(e.logZSe, logZSe) == 0
        && Double.compare(e.ess, ess) == 0 && Double.compare(e.paretoK, paretoK) == 0
        && Arrays.equals(e.logWeights, logWeights);
  }

  @Override
  public int hashCode() {
    return Objects.hash(logZ, logZSe, ess, paretoK, Arrays.hashCode(logWeights));
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "LogZEstimate[logZ=%s, logZSe=%s, ess=%s, paretoK=%s, %d draws]", logZ, logZSe,
        ess, paretoK, logWeights.length);
  }

  /** Draws per evaluation chunk, to bound memory. */
  static final int CHUNK = 4096;

  /** The number of draws. */
  public int size() {
    return logWeights.length;
  }

  /**
   * Estimates log Z of {@code target} from {@code n} draws of {@code surrogate}.
   *
   * @param n draws, at least 2
   */
  public static LogZEstimate of(DeepLvm surrogate, Target target, int n, RngKey key) {
    if (n < 2) {
      throw new IllegalArgumentException("log Z estimation needs at least 2 draws, got " + n);
    }
    Target pulled = UnconstrainedTarget.of(target);
    double[] logW = new double[n];
    for (int start = 0; start < n; start += CHUNK) {
      int b = Math.min(CHUNK, n - start);
      float[] chunk = logWeights(surrogate, pulled, b, key.foldIn(start));
      for (int i = 0; i < b; i++) {
        logW[start + i] = chunk[i];
      }
    }
    return fromLogWeights(logW);
  }

  /** log Ẑ, its delta-method standard error and the ESS from log weights (max-shifted, so no overflow). */
  public static LogZEstimate fromLogWeights(double[] logW) {
    int n = logW.length;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logW) {
      max = Math.max(max, v);
    }
    if (!Double.isFinite(max)) {
      return new LogZEstimate(max, Double.NaN, Double.NaN, Double.NaN, logW);
    }
    double sum = 0;
    double sumSq = 0;
    for (double v : logW) {
      double w = StrictMath.exp(v - max);
      sum += w;
      sumSq += w * w;
    }
    double mean = sum / n;
    double var = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
    double se = Math.sqrt(var / n) / mean;
    double k = WeightDiagnostics.of(logW).paretoK();
    return new LogZEstimate(max + StrictMath.log(mean), se, sum * sum / sumSq, k, logW);
  }

  /** log w for {@code n} draws (z, y) of the surrogate's joint against a target on ℝ^dim. */
  private static float[] logWeights(DeepLvm surrogate, Target target, int n, RngKey key) {
    int dim = surrogate.dataDim();
    Tape tape = Tape.forEvaluation();
    Var z = tape.constant(surrogate.samplePrior(key.foldIn(0), n));
    Var out = surrogate.decoder().apply(tape, z);
    DiagNormal q = DiagNormal.ofLogVar(out.slice(-1, 0, dim), DeepLvm.boundLogVar(out.slice(-1, dim, 2 * dim)));
    DiagNormal.Sample x = q.sampleAndLogProb(Tensor.wrap(key.foldIn(1).normals(n * dim), n, dim));
    Var y = tape.constant(x.value().value());
    Var logR = surrogate.posterior(tape, y).logProb(z);
    return target.logDensity(y).add(logR).sub(surrogate.logPrior(z)).sub(x.logProb()).value().buffer();
  }
}
