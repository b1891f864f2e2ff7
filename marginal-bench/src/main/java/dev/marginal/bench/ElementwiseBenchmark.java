package dev.marginal.bench;

import dev.marginal.tensor.Kernels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The elementwise kernels on {@value #N} floats, reported in ns per element, Vector API against plain loops. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:PerMethodTrapLimit=10000"})
public class ElementwiseBenchmark {
  static final int N = 1 << 20;
  /** Inputs are uniform on [-RANGE, RANGE]; log gets their absolute values. */
  static final double RANGE = 8;

  @Param({"vector", "scalar"})
  public String kernels;

  private Kernels k;
  private float[] x;
  private float[] positive;
  private float[] y;

  @Setup
  public void setUp() {
    k = "scalar".equals(kernels) ? Kernels.scalar() : Kernels.get();
    SplittableRandom rng = new SplittableRandom(1);
    x = new float[N];
    positive = new float[N];
    y = new float[N];
    for (int i = 0; i < N; i++) {
      x[i] = (float) ((rng.nextDouble() * 2 - 1) * RANGE);
      positive[i] = Math.abs(x[i]);
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public float[] tanh() {
    k.tanh(x, 0, y, 0, N);
    return y;
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public float[] exp() {
    k.exp(x, 0, y, 0, N);
    return y;
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public float[] log() {
    k.log(positive, 0, y, 0, N);
    return y;
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public float[] sigmoid() {
    k.sigmoid(x, 0, y, 0, N);
    return y;
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public float[] softplus() {
    k.softplus(x, 0, y, 0, N);
    return y;
  }
}
