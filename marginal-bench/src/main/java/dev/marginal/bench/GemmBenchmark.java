package dev.marginal.bench;

import dev.marginal.tensor.Kernels;
import dev.marginal.tensor.Parallel;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Matrix multiply on the shapes of a deep latent variable model's layers, in every transposition the forward and
 * backward passes use. GFLOP/s = 2·m·n·k / (time per call in ns).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:PerMethodTrapLimit=10000"})
public class GemmBenchmark {
  /** {@code m x n x k}. */
  @Param({"5000x200x784", "1024x1024x1024", "128x784x200", "20x200x784", "32x128x8", "32x8x2"})
  public String shape;

  /** {@code NN}, {@code TN} (weight gradient), {@code NT} (input gradient) or {@code TT}. */
  @Param({"NN", "TN", "NT"})
  public String trans;

  @Param({"vector", "scalar"})
  public String kernels;

  @Param({"2"})
  public int threads;

  private Kernels k;
  private int m;
  private int n;
  private int depth;
  private float[] a;
  private float[] b;
  private float[] c;

  @Setup
  public void setUp() {
    String[] dims = shape.split("x");
    m = Integer.parseInt(dims[0]);
    n = Integer.parseInt(dims[1]);
    depth = Integer.parseInt(dims[2]);
    k = "scalar".equals(kernels) ? Kernels.scalar() : Kernels.get();
    // JMH runs @Setup on the benchmark's own worker thread (one thread here), so the count reaches gemm().
    Parallel.setThreads(threads);
    SplittableRandom rng = new SplittableRandom(1);
    a = new float[m * depth];
    b = new float[depth * n];
    c = new float[m * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) rng.nextDouble();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) rng.nextDouble();
    }
  }

  @Benchmark
  public float[] gemm() {
    k.gemm(trans.charAt(0) == 'T', trans.charAt(1) == 'T', m, n, depth, a, 0, b, 0, c, 0, false);
    return c;
  }
}
