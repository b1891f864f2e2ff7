package dev.marginal.bench;

import dev.marginal.distributions.GaussianMixture;
import dev.marginal.models.GaussianMixtureEm;
import dev.marginal.models.GaussianMixtureModel;
import dev.marginal.models.GmmOptions;
import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One EM iteration (E-step and M-step) of a 10-component full-covariance Gaussian mixture on 100,000 points in
 * 10 dimensions: ten well-separated clusters, starting from a mixture after one EM iteration from k-means.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:PerMethodTrapLimit=10000"})
public class GmmBench {
  private static final int N = 100_000;
  private static final int D = 10;
  private static final int K = 10;

  @Param({"1", "2"})
  int threads;

  private GaussianMixtureEm em;
  private GaussianMixture start;

  @Setup
  public void setUp() {
    double[] z = new double[N * D];
    Samplers.normals(RngKey.of(1), z, 0, z.length);
    double[][] x = new double[N][D];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < D; j++) {
        x[i][j] = z[i * D + j] + (j == i % K ? 3.0 * (i % K) : 0);
      }
    }
    GmmOptions options = GmmOptions.of(K).withThreads(threads).withMaxIter(1).withSeed(2);
    start = GaussianMixtureModel.fit(x, options).mixture();
    em = GaussianMixtureEm.on(x, options);
  }

  @TearDown
  public void tearDown() {
    em.close();
  }

  @Benchmark
  public GaussianMixtureEm.Step emIteration() {
    return em.step(start);
  }
}
