package dev.marginal.optim;

import dev.marginal.autodiff.Parameter;
import dev.marginal.tensor.Kernels;
import dev.marginal.tensor.Parallel;
import java.util.List;

/**
 * Clipping of accumulated gradients by their global L2 norm (Pascanu et al. 2013). SUMO's estimator is
 * heavy-tailed, so its training benefits from a norm bound.
 *
 * <p>The gradients are read in fixed chunks of {@value #CHUNK} elements of each parameter, on the kernel threads when
 * there are enough of them; the chunks depend on the parameters' sizes alone, so the norm and the clipped gradients
 * have the same bits on any number of threads.
 */
public final class GradientClipping {
  /** Elements per chunk: the unit of work, and of the partial sums. */
  static final int CHUNK = 1 << 14;
  /** Total elements from which the chunks go to the kernel threads. */
  private static final long PARALLEL_SIZE = 1 << 16;

  private GradientClipping() {}

  /**
   * The global L2 norm of the parameters' gradients. Squares are summed in double, each chunk by
   * {@link Kernels#sumOfSquares} (whose order does not depend on the vector width), then the chunks' sums in order of
   * parameter and position.
   */
  public static double globalNorm(List<Parameter> params) {
    return norm(new Chunks(params));
  }

  private static double norm(Chunks c) {
    double[] partial = new double[c.count()];
    Kernels k = Kernels.get();
    Parallel.forEach(c.count(), c.total >= PARALLEL_SIZE, i -> {
      float[] g = c.buffer(i);
      int from = c.from(i);
      partial[i] = k.sumOfSquares(g, from, Math.min(g.length, from + CHUNK));
    });
    double s = 0;
    for (double p : partial) {
      s += p;
    }
    return Math.sqrt(s);
  }

  /**
   * Scales all gradients by {@code min(1, maxNorm / norm)}, the factor rounded to float.
   *
   * @return the norm before clipping (NaN or ∞ if some gradient is not finite; gradients are then left as is)
   */
  public static double clipByGlobalNormInPlace(List<Parameter> params, double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("maxNorm must be positive, got " + maxNorm);
    }
    Chunks c = new Chunks(params);
    double norm = norm(c);
    if (Double.isFinite(norm) && norm > maxNorm) {
      float scale = (float) (maxNorm / norm);
      Parallel.forEach(c.count(), c.total >= PARALLEL_SIZE, i -> {
        float[] g = c.buffer(i);
        int to = Math.min(g.length, c.from(i) + CHUNK);
        for (int j = c.from(i); j < to; j++) {
          g[j] *= scale;
        }
      });
    }
    return norm;
  }

  /** The gradient buffers cut into chunks: chunk i is {@code [from(i), from(i) + CHUNK)} of {@code buffer(i)}. */
  private static final class Chunks {
    final float[][] buffers;
    final int[] param;
    final int[] start;
    final long total;

    Chunks(List<Parameter> params) {
      buffers = new float[params.size()][];
      int n = 0;
      long size = 0;
      for (int p = 0; p < buffers.length; p++) {
        buffers[p] = params.get(p).gradBuffer();
        n += (buffers[p].length + CHUNK - 1) / CHUNK;
        size += buffers[p].length;
      }
      total = size;
      param = new int[n];
      start = new int[n];
      int i = 0;
      for (int p = 0; p < buffers.length; p++) {
        for (int from = 0; from < buffers[p].length; from += CHUNK) {
          param[i] = p;
          start[i++] = from;
        }
      }
    }

    int count() {
      return param.length;
    }

    float[] buffer(int i) {
      return buffers[param[i]];
    }

    int from(int i) {
      return start[i];
    }
  }
}
