package dev.marginal.bench;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-operation overhead of the tape on small tensors, where bookkeeping rather than arithmetic dominates.
 *
 * <p>{@code mulTanhWithBackward} records two elementwise primitives on [32, 8] variables ({@code a ⊙ b}, then
 * tanh) on a fresh tape and sweeps it back with a seed of ones; divide its time by 2 for the cost of one
 * primitive, forward plus backward. {@code tensorAdd} is one [32, 8] add without a tape, the floor that the tape
 * adds its overhead to.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar marginal-bench/target/marginal-benchmarks.jar
 * AutodiffOverhead -f 1 -wi 3 -i 5 -w 1 -r 1}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:PerMethodTrapLimit=10000"})
public class AutodiffOverheadBench {
  /** Rows of each operand. */
  static final int ROWS = 32;
  /** Columns of each operand. */
  static final int COLS = 8;

  private Tensor a;
  private Tensor b;
  private Tensor seed;

  @Setup
  public void setUp() {
    RngKey key = RngKey.of(1);
    a = Tensor.wrap(key.split(2, 0).normals(ROWS * COLS), ROWS, COLS);
    b = Tensor.wrap(key.split(2, 1).normals(ROWS * COLS), ROWS, COLS);
    seed = Tensor.full(1f, ROWS, COLS);
  }

  /** Two primitives (mul, tanh) forward and backward; returns a gradient so nothing is dead code. */
  @Benchmark
  public Tensor mulTanhWithBackward() {
    Tape tape = new Tape();
    Var x = tape.variable(a);
    Var y = tape.variable(b);
    Var out = x.mul(y).tanh();
    tape.backward(out, seed);
    return tape.grad(x);
  }

  /** One [32, 8] add, no tape. */
  @Benchmark
  public Tensor tensorAdd() {
    return a.add(b);
  }
}
