package dev.marginal.estimators;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.math.LogSpace;
import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;

/**
 * The draw of {@link ImportanceSamples} when nothing needs a gradient (scoring on a {@link Tape#forEvaluation()}):
 * the noise, the samples {@code z = μ + σ ⊙ ε} and {@code log q(z|x)} are computed a block of {@value #ROWS} rows
 * at a time on the kernel threads, reading each point's row of q in place instead of gathering {@code [T, d]}
 * copies of μ and log σ. With K = 5000 samples of one image this part would otherwise run on one thread while the
 * decoder runs on all of them.
 *
 * <p>Every value is the same sequence of operations as the taped draw ({@code σ = exp(log σ)} by the same kernel,
 * {@code z = μ + σ·ε}, {@code log q = −Σ log σ + (−½ Σ ε² − ½ d log 2π)} with the sums in the same order), and each
 * row's noise is the same slice of its point's stream, so the results are bit-identical to the taped path for any
 * thread count.
 */
final class EvaluationSamples {
  /** Sample rows per block of parallel work. */
  static final int ROWS = 256;

  private EvaluationSamples() {}

  /** Whether the draw can take this path: an evaluation tape and no input that needs a gradient. */
  static boolean applies(Var x, DiagNormal q) {
    return !x.tape().watchesParameters() && !x.requiresGrad() && !q.loc().requiresGrad()
        && !q.logScale().requiresGrad() && q.loc().tape() == x.tape() && q.logScale().tape() == x.tape();
  }

  /** As {@link ImportanceSamples#draw}, for inputs that {@link #applies}. */
  static ImportanceSamples draw(LatentVariableModel model, Var x, DiagNormal q, int[] rows, int[] counts,
      RngKey[] pointKeys) {
    Tape tape = x.tape();
    int d = q.dim();
    int total = rows.length;
    float[] loc = q.loc().value().buffer();
    float[] scale = q.logScale().value().exp().buffer();
    float[] logScaleSums = q.logScale().value().sum(-1, false).buffer();
    int[] start = new int[counts.length];
    RngKey[] noiseKeys = new RngKey[counts.length];
    for (int i = 0, at = 0; i < counts.length; at += counts[i], i++) {
      start[i] = at;
      noiseKeys[i] = pointKeys[i].foldIn(ImportanceSamples.NOISE_STREAM);
    }
    // Sizes and offsets in long: T·d passes 2³¹ long before T does (K = 5·10⁷ with d = 50). The draw refused
    // sizes beyond one array (ImportanceSamples.checkSize), so these conversions cannot fail.
    float[] z = new float[Math.toIntExact((long) total * d)];
    float[] logQ = new float[total];
    int blocks = (total + ROWS - 1) / ROWS;
    Parallel.forEach(blocks, blocks > 1, blk -> {
      int t0 = blk * ROWS;
      int t1 = Math.min(total, t0 + ROWS);
      float[] eps = new float[(t1 - t0) * d];
      for (int t = t0; t < t1; ) {
        // A run of rows of one point is one slice of its stream: drawn in one call.
        int i = rows[t];
        int end = t + 1;
        while (end < t1 && rows[end] == i) {
          end++;
        }
        Samplers.normals(noiseKeys[i], (long) (t - start[i]) * d, eps, 0, (end - t) * d);
        for (int u = t; u < end; u++) {
          logQ[u] = row(loc, scale, Math.toIntExact((long) i * d), eps, (u - t) * d, d, z,
              Math.toIntExact((long) u * d), logScaleSums[i]);
        }
        t = end;
      }
    });
    Var zv = tape.constant(Tensor.wrap(z, total, d));
    Var lq = tape.constant(Tensor.wrap(logQ, total));
    Var logLik = model.logLikelihood(x, rows, zv);
    Var logPrior = model.logPrior(zv);
    return new ImportanceSamples(zv, logLik, logPrior, lq, logLik.add(logPrior).sub(lq));
  }

  /** One sample row: writes z and returns log q, exactly as {@code DiagNormal.sampleAndLogProb} computes them. */
  private static float row(float[] loc, float[] scale, int q0, float[] eps, int e0, int d, float[] z, int z0,
      float logScaleSum) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      float e = eps[e0 + j];
      z[z0 + j] = loc[q0 + j] + scale[q0 + j] * e;
      s += (double) e * e;
    }
    float quad = (float) (-0.5 * s - d * 0.5 * LogSpace.LOG_2PI);
    return -logScaleSum + quad;
  }
}
