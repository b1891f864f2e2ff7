package dev.marginal.estimators;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;

/**
 * A stochastic estimator of log p(x) per data point, built from importance samples of a proposal q(z|x).
 *
 * <p>The proposal is a {@link DiagNormal} with one row per data point: the caller computes it with an amortized
 * encoder or takes free per-point parameters, so the same estimators serve both. The returned {@link Var} is
 * differentiable: backpropagating its mean gives the reparameterized gradient of the estimator.
 *
 * <p>Randomness: point i uses {@code pointKeys[i]}; {@link #logMarginal(LatentVariableModel, Var, DiagNormal,
 * RngKey)} derives them as {@code key.foldIn(i)}, and repeat r of {@link #estimate} uses {@code key.foldIn(r)}.
 */
public interface LogMarginalEstimator {
  /** Rows of the model pass per chunk when {@link #estimate} vectorizes repeats. */
  int ROWS_PER_CHUNK = 1 << 18;

  /**
   * The per-point estimate with explicit per-point keys.
   *
   * @param x observations, shape {@code [B, D]}
   * @param q proposal, shape {@code [B, d]}, on the same tape as {@code x}
   * @param pointKeys one key per point
   * @return shape {@code [B]}
   */
  Var logMarginal(LatentVariableModel model, Var x, DiagNormal q, RngKey[] pointKeys);

  /** The expected number of model evaluations per point (used to size batches). */
  double expectedSamplesPerPoint();

  /** The per-point estimate with point keys {@code key.foldIn(i)}; shape {@code [B]}. */
  default Var logMarginal(LatentVariableModel model, Var x, DiagNormal q, RngKey key) {
    return logMarginal(model, x, q, ImportanceSamples.pointKeys(key, x.value().dim(0)));
  }

  /**
   * Mean and standard error over {@code repeats} independent draws, without gradients: {@link Estimate#fromDraws}
   * of {@link #draws}.
   *
   * @param x shape {@code [B, D]}
   * @param q proposal, shape {@code [B, d]} (its values are copied)
   * @param repeats R ≥ 1
   */
  default Estimate estimate(LatentVariableModel model, Tensor x, DiagNormal q, RngKey key, int repeats) {
    return Estimate.fromDraws(draws(model, x, q, key, repeats));
  }

  /**
   * {@code repeats} independent draws per point, without gradients: {@code draws[r][i]} equals point i of
   * {@code logMarginal(model, x, q, key.foldIn(r))}. Repeats are stacked and evaluated as a few large batches on
   * fresh tapes {@link Tape#forEvaluation() for evaluation}.
   *
   * @param x shape {@code [B, D]}
   * @param q proposal, shape {@code [B, d]} (its values are copied)
   * @param repeats R ≥ 1
   * @return shape {@code [R][B]}
   */
  default double[][] draws(LatentVariableModel model, Tensor x, DiagNormal q, RngKey key, int repeats) {
    return draws(model, x, q, (r, i) -> key.foldIn(r).foldIn(i), repeats);
  }

  /** The key of repeat {@code r} of point {@code i} of a batch. */
  @FunctionalInterface
  interface PointKeys {
    /** The key for repeat {@code repeat} of point {@code point}. */
    RngKey key(int repeat, int point);
  }

  /**
   * {@link #estimate(LatentVariableModel, Tensor, DiagNormal, RngKey, int)} with every point's key given: repeat r
   * of point i equals {@code logMarginal} with key {@code pointKeys.key(r, i)}, whatever the other points are.
   */
  default Estimate estimate(LatentVariableModel model, Tensor x, DiagNormal q, PointKeys pointKeys, int repeats) {
    return Estimate.fromDraws(draws(model, x, q, pointKeys, repeats));
  }

  /**
   * {@link #draws(LatentVariableModel, Tensor, DiagNormal, RngKey, int)} with every point's key given:
   * {@code draws[r][i]} equals point i of {@code logMarginal} with key {@code pointKeys.key(r, i)}.
   *
   * @return shape {@code [R][B]}
   * @throws IllegalArgumentException naming the shapes when {@code q} has not one row per point of {@code x}
   */
  default double[][] draws(LatentVariableModel model, Tensor x, DiagNormal q, PointKeys pointKeys, int repeats) {
    if (repeats < 1) {
      throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
    }
    ImportanceSamples.checkRows(x, q);
    int b = x.dim(0);
    int perChunk = (int) Math.max(1, Math.min(repeats, ROWS_PER_CHUNK / (b * expectedSamplesPerPoint())));
    double[][] values = new double[repeats][];
    for (int r0 = 0; r0 < repeats; r0 += perChunk) {
      int n = Math.min(perChunk, repeats - r0);
      int[] rows = new int[n * b];
      RngKey[] keys = new RngKey[n * b];
      for (int r = 0; r < n; r++) {
        for (int i = 0; i < b; i++) {
          rows[r * b + i] = i;
          keys[r * b + i] = pointKeys.key(r0 + r, i);
        }
      }
      Tape tape = Tape.forEvaluation();
      Var xs = tape.constant(x.gather(rows));
      float[] v = logMarginal(model, xs, q.constantOn(tape).gather(rows), keys).value().buffer();
      for (int r = 0; r < n; r++) {
        values[r0 + r] = new double[b];
        for (int i = 0; i < b; i++) {
          values[r0 + r][i] = v[r * b + i];
        }
      }
    }
    return values;
  }
}
