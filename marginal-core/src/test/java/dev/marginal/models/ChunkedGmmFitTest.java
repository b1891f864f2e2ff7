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

  /**
   * Standardized fits on chunks held anywhere are the in-process standardized fits bit for bit: the statistics from
   * per-chunk sums ({@link RowChunks#standardizer}) are those of {@code Standardizer.fitInBlocks} with the chunks'
   * rows, and the standardized chunks hold what the in-process fit standardizes.
   */
  @Test
  void standardizedFitsOnChunksAreTheInProcessStandardizedFits() {
    double[][] x = data(5000);
    float[] flat = new float[x.length * 3];
    double[][] asFloats = new double[x.length][3];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < 3; j++) {
        // Columns of other scales and offsets, as floats (the rows of a Dataset).
        flat[i * 3 + j] = (float) (x[i][j] * (j == 0 ? 100 : j == 1 ? 0.01 : 1) + (j == 0 ? 1e4 : 0));
        asFloats[i][j] = flat[i * 3 + j];
      }
    }
    dev.marginal.data.Dataset data = dev.marginal.data.Dataset.of("spread", List.of("a", "b", "c"), flat);
    dev.marginal.data.Standardizer z = new ForgetfulReversedChunks(asFloats).standardizer();
    assertEquals(dev.marginal.data.Standardizer.fitInBlocks(data, RowChunks.CHUNK_ROWS), z);
    GmmOptions options = GmmOptions.of(3).withSeed(4).withMaxIter(20);
    dev.marginal.density.GmmDensityModel inProcess = dev.marginal.density.GmmDensityModel.fit(data, options, true)
        .model();
    assertEquals(z, inProcess.standardizer().orElseThrow());
    try (InMemoryChunks chunks = InMemoryChunks.of(asFloats, 2)) {
      assertEquals(z, chunks.standardizer());
      assertSameBits(inProcess.mixture(), GaussianMixtureModel.fit(chunks.standardized(z), options).mixture());
    }
    assertSameBits(inProcess.mixture(),
        GaussianMixtureModel.fit(new ForgetfulReversedChunks(asFloats).standardized(z), options).mixture());
    dev.marginal.density.PpcaDensityModel ppca = dev.marginal.density.PpcaDensityModel.fit(data, 1, true).model();
    assertEquals(z, ppca.standardizer().orElseThrow());
    Ppca chunked = Ppca.fit(new ForgetfulReversedChunks(asFloats).standardized(z), 1);
    assertArrayEquals(ppca.ppca().mean(), chunked.mean(), 0);
    assertEquals(ppca.ppca().noiseVariance(), chunked.noiseVariance(), 0);
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
