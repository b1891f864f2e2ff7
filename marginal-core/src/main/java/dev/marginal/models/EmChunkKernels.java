package dev.marginal.models;

import dev.marginal.distributions.CovarianceType;
import dev.marginal.distributions.GaussianMixture;
import java.io.Serializable;

/**
 * EM's work on one chunk: the E-step fused with the zeroth and first moments, moments of hard assignments, and the
 * weighted scatter about new means. Responsibilities are memoized on the chunk under the tag of the pass that made
 * them, and recomputed from their {@link Source} when the memo is gone.
 */
final class EmChunkKernels {
  /** The memo slot of the responsibilities {@code [rows, k]}. */
  static final String RESP = "em.resp";

  private EmChunkKernels() {}

  /** Per-chunk zeroth and first moments and the chunk's log-likelihood (0 for hard assignments). */
  record Moments(double[] mass, double[] sums, double logLik) implements Serializable {}

  /** Where a chunk's responsibilities come from: a mixture's posterior, or the nearest of some centres. */
  record Source(long tag, GaussianMixture mixture, double[] centres, int k) implements Serializable {
    static Source posterior(GaussianMixture m) {
      return new Source(MemoTags.next(), m, null, m.components());
    }

    static Source nearest(double[] centres, int k) {
      return new Source(MemoTags.next(), null, centres, k);
    }

    /** The chunk's responsibilities, memoized. */
    double[] responsibilities(RowChunk chunk) {
      return chunk.memo(RESP, tag, () -> mixture != null ? expect(chunk, mixture).resp
          : oneHot(KMeans.labels(chunk, centres, k), k));
    }
  }

  /** The E-step's output on a chunk. */
  private record Expectation(Moments moments, double[] resp) {}

  /** E-step on {@code chunk} under {@code source}'s mixture, memoizing the responsibilities. */
  static Moments expect(RowChunk chunk, Source source) {
    Expectation e = expect(chunk, source.mixture());
    chunk.remember(RESP, source.tag(), e.resp);
    return e.moments;
  }

  private static Expectation expect(RowChunk chunk, GaussianMixture m) {
    int k = m.components();
    int d = chunk.dim();
    double[] x = chunk.values();
    double[] resp = new double[chunk.rows() * k];
    double[] lj = new double[k];
    double[] ms = new double[k];
    double[] sm = new double[k * d];
    double ll = 0;
    for (int i = 0; i < chunk.rows(); i++) {
      m.logJoint(x, i * d, lj);
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        max = Math.max(max, lj[c]);
      }
      double s = 0;
      for (int c = 0; c < k; c++) {
        lj[c] = StrictMath.exp(lj[c] - max);
        s += lj[c];
      }
      ll += max + StrictMath.log(s);
      double inv = 1 / s;
      for (int c = 0; c < k; c++) {
        double r = lj[c] * inv;
        resp[i * k + c] = r;
        ms[c] += r;
        int base = c * d;
        for (int j = 0; j < d; j++) {
          sm[base + j] += r * x[i * d + j];
        }
      }
    }
    return new Expectation(new Moments(ms, sm, ll), resp);
  }

  /** Zeroth and first moments of {@code source}'s responsibilities on a chunk. */
  static Moments moments(RowChunk chunk, Source source) {
    double[] resp = source.responsibilities(chunk);
    int k = source.k();
    int d = chunk.dim();
    double[] x = chunk.values();
    double[] ms = new double[k];
    double[] sm = new double[k * d];
    for (int i = 0; i < chunk.rows(); i++) {
      for (int c = 0; c < k; c++) {
        double r = resp[i * k + c];
        ms[c] += r;
        for (int j = 0; j < d; j++) {
          sm[c * d + j] += r * x[i * d + j];
        }
      }
    }
    return new Moments(ms, sm, 0);
  }

  /** Weighted scatter about {@code means} ({@code [k·d]}): upper triangles for FULL, diagonals otherwise. */
  static double[] scatter(RowChunk chunk, Source source, double[] means, CovarianceType type) {
    double[] resp = source.responsibilities(chunk);
    int k = source.k();
    int d = chunk.dim();
    double[] x = chunk.values();
    boolean full = type == CovarianceType.FULL;
    double[] sc = new double[full ? k * d * d : k * d];
    double[] diff = new double[d];
    for (int i = 0; i < chunk.rows(); i++) {
      for (int c = 0; c < k; c++) {
        double r = resp[i * k + c];
        if (r == 0) {
          continue;
        }
        for (int a = 0; a < d; a++) {
          diff[a] = x[i * d + a] - means[c * d + a];
        }
        if (full) {
          for (int a = 0; a < d; a++) {
            double ra = r * diff[a];
            int row = (c * d + a) * d;
            for (int b = a; b < d; b++) {
              sc[row + b] += ra * diff[b];
            }
          }
        } else {
          for (int a = 0; a < d; a++) {
            sc[c * d + a] += r * diff[a] * diff[a];
          }
        }
      }
    }
    return sc;
  }

  private static double[] oneHot(int[] labels, int k) {
    double[] resp = new double[labels.length * k];
    for (int i = 0; i < labels.length; i++) {
      resp[i * k + labels[i]] = 1;
    }
    return resp;
  }
}
