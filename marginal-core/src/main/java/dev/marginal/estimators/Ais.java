package dev.marginal.estimators;

import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.config.WorkProgress;
import dev.marginal.config.WorkTally;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Shape;
import dev.marginal.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Annealed importance sampling (AIS) of log p(x) with Hamiltonian Monte Carlo transitions, for any
 * {@link LatentVariableModel} whose log joint is differentiable in z. Along the geometric path
 *
 * <pre>
 *   f_t(z) = q(z|x)^(1 − β_t) · p(x, z)^(β_t),   0 = β_0 &lt; β_1 &lt; … &lt; β_T = 1,   g(z) = log p(x, z) − log q(z|x)
 * </pre>
 *
 * a forward chain starts at z ~ q(z|x) and, for t = 1..T, adds {@code (β_t − β_{t−1}) g(z)} to its log-weight and
 * then moves z by an HMC transition that leaves f_t invariant. Each chain's weight is unbiased for p(x); the estimate
 * {@code log((1/C) Σ_c w_c)} over C chains is a stochastic lower bound (Jensen), tight as T grows.
 *
 * <p>Reverse AIS (bidirectional Monte Carlo): a chain started at an exact posterior sample z ~ p(z|x) — the z that
 * generated x, on data simulated from the model — runs the same path backwards (t = T..1: add
 * {@code −(β_t − β_{t−1}) g(z)}, then an HMC transition for f_{t−1}); its weight is unbiased for 1/p(x), so
 * {@code −log((1/C) Σ_c w_c)} is a stochastic upper bound. The two bounds sandwich log p(x).
 *
 * <p>Schedule: the sigmoid schedule of Grosse et al. 2015, {@code β̃_t = σ(4(2t/T − 1))} rescaled to [0, 1]. HMC:
 * one momentum draw, {@link #leapfrogSteps()} leapfrog steps, a Metropolis test in double. Step sizes: a pilot run
 * of forward AIS (at most {@link #PILOT_CHAINS} chains per point, its own randomness) adapts each chain's step size
 * by {@code ε ← ε·exp(0.05·(accepted − 0.65))} after every transition and records, per point and per β_t, the
 * geometric mean over its chains; the real chains then use that fixed schedule. Adapting the real chains on their
 * own past would make each transition depend on the path, which breaks the exactness of the weights (a test caught
 * a 5 % bias in reverse AIS that way); a schedule fixed in advance keeps every transition invariant for f_t.
 *
 * <p>Cost: T·(L + 1) gradient evaluations of the log joint per chain, plus the pilot's ({@link #work}).
 * Randomness: the initial draw of chain c of point i uses {@code key.foldIn(i).foldIn(c).foldIn(−1)}, transition t
 * uses {@code key.foldIn(t)}, and the pilot {@code key.foldIn(PILOT_STREAM)}.
 *
 * <p>References: Neal, "Annealed importance sampling", Statistics and Computing 2001; Grosse, Ghahramani, Adams,
 * "Sandwiching the marginal likelihood using bidirectional Monte Carlo", arXiv:1511.02543, 2015; Wu, Burda,
 * Salakhutdinov, Grosse, "On the quantitative analysis of decoder-based generative models", ICLR 2017.
 *
 * @param steps T ≥ 1, the number of intermediate distributions, at most {@link #MAX_STEPS}
 * @param leapfrogSteps L ≥ 1 per HMC transition
 * @param chains C ≥ 1 per point
 * @param initialStepSize the leapfrog step size each chain starts with, &gt; 0
 */
public record Ais(int steps, int leapfrogSteps, int chains, double initialStepSize) {
  /** The most chains per point of the step-size pilot run. */
  public static final int PILOT_CHAINS = 8;
  /** The key stream of the pilot run. */
  static final long PILOT_STREAM = -2;
  /**
   * The most intermediate distributions: the schedule holds T + 1 temperatures in one array, whose length a few
   * below {@code Integer.MAX_VALUE} is the JVM's limit (and T + 1 overflows an int at {@code Integer.MAX_VALUE}).
   */
  public static final int MAX_STEPS = (int) Shape.MAX_ARRAY_LENGTH - 1;

  /** Validates the settings. */
  public Ais {
    if (steps < 1 || leapfrogSteps < 1 || chains < 1) {
      throw new IllegalArgumentException("steps, leapfrogSteps and chains must be >= 1, got " + steps + ", "
          + leapfrogSteps + ", " + chains);
    }
    if (steps > MAX_STEPS) {
      throw new IllegalArgumentException("steps must be at most " + MAX_STEPS + " (T + 1 temperatures fill one "
          + "array), got " + steps);
    }
    if (!(initialStepSize > 0) || !Double.isFinite(initialStepSize)) {
      throw new IllegalArgumentException("initialStepSize must be positive, got " + initialStepSize);
    }
  }

  /** T intermediate distributions, 5 leapfrog steps, 16 chains, initial step 0.1. */
  public static Ais of(int steps) {
    return new Ais(steps, 5, 16, 0.1);
  }

  /** The same settings with C chains. */
  public Ais withChains(int c) {
    return new Ais(steps, leapfrogSteps, c, initialStepSize);
  }

  /** The same settings with L leapfrog steps. */
  public Ais withLeapfrogSteps(int l) {
    return new Ais(steps, l, chains, initialStepSize);
  }

  /**
   * Per-point AIS results.
   *
   * <p>Immutable: the arrays are copied (deeply) in and out, and equality compares their elements.
   *
   * @param logMarginal the estimate per point: forward, {@code log mean_c w_c} (a lower bound in expectation);
   *     reverse, {@code −log mean_c w_c} (an upper bound in expectation)
   * @param logWeights per chain, {@code [B][C]}
   * @param acceptance the mean HMC acceptance rate over all transitions
   */
  public record Result(double[] logMarginal, double[][] logWeights, double acceptance) {
    /** Validates the lengths and copies both arrays. */
    public Result {
      if (logMarginal.length != logWeights.length) {
        throw new IllegalArgumentException(logMarginal.length + " estimates but " + logWeights.length
            + " rows of weights");
      }
      logMarginal = logMarginal.clone();
      logWeights = deepCopy(logWeights);
    }

    /** The estimate per point, a copy. */
    @Override
    public double[] logMarginal() {
      return logMarginal.clone();
    }

    /** The log weights per point and chain {@code [B][C]}, a copy. */
    @Override
    public double[][] logWeights() {
      return deepCopy(logWeights);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Result r && Double.compare(r.acceptance, acceptance) == 0
          && Arrays.equals(r.logMarginal, logMarginal) && Arrays.deepEquals(r.logWeights, logWeights);
    }

    @Override
    public int hashCode() {
      return (31 * Arrays.hashCode(logMarginal) + Arrays.deepHashCode(logWeights)) * 31
          + Double.hashCode(acceptance);
    }

    @Override
    public String toString() {
      return "Result[logMarginal=" + Arrays.toString(logMarginal) + ", logWeights="
          + Arrays.deepToString(logWeights) + ", acceptance=" + acceptance + "]";
    }

    private static double[][] deepCopy(double[][] a) {
      return Arrays.stream(a).map(double[]::clone).toArray(double[][]::new);
    }
  }

  /** β_0..β_T of the sigmoid schedule. */
  double[] schedule() {
    double[] beta = new double[steps + 1];
    double lo = sigmoid(-4);
    double hi = sigmoid(4);
    for (int t = 0; t <= steps; t++) {
      beta[t] = (sigmoid(4 * (2.0 * t / steps - 1)) - lo) / (hi - lo);
    }
    beta[0] = 0;
    beta[steps] = 1;
    return beta;
  }

  private static double sigmoid(double v) {
    return 1 / (1 + StrictMath.exp(-v));
  }

  /**
   * Forward AIS from q(z|x) to the posterior.
   *
   * @param x observations, shape {@code [B, D]}
   * @param q the initial distribution, shape {@code [B, d]} (for the prior path, a standard normal)
   */
  public Result forward(LatentVariableModel model, Tensor x, DiagNormal q, RngKey key) {
    return forward(model, x, q, key, WorkProgress.silent());
  }

  /**
   * {@link #forward(LatentVariableModel, Tensor, DiagNormal, RngKey)}, the same result bit for bit, reporting to
   * {@code progress} on the calling thread after each annealing step of the pilot and of the chains, in gradient
   * evaluations of the log joint per chain: {@link #work}(B) in all. The estimate is NaN.
   */
  public Result forward(LatentVariableModel model, Tensor x, DiagNormal q, RngKey key, WorkProgress progress) {
    Objects.requireNonNull(progress, "progress");
    WorkTally done = new WorkTally(progress, work(x.dim(0)));
    double[][] schedule = pilot(model, x, q, key.foldIn(PILOT_STREAM), done);
    return run(start(model, x, q, chains, key), key, true, schedule, done);
  }

  /**
   * The units of work of AIS in one direction on {@code points} points, as {@link #forward} and {@link #reverse}
   * report them: a gradient evaluation of the log joint for one chain (one model evaluation, its gradient
   * included), T·(L + 1) per chain, for the chains and the pilot's min(C, {@value #PILOT_CHAINS}) chains per point.
   */
  public long work(long points) {
    return points * (Math.min(chains, PILOT_CHAINS) + chains) * steps * (leapfrogSteps + 1L);
  }

  /**
   * Reverse AIS from exact posterior samples to q(z|x): the upper side of bidirectional Monte Carlo.
   *
   * @param posteriorSamples exact draws from p(z|x_i): one per chain, shape {@code [B·C, d]} (chain c of point i
   *     at row i·C + c), for a weight unbiased for 1/p(x); or one per point, shape {@code [B, d]}, shared by its
   *     chains, as in bidirectional Monte Carlo on simulated data where only the generating z is known (then the
   *     upper bound holds in expectation over the simulated data)
   */
  public Result reverse(LatentVariableModel model, Tensor x, DiagNormal q, Tensor posteriorSamples, RngKey key) {
    return reverse(model, x, q, posteriorSamples, key, WorkProgress.silent());
  }

  /**
   * {@link #reverse(LatentVariableModel, Tensor, DiagNormal, Tensor, RngKey)}, the same result bit for bit,
   * reporting to {@code progress} as {@link #forward(LatentVariableModel, Tensor, DiagNormal, RngKey, WorkProgress)}
   * does.
   */
  public Result reverse(LatentVariableModel model, Tensor x, DiagNormal q, Tensor posteriorSamples, RngKey key,
      WorkProgress progress) {
    Objects.requireNonNull(progress, "progress");
    int b = x.dim(0);
    WorkTally done = new WorkTally(progress, work(b));
    double[][] schedule = pilot(model, x, q, key.foldIn(PILOT_STREAM), done);
    int d = q.dim();
    if (posteriorSamples.dim(0) != b && posteriorSamples.dim(0) != b * chains || posteriorSamples.dim(1) != d) {
      throw new IllegalArgumentException("posteriorSamples must be [B, d] or [B·chains, d], got "
          + java.util.Arrays.toString(posteriorSamples.shape()));
    }
    Chains s = new Chains(model, x, q, chains, initialStepSize);
    for (int i = 0; i < b; i++) {
      for (int c = 0; c < chains; c++) {
        for (int j = 0; j < d; j++) {
          int from = posteriorSamples.dim(0) == b ? i : i * chains + c;
          s.z[(i * chains + c) * d + j] = posteriorSamples.get(from, j);
        }
      }
    }
    return run(s, key, false, schedule, done);
  }

  /** Chains started at independent draws from q. */
  private Chains start(LatentVariableModel model, Tensor x, DiagNormal q, int perPoint, RngKey key) {
    int b = x.dim(0);
    int d = q.dim();
    Chains s = new Chains(model, x, q, perPoint, initialStepSize);
    for (int i = 0; i < b; i++) {
      for (int c = 0; c < perPoint; c++) {
        float[] eps = key.foldIn(i).foldIn(c).foldIn(-1).normals(d);
        int row = i * perPoint + c;
        for (int j = 0; j < d; j++) {
          s.z[row * d + j] = s.mu[row * d + j] + s.sigma[row * d + j] * eps[j];
        }
      }
    }
    return s;
  }

  /** The pilot's step sizes: {@code [T + 1][B]}, entry t for the transition that targets β_t (entry 0 = entry 1). */
  private double[][] pilot(LatentVariableModel model, Tensor x, DiagNormal q, RngKey key, WorkTally done) {
    int perPoint = Math.min(chains, PILOT_CHAINS);
    Chains s = start(model, x, q, perPoint, key);
    double[] beta = schedule();
    int b = x.dim(0);
    double[][] out = new double[steps + 1][b];
    for (int t = 1; t <= steps; t++) {
      Hmc.transition(s, beta[t], leapfrogSteps, key.foldIn(t), true);
      done.add((long) s.rows * (leapfrogSteps + 1));
      for (int i = 0; i < b; i++) {
        double logSum = 0;
        for (int c = 0; c < perPoint; c++) {
          logSum += StrictMath.log(s.stepSize[i * perPoint + c]);
        }
        out[t][i] = StrictMath.exp(logSum / perPoint);
      }
    }
    out[0] = out[1].clone();
    return out;
  }

  private Result run(Chains s, RngKey key, boolean forward, double[][] stepSizes, WorkTally done) {
    double[] beta = schedule();
    double[] logW = new double[s.rows];
    double[] g = new double[s.rows];
    long accepted = 0;
    for (int n = 1; n <= steps; n++) {
      int t = forward ? n : steps - n + 1;
      double dBeta = beta[t] - beta[t - 1];
      s.logRatio(s.z, g);
      for (int r = 0; r < s.rows; r++) {
        logW[r] += forward ? dBeta * g[r] : -dBeta * g[r];
      }
      int level = forward ? t : t - 1;
      for (int r = 0; r < s.rows; r++) {
        s.stepSize[r] = stepSizes[level][r / chains];
      }
      accepted += Hmc.transition(s, beta[level], leapfrogSteps, key.foldIn(n), false);
      done.add((long) s.rows * (leapfrogSteps + 1));
    }
    int b = s.rows / chains;
    double[] est = new double[b];
    double[][] perChain = new double[b][chains];
    for (int i = 0; i < b; i++) {
      System.arraycopy(logW, i * chains, perChain[i], 0, chains);
      double lme = dev.marginal.math.LogSpace.logSumExp(perChain[i]) - StrictMath.log(chains);
      est[i] = forward ? lme : -lme;
    }
    return new Result(est, perChain, (double) accepted / ((long) steps * s.rows));
  }

  /** The chains' state: positions, step sizes, and each row's x and q, in double. */
  static final class Chains {
    final LatentVariableModel model;
    final Tensor xRows;
    final int rows;
    final int d;
    final double[] z;
    final double[] mu;
    final double[] sigma;
    final double[] stepSize;

    Chains(LatentVariableModel model, Tensor x, DiagNormal q, int chains, double step) {
      this.model = model;
      int b = x.dim(0);
      this.rows = b * chains;
      this.d = q.dim();
      int[] index = new int[rows];
      for (int r = 0; r < rows; r++) {
        index[r] = r / chains;
      }
      this.xRows = x.gather(index);
      float[] loc = q.loc().value().gather(index).buffer();
      float[] logScale = q.logScale().value().gather(index).buffer();
      this.z = new double[rows * d];
      this.mu = new double[rows * d];
      this.sigma = new double[rows * d];
      for (int k = 0; k < rows * d; k++) {
        mu[k] = loc[k];
        sigma[k] = StrictMath.exp(logScale[k]);
      }
      this.stepSize = new double[rows];
      java.util.Arrays.fill(stepSize, step);
    }

    /** g(z) = log p(x, z) − log q(z|x) per row, into {@code out}. */
    void logRatio(double[] at, double[] out) {
      Tape tape = Tape.forEvaluation();
      Var zv = tape.constant(Tensor.of(at, rows, d));
      float[] lj = model.logLikelihood(tape.constant(xRows), zv).add(model.logPrior(zv)).value().buffer();
      for (int r = 0; r < rows; r++) {
        out[r] = lj[r] - logQ(at, r);
      }
    }

    /**
     * log f_β(z) = (1 − β) log q(z) + β log p(x, z) per row into {@code energy} (negated: the potential), and its
     * gradient in z into {@code grad} (of log f_β).
     */
    void logTarget(double[] at, double beta, double[] logF, double[] grad) {
      Tape tape = new Tape();
      Var zv = tape.variable(Tensor.of(at, rows, d));
      Var lj = model.logLikelihood(tape.constant(xRows), zv).add(model.logPrior(zv));
      tape.backward(lj.sum(), List.of());
      float[] gj = tape.grad(zv).buffer();
      float[] v = lj.value().buffer();
      for (int r = 0; r < rows; r++) {
        logF[r] = (1 - beta) * logQ(at, r) + beta * v[r];
        for (int j = 0; j < d; j++) {
          int k = r * d + j;
          double gq = -(at[k] - mu[k]) / (sigma[k] * sigma[k]);
          grad[k] = (1 - beta) * gq + beta * gj[k];
        }
      }
    }

    private double logQ(double[] at, int r) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        int k = r * d + j;
        double e = (at[k] - mu[k]) / sigma[k];
        s += -0.5 * e * e - StrictMath.log(sigma[k]) - 0.5 * StrictMath.log(2 * Math.PI);
      }
      return s;
    }
  }
}
