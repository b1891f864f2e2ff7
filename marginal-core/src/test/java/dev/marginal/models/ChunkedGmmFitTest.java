package dev.marginal.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.marginal.distributions.CovarianceType;
import dev.marginal.distributions.GaussianMixture;
import dev.marginal.random.RngKey;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A fit on chunked data does not depend on where, in what order or how often the chunks are computed. */
class ChunkedGmmFitTest {
  /**
   * Chunks computed last to first, each pass on fresh copies (so no memo survives between passes), as a cluster
   * that lost every cached block would.
   */
  private static final class ForgetfulReversedChunks implements RowChunks {
    private final double[][] rows;

    ForgetfulReversedChunks(double[][] rows) {
      this.rows = rows;
    }

    @Override
    public long rows() {
      return rows.length;
    }

    @Override
    public int dim() {
      return rows[0].length;
    }

    private RowChunk fresh(int c) {
      int start = c * CHUNK_ROWS;
      int b = Math.min(CHUNK_ROWS, rows.length - start);
      double[] flat = new double[b * dim()];
      for (int i = 0; i < b; i++) {
        System.arraycopy(rows[start + i], 0, flat, i * dim(), dim());
      }
      return new RowChunk(c, b, dim(), flat);
    }

    @Override
    public <R extends Serializable> List<R> map(Task<R> task) {
      List<R> out = new ArrayList<>();
      for (int c = chunks() - 1; c >= 0; c--) {
        out.add(task.apply(fresh(c)));
      }
      Collections.reverse(out);
      return out;
    }

    @Override
    public <R extends Serializable> R apply(int chunk, Task<R> task) {
      return task.apply(fresh(chunk));
    }
  }

  private static double[][] data(int n) {
    double[][] x = new double[n][3];
    RngKey key = RngKey.of(11);
    for (int i = 0; i < n; i++) {
      double[] z = new double[3];
      float[] e = key.foldIn(i).normals(3);
      int c = i % 3;
      for (int j = 0; j < 3; j++) {
        z[j] = e[j] + 4 * c * (j == c % 3 ? 1 : 0);
      }
      x[i] = z;
    }
    return x;
  }

  private static void assertSameBits(GaussianMixture a, GaussianMixture b) {
    assertArrayEquals(a.weights(), b.weights(), 0);
    for (int c = 0; c < a.components(); c++) {
      assertArrayEquals(a.mean(c), b.mean(c), 0);
      for (int j = 0; j < a.dim(); j++) {
        assertArrayEquals(a.covariance(c)[j], b.covariance(c)[j], 0);
      }
    }
  }

  @Test
  void fitIsTheSameHoweverTheChunksAreComputed() {
    double[][] x = data(5000);
    for (CovarianceType type : CovarianceType.values()) {
      GmmOptions options = GmmOptions.of(3).withCovarianceType(type).withNInit(2).withSeed(4).withMaxIter(20);
      GmmFit oneThread = GaussianMixtureModel.fit(x, options.withThreads(1));
      GmmFit twoThreads = GaussianMixtureModel.fit(x, options.withThreads(2));
      GmmFit forgetful = GaussianMixtureModel.fit(new ForgetfulReversedChunks(x), options);
      assertSameBits(oneThread.mixture(), twoThreads.mixture());
      assertSameBits(oneThread.mixture(), forgetful.mixture());
      assertEquals(oneThread.nIter(), forgetful.nIter());
      assertArrayEquals(oneThread.lowerBoundHistory(), forgetful.lowerBoundHistory(), 0);
    }
  }
}
