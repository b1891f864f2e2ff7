package dev.marginal.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.tensor.Parallel;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Sweeping a tape more than once, parameter accumulation and the tape's bookkeeping. */
class TapeTest {
  private static final Tensor X = Tensor.of(new float[] {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f}, 2, 3);
  private static final Tensor W = Tensor.of(new float[] {1f, -2f, 0.5f}, 3);

  @Test
  void sweepingTwiceGivesTheSameVariableGradients() {
    Tape tape = new Tape();
    Var x = tape.variable(X);
    Var loss = x.tanh().mul(x).sum(1, false).logSumExp(0, false);
    tape.backward(loss);
    float[] first = tape.grad(x).toArray();
    tape.backward(loss);
    assertArrayEquals(first, tape.grad(x).toArray(), 0f);
  }

  @Test
  void sweepingForAnotherOutputForgetsTheFirstSweep() {
    Tape tape = new Tape();
    Var x = tape.variable(X);
    Var a = x.square().sum();
    Var b = x.mul(3f).sum();
    tape.backward(a);
    tape.backward(b);
    assertArrayEquals(Tensor.full(3f, 2, 3).toArray(), tape.grad(x).toArray(), 0f);
  }

  @Test
  void parametersAccumulateAcrossSweeps() {
    Parameter w = new Parameter("w", W);
    Tape tape = new Tape();
    Var loss = tape.param(w).square().sum();
    tape.backward(loss);
    tape.backward(loss);
    Tape other = new Tape();
    other.backward(other.param(w).mul(10f).sum());
    float[] expected = new float[3];
    for (int i = 0; i < 3; i++) {
      expected[i] = 2 * (2 * W.buffer()[i]) + 10f;
    }
    assertArrayEquals(expected, w.grad().toArray(), 1e-6f);
  }

  @Test
  void aSweepForSomeParametersSkipsBranchesThatReachNoneOfThem() {
    Parameter u = new Parameter("u", Tensor.of(new float[] {0.3f, -0.2f, 0.7f}, 3, 1));
    Parameter w = new Parameter("w", Tensor.of(new float[] {1f, -2f, 0.5f}, 3, 1));
    Parameter full = new Parameter("u", u.value());
    int[] uRuleCalls = {0};
    Tape tape = new Tape();
    Var x = tape.constant(X);
    Var hu = x.matmul(tape.param(u));
    Var counted = tape.record(hu.value(), g -> {
      uRuleCalls[0]++;
      hu.accumulate(g);
    }, hu);
    Var loss = counted.tanh().mul(x.matmul(tape.param(w))).sum();
    tape.backward(loss, java.util.List.of(w));
    assertEquals(0, uRuleCalls[0], "the branch that only reaches u is not swept");
    assertArrayEquals(new float[3], u.grad().toArray(), 0f);
    tape.backward(loss, java.util.List.of(u));
    assertEquals(1, uRuleCalls[0]);
    Tape reference = new Tape();
    Var ref = reference.constant(X).matmul(reference.param(full)).tanh().mul(reference.constant(X.matmul(w.value()))).sum();
    reference.backward(ref);
    assertArrayEquals(full.grad().toArray(), u.grad().toArray(), 0f);
  }

  @Test
  void zeroGradClearsTheAccumulatedGradient() {
    Parameter w = new Parameter("w", W);
    Tape tape = new Tape();
    tape.backward(tape.param(w).square().sum());
    w.zeroGrad();
    assertArrayEquals(new float[3], w.grad().toArray(), 0f);
    tape.backward(tape.param(w).sum());
    assertArrayEquals(new float[] {1f, 1f, 1f}, w.grad().toArray(), 0f);
  }

  @Test
  void aParameterWatchedTwiceOnOneTapeGetsBothContributions() {
    Parameter w = new Parameter("w", W);
    Tape tape = new Tape();
    tape.backward(tape.param(w).add(tape.param(w).mul(2f)).sum());
    assertArrayEquals(new float[] {3f, 3f, 3f}, w.grad().toArray(), 0f);
  }

  @Test
  void largeParametersAddTheirLeavesInSweepOrderOnAnyThreadCount() {
    // 75,000 elements in chunks of 16,384 on the kernel threads: each element must still be
    // ((earlier sweeps + later leaf) + earlier leaf), in that order, which rounding tells apart from any other.
    int n = 75_000;
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    float[] c1 = new float[n];
    float[] c2 = new float[n];
    float[] before = new float[n];
    for (int i = 0; i < n; i++) {
      c1[i] = (float) r.nextDouble(-1, 1);
      c2[i] = (float) r.nextDouble(-1e3, 1e3);
      before[i] = (float) r.nextDouble(-1e-3, 1e-3);
    }
    float[] expected = new float[n];
    int orderMatters = 0;
    for (int i = 0; i < n; i++) {
      expected[i] = (before[i] + c2[i]) + c1[i];
      if (expected[i] != (before[i] + c1[i]) + c2[i]) {
        orderMatters++;
      }
    }
    assertTrue(orderMatters > 1000, "the test needs sums whose order shows: " + orderMatters);
    for (int threads = 1; threads <= 3; threads++) {
      Parameter w = new Parameter("w", Tensor.zeros(n));
      System.arraycopy(before, 0, w.gradBuffer(), 0, n);
      Parallel.withThreads(threads, () -> {
        Tape tape = new Tape();
        Var first = tape.param(w);
        Var second = tape.param(w);
        tape.backward(first.mul(tape.constant(Tensor.of(c1, n))).sum()
            .add(second.mul(tape.constant(Tensor.of(c2, n))).sum()));
      });
      assertArrayEquals(expected, w.grad().toArray(), 0f, threads + " thread(s)");
    }
  }

  @Test
  void aFirstSweepOnSeveralThreadsAddsEveryChunkOfAFreshParameter() {
    // A parameter without a gradient buffer yet, large enough for its chunks to be added on several threads at once:
    // every chunk must land in one buffer. (When each thread created the buffer it found missing, the chunks added
    // into the buffers that lost the race were dropped, and the first step's gradient differed from run to run.)
    int n = 8 * 16_384;
    float[] c = new float[n];
    java.util.SplittableRandom r = new java.util.SplittableRandom(11);
    for (int i = 0; i < n; i++) {
      c[i] = (float) r.nextDouble(-1, 1);
    }
    for (int round = 0; round < 40; round++) {
      Parameter w = new Parameter("w", Tensor.zeros(n));
      Parallel.withThreads(4, () -> {
        Tape tape = new Tape();
        tape.backward(tape.param(w).mul(tape.constant(Tensor.of(c, n))).sum());
      });
      assertArrayEquals(c, w.grad().toArray(), 0f, "round " + round);
    }
  }

  @Test
  void sweepingDoesNotChangeForwardValues() {
    Tape tape = new Tape();
    Var x = tape.variable(X);
    Var y = x.exp();
    Tensor before = Tensor.of(y.value().toArray(), y.value().shape());
    tape.backward(y.add(x).sum());
    tape.backward(y.sum());
    assertEquals(before, y.value());
    assertEquals(X, x.value());
  }

  @Test
  void constantsAreNotRecorded() {
    Tape tape = new Tape();
    Var c = tape.constant(X);
    Var y = c.exp().mul(c).sum();
    assertEquals(0, tape.size());
    tape.backward(y);
    assertArrayEquals(new float[6], tape.grad(c).toArray(), 0f);
  }

  @Test
  void stopGradientBlocksTheFlow() {
    Tape tape = new Tape();
    Var x = tape.variable(X);
    tape.backward(x.mul(x.stopGradient()).sum());
    assertArrayEquals(X.toArray(), tape.grad(x).toArray(), 0f);
  }

  @Test
  void backwardFromANonScalarNamesTheShape() {
    Tape tape = new Tape();
    Var x = tape.variable(X);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tape.backward(x.exp()));
    assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
  }

  @Test
  void mixingTapesIsRejected() {
    Var a = new Tape().variable(X);
    Var b = new Tape().variable(X);
    assertThrows(IllegalArgumentException.class, () -> a.add(b));
  }

  @Test
  void aTapeForEvaluationRecordsNothingAndLeavesParametersAlone() {
    Parameter w = new Parameter("w", W);
    Tape tape = Tape.forEvaluation();
    Var out = tape.param(w).square().sum();
    assertEquals(0, tape.size());
    assertTrue(!out.requiresGrad());
    assertEquals(new Tape().param(w).square().sum().value().item(), out.value().item(), 0f);
  }

  @Test
  void aDiscardedGradientReadsAsZero() {
    Parameter w = new Parameter("w", W);
    float[] g = w.gradBuffer();
    g[0] = 5f;
    g[2] = -1f;
    w.discardGrad();
    assertArrayEquals(new float[3], w.grad().toArray(), 0f);
    g[1] = 4f;
    w.discardGrad();
    assertArrayEquals(new float[3], w.gradBuffer(), 0f);
  }

  @Test
  void aSweepOverADiscardedGradientHasTheBitsOfOneOverACleared() {
    // Large enough that the gradients are added in parallel chunks. The parameter enters the tape twice, so the first
    // leaf's gradient is written over the old values and the second's added; the first carries −0s, which adding to
    // a cleared buffer turns into +0, and so must writing over a discarded one.
    int n = 70_000;
    float[] c = new float[n];
    float[] d = new float[n];
    for (int i = 0; i < n; i++) {
      c[i] = i % 3 == 0 ? -0f : (i % 7) - 3.5f;
      d[i] = i % 6 == 0 ? -0f : i % 5 == 0 ? 0f : 0.25f * (i % 11);
    }
    Tensor value = Tensor.full(0.5f, n);
    Parameter cleared = new Parameter("w", value);
    Parameter discarded = new Parameter("w", value);
    Parameter once = new Parameter("w", value);
    for (Parameter p : new Parameter[] {cleared, discarded, once}) {
      java.util.Arrays.fill(p.gradBuffer(), 7f);
    }
    cleared.zeroGrad();
    discarded.discardGrad();
    once.discardGrad();
    for (Parameter p : new Parameter[] {cleared, discarded}) {
      Parallel.withThreads(2, () -> {
        Tape tape = new Tape();
        Var loss = tape.param(p).mul(tape.constant(Tensor.wrap(c, n))).sum()
            .add(tape.param(p).mul(tape.constant(Tensor.wrap(d, n))).sum());
        tape.backward(loss);
      });
    }
    Parallel.withThreads(2, () -> {
      Tape tape = new Tape();
      tape.backward(tape.param(once).mul(tape.constant(Tensor.wrap(c, n))).sum());
    });
    float[] expected = cleared.grad().toArray();
    float[] got = discarded.grad().toArray();
    float[] single = once.grad().toArray();
    for (int i = 0; i < n; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]), "element " + i);
      assertEquals(Float.floatToRawIntBits(c[i] == 0f ? 0f : c[i]), Float.floatToRawIntBits(single[i]),
          "one leaf, element " + i);
    }
  }
}
