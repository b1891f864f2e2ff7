package dev.marginal.estimators;

import dev.marginal.autodiff.Var;
import dev.marginal.config.ParameterException;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import dev.marginal.tensor.BufferPool;
import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Shape;
import dev.marginal.tensor.Tensor;

/**
 * Importance samples z ~ q(z|x) for a batch of data points, drawn as one matrix and pushed through the model in one
 * pass: {@code log w = log p(x|z) + log p(z) − log q(z|x)}.
 *
 * <p>Point i gets {@code counts[i]} consecutive rows (point-major order), built by gathering row i of x and of q
 * with a repeat index. Its noise comes from its own key ({@code pointKeys[i].foldIn(NOISE_STREAM)}), so a point's
 * samples depend only on its key, never on which other points share the batch. When nothing needs a gradient the
 * draw runs in blocks on the kernel threads without the gathered copies ({@link EvaluationSamples}), with the same
 * values bit for bit.
 *
 * @param z the samples, shape {@code [T, d]} with T = Σ counts
 * @param logLikelihood log p(x|z), shape {@code [T]}
 * @param logPrior log p(z), shape {@code [T]}
 * @param logQ log q(z|x), shape {@code [T]}
 * @param logWeights log w, shape {@code [T]}
 */
public record ImportanceSamples(Var z, Var logLikelihood, Var logPrior, Var logQ, Var logWeights) {
  /** The stream of a point key that supplies its Gaussian noise. */
  public static final long NOISE_STREAM = 0;
  /**
   * Fewest noise values drawn per parallel group: Box–Muller takes about 6 ns a value ({@code Kernels.boxMuller}),
   * so a group of this size (about 6 µs) still outweighs handing it to another thread. IWAE K = 50 with batch 20
   * draws 50,000.
   */
  static final int NOISE_CHUNK = 1024;
  /** The stream of a point key that supplies its other random choices (for example SUMO's number of terms). */
  public static final long CHOICE_STREAM = 1;
  /** Most values one Java array holds ({@link Shape#MAX_ARRAY_LENGTH}). */
  public static final long MAX_ARRAY_LENGTH = Shape.MAX_ARRAY_LENGTH;

  /**
   * Draws {@code counts[i]} samples for each point and evaluates the model on all of them at once.
   *
   * @param x shape {@code [B, D]}
   * @param q the proposal, one row per point, shape {@code [B, d]}
   * @param counts samples per point, each ≥ 1
   * @param pointKeys one key per point
   * @throws ParameterException (numSamples) when the samples' latents {@code [T, d]}, data rows {@code [T, D]} or
   *     rows of the model's widest layer ({@link LatentVariableModel#widestLayer()}) would exceed
   *     {@link #MAX_ARRAY_LENGTH} values
   * @throws IllegalArgumentException naming the shapes when {@code q} has not one row per point of {@code x}, or
   *     another latent dimension than the model
   */
  public static ImportanceSamples draw(LatentVariableModel model, Var x, DiagNormal q, int[] counts,
      RngKey[] pointKeys) {
    return draw(model, x, q, counts, pointKeys, false);
  }

  /**
   * As {@link #draw(LatentVariableModel, Var, DiagNormal, int[], RngKey[])}; with {@code stopQ} the density
   * log q(z|x) is evaluated with q's parameters held constant (gradients still flow through z). That is the
   * "sticking the landing" estimator (Roeder et al. 2017) and the inner term of DReG (Tucker et al. 2018).
   */
  public static ImportanceSamples draw(LatentVariableModel model, Var x, DiagNormal q, int[] counts,
      RngKey[] pointKeys, boolean stopQ) {
    checkBatch(x, q, counts, pointKeys);
    checkSize(counts, q.dim(), x.value().dim(1), model.widestLayer());
    if (q.dim() != model.latentDim()) {
      throw new IllegalArgumentException("q has latent dimension " + q.dim() + ", the model " + model.latentDim());
    }
    int[] rows = repeatIndex(counts);
    if (EvaluationSamples.applies(x, q)) {
      return EvaluationSamples.draw(model, x, q, rows, counts, pointKeys);
    }
    Tensor eps = noise(pointKeys, counts, q.dim());
    Var z;
    Var logQ;
    if (stopQ) {
      DiagNormal qRows = q.gather(rows);
      z = qRows.transform(eps);
      logQ = qRows.stopGradient().logProb(z);
    } else {
      DiagNormal.Sample s = q.sampleRowsAndLogProb(rows, eps);
      z = s.value();
      logQ = s.logProb();
    }
    Var logLik = model.logLikelihood(x, rows, z);
    Var logPrior = model.logPrior(z);
    return new ImportanceSamples(z, logLik, logPrior, logQ, logLik.add(logPrior).sub(logQ));
  }

  /** Evaluates the model at given latents: {@code x} and {@code z} row-aligned, {@code logQ} shape {@code [T]}. */
  public static ImportanceSamples evaluate(LatentVariableModel model, Var xRows, Var z, Var logQ) {
    Var logLik = model.logLikelihood(xRows, z);
    Var logPrior = model.logPrior(z);
    return new ImportanceSamples(z, logLik, logPrior, logQ, logLik.add(logPrior).sub(logQ));
  }

  /**
   * Checks that {@code x} is {@code [B, D]} and {@code q} {@code [B, d]}, one proposal row per point.
   *
   * @throws IllegalArgumentException naming both shapes
   */
  static void checkRows(Tensor x, DiagNormal q) {
    if (x.rank() != 2 || q.shape().length != 2 || q.shape()[0] != x.dim(0)) {
      throw new IllegalArgumentException("x must be [B, D] and q [B, d] with the same B; got x "
          + java.util.Arrays.toString(x.shape()) + ", q " + java.util.Arrays.toString(q.shape()));
    }
  }

  /**
   * Refuses {@code counts} whose samples would not fit one array each: {@code Σ counts} rows of {@code latentDim}
   * latent values and of {@code dataDim} data values (the decoder's output). Sizes are computed in {@code long}.
   *
   * @throws ParameterException (numSamples) naming the sizes
   */
  public static void checkSize(int[] counts, int latentDim, int dataDim) {
    checkSize(counts, latentDim, dataDim, latentDim);
  }

  /**
   * As {@link #checkSize(int[], int, int)}, also counting rows of {@code widestLayer} values: the widest array a
   * sample passes through (a hidden layer of the decoder, {@link LatentVariableModel#widestLayer()}).
   *
   * @throws ParameterException (numSamples) naming the sizes
   */
  public static void checkSize(int[] counts, int latentDim, int dataDim, int widestLayer) {
    long total = totalSamples(counts);
    long width = Math.max(1, Math.max(Math.max(latentDim, dataDim), widestLayer));
    if (total > MAX_ARRAY_LENGTH / width) {
      String layer = widestLayer > Math.max(latentDim, dataDim) ? ", widest layer " + widestLayer : "";
      throw ParameterException.of("numSamples", "too large: " + total + " samples in all for " + counts.length
          + " point(s), each of " + width + " values (latent " + latentDim + ", data " + dataDim + layer
          + "), would need arrays of more than the " + MAX_ARRAY_LENGTH + " values one array holds; use fewer "
          + "samples or points");
    }
  }

  /** {@code Σ counts}, in {@code long}. */
  private static long totalSamples(int[] counts) {
    long total = 0;
    for (int c : counts) {
      if (c < 1) {
        throw new IllegalArgumentException("every point needs at least one sample, got " + c);
      }
      total += c;
    }
    return total;
  }

  /** The row index that repeats point i {@code counts[i]} times, point-major. */
  public static int[] repeatIndex(int[] counts) {
    long total = totalSamples(counts);
    if (total > MAX_ARRAY_LENGTH) {
      throw ParameterException.of("numSamples", "too large: " + total + " samples in all for " + counts.length
          + " point(s), more than the " + MAX_ARRAY_LENGTH + " one array holds");
    }
    int[] rows = new int[(int) total];
    int at = 0;
    for (int i = 0; i < counts.length; i++) {
      for (int k = 0; k < counts[i]; k++) {
        rows[at++] = i;
      }
    }
    return rows;
  }

  /**
   * Standard-normal noise {@code [Σ counts, d]}: point i's rows from {@code pointKeys[i].foldIn(NOISE_STREAM)}.
   * Groups of points of at least {@value #NOISE_CHUNK} values each are drawn in parallel; every point's values come
   * from its own key, so the grouping changes no bit.
   */
  public static Tensor noise(RngKey[] pointKeys, int[] counts, int d) {
    int n = counts.length;
    int[] starts = new int[n + 1];
    int rows = 0;
    for (int i = 0; i < n; i++) {
      rows += counts[i];
      starts[i + 1] = Math.addExact(starts[i], Math.multiplyExact(counts[i], d));
    }
    int total = starts[n];
    float[] out = BufferPool.uninitialized(total);
    int chunks = Math.max(1, Math.min(n, total / NOISE_CHUNK));
    Parallel.forEach(chunks, chunks > 1, c -> {
      for (int i = (int) ((long) n * c / chunks), end = (int) ((long) n * (c + 1) / chunks); i < end; i++) {
        Samplers.normals(pointKeys[i].foldIn(NOISE_STREAM), out, starts[i], counts[i] * d);
      }
    });
    return Tensor.wrap(out, rows, d);
  }

  /** {@code key.foldIn(i)} for each point i of a batch of {@code n}. */
  public static RngKey[] pointKeys(RngKey key, int n) {
    RngKey[] keys = new RngKey[n];
    for (int i = 0; i < n; i++) {
      keys[i] = key.foldIn(i);
    }
    return keys;
  }

  /** {@code n} copies of {@code k}. */
  public static int[] constant(int n, int k) {
    int[] c = new int[n];
    java.util.Arrays.fill(c, k);
    return c;
  }

  private static void checkBatch(Var x, DiagNormal q, int[] counts, RngKey[] pointKeys) {
    checkRows(x.value(), q);
    int b = x.value().dim(0);
    if (counts.length != b || pointKeys.length != b) {
      throw new IllegalArgumentException("need one count and one key per point: " + b + " points, "
          + counts.length + " counts, " + pointKeys.length + " keys");
    }
  }
}
