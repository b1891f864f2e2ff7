package dev.marginal.targets;

import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;

/**
 * Exact samples of a two-dimensional density restricted to a square, by rejection from a piecewise-constant
 * envelope on a grid of cells (for the energies that have no closed-form sampler: U1–U4, two moons).
 *
 * <p>Each cell's bound is the largest of log p̃ at its four corners and its centre, raised by the spread of those
 * five values (their max minus min). For a smooth density whose log varies within a cell by about its gradient
 * times the cell width, this exceeds the true maximum over the cell: the corners and centre miss the maximum by at
 * most the curvature term h²·|∇² log p̃|/8, which on a 400 × 400 grid of [−4, 4]² is below 10⁻³ nats for these
 * energies, while the margin is of the order of the gradient term. A draw is proposed by picking a cell with
 * probability ∝ area × bound, a uniform point in it, and accepting with probability p̃(x) / bound; draws are exact
 * for p̃ restricted to the square whenever the envelope holds, and {@link #violations()} counts candidates where it
 * did not (tests require none).
 */
final class GridSampler {
  /** Cells per side. */
  static final int CELLS = 400;
  /** Candidates proposed per batch. */
  private static final int BATCH = 4096;

  private final Target target;
  private final double lo;
  private final double h;
  private final double[] logBound;
  private final double[] cumulative;
  private long violations;

  /** Builds the envelope of {@code target} on [lo, hi]² (both coordinates). */
  GridSampler(Target target, double lo, double hi) {
    this.target = target;
    this.lo = lo;
    this.h = (hi - lo) / CELLS;
    int c1 = CELLS + 1;
    float[] corners = new float[2 * c1 * c1];
    for (int i = 0; i < c1; i++) {
      for (int j = 0; j < c1; j++) {
        corners[2 * (i * c1 + j)] = (float) (lo + i * h);
        corners[2 * (i * c1 + j) + 1] = (float) (lo + j * h);
      }
    }
    float[] centres = new float[2 * CELLS * CELLS];
    for (int i = 0; i < CELLS; i++) {
      for (int j = 0; j < CELLS; j++) {
        centres[2 * (i * CELLS + j)] = (float) (lo + (i + 0.5) * h);
        centres[2 * (i * CELLS + j) + 1] = (float) (lo + (j + 0.5) * h);
      }
    }
    float[] atCorner = target.logDensity(Tensor.wrap(corners, c1 * c1, 2)).buffer();
    float[] atCentre = target.logDensity(Tensor.wrap(centres, CELLS * CELLS, 2)).buffer();
    logBound = new double[CELLS * CELLS];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < CELLS; i++) {
      for (int j = 0; j < CELLS; j++) {
        double[] v = {atCorner[i * c1 + j], atCorner[i * c1 + j + 1], atCorner[(i + 1) * c1 + j],
            atCorner[(i + 1) * c1 + j + 1], atCentre[i * CELLS + j]};
        double hi5 = Double.NEGATIVE_INFINITY;
        double lo5 = Double.POSITIVE_INFINITY;
        for (double x : v) {
          hi5 = Math.max(hi5, x);
          lo5 = Math.min(lo5, x);
        }
        logBound[i * CELLS + j] = hi5 + (hi5 - lo5);
        max = Math.max(max, logBound[i * CELLS + j]);
      }
    }
    cumulative = new double[CELLS * CELLS];
    double total = 0;
    for (int c = 0; c < cumulative.length; c++) {
      total += StrictMath.exp(logBound[c] - max);
      cumulative[c] = total;
    }
    for (int c = 0; c < cumulative.length; c++) {
      cumulative[c] /= total;
    }
  }

  /** Candidates so far whose density exceeded their cell's bound. */
  synchronized long violations() {
    return violations;
  }

  /** {@code n} exact draws, {@code [n, 2]}; batch b of candidates uses {@code key.foldIn(b)}. */
  Tensor sample(RngKey key, int n) {
    float[] out = new float[2 * n];
    int have = 0;
    long bad = 0;
    for (long b = 0; have < n; b++) {
      RngKey k = key.foldIn(b);
      double[] u = new double[3 * BATCH];
      dev.marginal.random.Samplers.uniforms(k, u, 0, u.length);
      float[] cand = new float[2 * BATCH];
      int[] cell = new int[BATCH];
      for (int i = 0; i < BATCH; i++) {
        int c = cell(u[3 * i]);
        cell[i] = c;
        cand[2 * i] = (float) (lo + (c / CELLS + u[3 * i + 1]) * h);
        cand[2 * i + 1] = (float) (lo + (c % CELLS + u[3 * i + 2]) * h);
      }
      float[] logP = target.logDensity(Tensor.wrap(cand, BATCH, 2)).buffer();
      float[] accept = k.foldIn(-1).uniforms(BATCH);
      for (int i = 0; i < BATCH && have < n; i++) {
        double excess = logP[i] - logBound[cell[i]];
        bad += excess > 0 ? 1 : 0;
        if (StrictMath.log(accept[i]) < excess) {
          out[2 * have] = cand[2 * i];
          out[2 * have + 1] = cand[2 * i + 1];
          have++;
        }
      }
    }
    synchronized (this) {
      violations += bad;
    }
    return Tensor.wrap(out, n, 2);
  }

  private int cell(double u) {
    int a = 0;
    int b = cumulative.length - 1;
    while (a < b) {
      int mid = (a + b) >>> 1;
      if (cumulative[mid] > u) {
        b = mid;
      } else {
        a = mid + 1;
      }
    }
    return a;
  }
}
