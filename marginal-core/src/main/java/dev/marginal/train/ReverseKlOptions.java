package dev.marginal.train;

import dev.marginal.config.ParameterException;
import dev.marginal.estimators.LogMarginalEstimator;
import dev.marginal.nn.Activation;
import dev.marginal.targets.Target;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a surrogate LVM is fitted to an unnormalized target by reverse KL. Defaults follow the SUMO paper's funnel
 * experiment (latent 8, one hidden layer of 128 tanh units, batch 32, m = 4) except the optimizer: Adam step 1e-4
 * rather than the seed's 5e-5, Adam β2 = 0.98 rather than 0.999, and a moving average of the parameters (decay
 * 0.999) as the evaluated and saved surrogate. Evidence, all on the seed funnel at 20,000 iterations (BENCHMARKS.md):
 *
 * <ul>
 *   <li>Adam 1e-4 with β2 = 0.999 reached KL ≤ 0.07 and x1-marginal W1 ≤ 0.15 on two of three seeds where 5e-5 had
 *       not converged; W1(x1) ≤ 0.08 on one. Warm-up with cosine decay, higher decoder rates and separate encoder
 *       rates found nothing better (an encoder rate above 1e-4 destabilises training; a higher decoder rate
 *       oscillates, or stalls the neck when decayed), so the schedule stays constant: no warm-up, floor 1.</li>
 *   <li>β2 = 0.98 is what closes the gap: with it, the full evaluation of {@code marginal target} gave KL 0.025–0.040
 *       and W1(x1) 0.034–0.077 on all three seeds. A likely reason: SUMO's gradients are heavy-tailed, and with
 *       β2 = 0.999 one large gradient inflates Adam's second moment, so shrinks the steps, for thousands of
 *       iterations.</li>
 *   <li>Averaging alone did not help at β2 = 0.999 (the average lags a surrogate that is still improving); on top of
 *       β2 = 0.98 it lowered W1(x1) on all three seeds, by less than 0.01.</li>
 * </ul>
 *
 * <p>The decoder's path gradient ({@link Estimator#pathGradient()}) is off by default: at 20,000 iterations it
 * lowered the funnel's KL (0.015 against 0.025–0.031) but not its W1(x1), was within noise on the 2-D mixture, and
 * left U1–U4 at 0.8–1.25 nats, where mode collapse (U1) and a band that misses the sine ridge (U2–U4) hold every
 * setting of rate, latent size, width and batch screened (BENCHMARKS.md).
 *
 * <p>The seed's settings remain selectable: {@code withLearningRates(5e-5, 5e-5).withAdamBeta2(0.999)
 * .withAveraging(0)}.
 *
 * <p>These defaults leave U1–U4 0.8–1.2 nats off, where the importance-weighted forward KL of
 * {@link #importanceForward()} gets within 0.03 on every seed tried; {@link #forTarget} chooses between the two by
 * the target's dimension, and {@code marginal target} follows it unless {@code --recipe} says otherwise.
 *
 * <p>The settings are grouped by concern: the estimator of log q(x) ({@link Estimator}), the optimizers and their
 * schedule ({@link Optimization}), the surrogate's architecture ({@link Architecture}) and the run's length, batch
 * and seed ({@link RunControl}). Each setting also has a {@code withX} method here.
 *
 * @param estimation the estimator of log q(x)
 * @param optimization step sizes, schedule, clipping, Adam's β2 and the parameter average
 * @param architecture the surrogate's latent dimension, hidden widths and nonlinearity
 * @param run surrogate samples per step, iterations and seed
 * @param annealing tempering of the target early in the run ({@link Annealing#NONE} by default)
 * @param forward the importance-weighted forward KL early in the run ({@link ForwardKl#NONE} by default; see
 *     {@link #importanceForward()})
 */
public record ReverseKlOptions(Estimator estimation, Optimization optimization, Architecture architecture,
    RunControl run, Annealing annealing, ForwardKl forward) {

  public static final int DEFAULT_LATENT = 8;
  public static final int DEFAULT_HIDDEN = 128;
  public static final int DEFAULT_BATCH = 32;
  public static final int DEFAULT_MIN_TERMS = 4;
  public static final int DEFAULT_K = 5;
  public static final double DEFAULT_LR = 1e-4;
  public static final long DEFAULT_ITERATIONS = 20_000;
  public static final long DEFAULT_WARMUP = 0;
  public static final double DEFAULT_LR_FLOOR = 1;
  /** Decay of the parameter average that is evaluated and saved (evidence in the class doc). */
  public static final double DEFAULT_AVERAGING = 0.999;
  /** The name {@link #objectiveLabel()} gives the importance-weighted forward KL fitted throughout the run. */
  public static final String FORWARD_KL_OBJECTIVE = "forward-kl";
  /** Most iterations: a run keeps one loss per step in an array. */
  public static final long MAX_ITERATIONS = Integer.MAX_VALUE - 8;

  /** Adam's β2 for both optimizers, below Adam's usual 0.999 (evidence in the class doc). */
  public static final double DEFAULT_ADAM_BETA2 = 0.98;

  /**
   * The estimator of log q(x).
   *
   * @param objective SUMO (unbiased), IWAE or ELBO (lower bounds)
   * @param numSamples K for IWAE/ELBO, >= 1
   * @param minTerms m for SUMO, >= 1
   * @param pathGradient whether the decoder's gradient flows only through the samples x (the "sticking the
   *     landing" estimator of Roeder et al. 2017, see {@link ReverseKlTrainer}) rather than also through the
   *     decoder parameters inside the log q(x) estimate, whose contribution has expectation zero
   */
  public record Estimator(LvmTrainingOptions.Objective objective, int numSamples, int minTerms,
      boolean pathGradient) {
    public Estimator {
      ParameterException.atLeast("numSamples", numSamples, 1);
      ParameterException.atLeast("minTerms", minTerms, 1);
    }

    /** With the total gradient (no path-gradient estimator). */
    public Estimator(LvmTrainingOptions.Objective objective, int numSamples, int minTerms) {
      this(objective, numSamples, minTerms, false);
    }
  }

  /**
   * The two Adam optimizers, their schedule and the parameter average.
   *
   * @param decoderLr Adam step size of the decoder (the sampler)
   * @param encoderLr Adam step size of the encoder (the proposal inside the estimator)
   * @param clipNorm global gradient-norm bound per optimizer (0 = none)
   * @param warmup steps over which both Adam steps rise linearly from 0 to their rates (0 = none); at most the
   *     run's {@code iterations}, which a trainer checks when it is made (the two are set apart)
   * @param lrFloor after the warm-up both rates decay by a cosine to {@code lrFloor} times their value at the last
   *     iteration (1 = constant)
   * @param averaging decay d of a bias-corrected exponential moving average of all parameters, updated after every
   *     step; when positive, evaluations during training and the saved model use the averaged parameters while the
   *     optimizers keep stepping the raw ones (0 = none; see {@link dev.marginal.optim.ParameterAverage})
   * @param adamBeta2 Adam's second-moment decay β2 for both optimizers (β1 stays 0.9)
   */
  public record Optimization(double decoderLr, double encoderLr, double clipNorm, long warmup, double lrFloor,
      double averaging, double adamBeta2) {
    public Optimization {
      if (!(decoderLr > 0) || Double.isInfinite(decoderLr)) {
        throw ParameterException.of("decoderLr", "must be positive, got " + decoderLr);
      }
      if (!(encoderLr > 0) || Double.isInfinite(encoderLr)) {
        throw ParameterException.of("encoderLr", "must be positive, got " + encoderLr);
      }
      if (!(clipNorm >= 0)) {
        throw ParameterException.of("clipNorm", "must be >= 0, got " + clipNorm);
      }
      ParameterException.float32("decoderLr", decoderLr);
      ParameterException.float32("encoderLr", encoderLr);
      ParameterException.float32("clipNorm", clipNorm);
      ParameterException.atLeast("warmup", warmup, 0);
      if (!(lrFloor >= 0 && lrFloor <= 1)) {
        throw ParameterException.of("lrFloor", "must be in [0, 1], got " + lrFloor);
      }
      if (!(adamBeta2 > 0 && adamBeta2 < 1)) {
        throw ParameterException.of("adamBeta2", "must be in (0, 1), got " + adamBeta2);
      }
      if (!(averaging >= 0 && averaging < 1)) {
        throw ParameterException.of("averaging", "must be in [0, 1) (0 = no averaging), got " + averaging);
      }
    }
  }

  /**
   * The surrogate's shape: z ∈ ℝ^latentDim, MLPs with the given hidden widths and nonlinearity.
   *
   * @param latentDim d, >= 1
   * @param hidden hidden widths, each >= 1 (copied in and out)
   * @param activation hidden nonlinearity
   */
  public record Architecture(int latentDim, int[] hidden, Activation activation) {
    public Architecture {
      ParameterException.atLeast("latentDim", latentDim, 1);
      Objects.requireNonNull(hidden, "hidden");
      Objects.requireNonNull(activation, "activation");
      for (int h : hidden) {
        if (h < 1) {
          throw ParameterException.of("hidden", "sizes must be positive, got " + Arrays.toString(hidden));
        }
      }
      hidden = hidden.clone();
    }

    @Override
    public int[] hidden() {
      return hidden.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Architecture a && a.latentDim == latentDim && Arrays.equals(a.hidden, hidden)
          && a.activation == activation;
    }

    @Override
    public int hashCode() {
      return (31 * latentDim + Arrays.hashCode(hidden)) * 31 + activation.hashCode();
    }

    @Override
    public String toString() {
      return "Architecture[latentDim=" + latentDim + ", hidden=" + Arrays.toString(hidden) + ", activation="
          + activation + "]";
    }
  }

  /**
   * The run's size.
   *
   * @param batchSize surrogate samples per step, >= 1
   * @param iterations optimisation steps, >= 0
   * @param seed root seed
   */
  public record RunControl(int batchSize, long iterations, long seed) {
    public RunControl {
      ParameterException.atLeast("batchSize", batchSize, 1);
      ParameterException.atLeast("iterations", iterations, 0);
      if (iterations > MAX_ITERATIONS) {
        throw ParameterException.of("iterations", "must be at most " + MAX_ITERATIONS + ", got " + iterations);
      }
    }
  }

  /**
   * Checks the settings together: the decoder's path gradient ({@link Estimator#pathGradient()}) is refused with a
   * forward KL over the whole run ({@code forward().fraction() == 1}), which leaves no reverse-KL step for it to
   * change (a checkpoint that recorded the two still resumes without it: {@link RunFingerprint#check}).
   *
   * @throws ParameterException naming {@code pathGradient} and {@code forwardFraction} for that combination
   */
  public ReverseKlOptions {
    Objects.requireNonNull(estimation, "estimation");
    Objects.requireNonNull(optimization, "optimization");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(annealing, "annealing");
    Objects.requireNonNull(forward, "forward");
    if (estimation.pathGradient() && forward.fraction() == 1) {
      throw ParameterException.about(List.of("pathGradient", "forwardFraction"), "pathGradient applies to the "
          + "reverse-KL steps, and forwardFraction 1 leaves none: the decoder follows the forward KL throughout");
    }
  }

  /** The options without the forward KL (as before it existed). */
  public ReverseKlOptions(Estimator estimation, Optimization optimization, Architecture architecture,
      RunControl run, Annealing annealing) {
    this(estimation, optimization, architecture, run, annealing, ForwardKl.NONE);
  }

  /** The seed experiment's architecture with SUMO, Adam 1e-4 with β2 = 0.98 and averaging 0.999 (class doc). */
  public static ReverseKlOptions defaults() {
    return new ReverseKlOptions(
        new Estimator(LvmTrainingOptions.Objective.SUMO, DEFAULT_K, DEFAULT_MIN_TERMS),
        new Optimization(DEFAULT_LR, DEFAULT_LR, 0, DEFAULT_WARMUP, DEFAULT_LR_FLOOR, DEFAULT_AVERAGING,
            DEFAULT_ADAM_BETA2),
        new Architecture(DEFAULT_LATENT, new int[] {DEFAULT_HIDDEN}, Activation.TANH),
        new RunControl(DEFAULT_BATCH, DEFAULT_ITERATIONS, 0), Annealing.NONE);
  }

  /**
   * The importance-weighted forward KL for the whole run ({@link ForwardKl}), for targets of one to a few
   * dimensions whose mass a broad Gaussian reaches: 20,000 steps of batch 50 with IWAE K = 50, Adam 1e-2 with β2 =
   * 0.98 decayed by a cosine to 1e-4, gradient norms clipped at 5, no parameter average, latent 4 and two hidden
   * layers of 64 tanh units. Measured at 20,000 iterations on five seeds (BENCHMARKS.md): reverse KL ≤ 0.05 nats on
   * every run on U1–U4 and the 2-D mixture, where the reverse-KL defaults stay 0.8–1.2 nats off U1–U4 and 0.1 off
   * the mixture; below the defaults' KL on the seed funnel too; 39 or 40 of the 40-mode mixture's modes covered where
   * reverse KL covers 3 or 4, with mass between them, which the reverse KL charges for. Latent 4 rather than 2 is
   * what made every seed work: with latent 2, three runs in fifteen ended 0.08–0.30 nats off. In 10 or 32
   * dimensions the proposal's weights degenerate and it fails ({@link #forTarget} picks it in two dimensions).
   */
  public static ReverseKlOptions importanceForward() {
    return defaults().withForward(ForwardKl.over(1)).withLearningRates(IMPORTANCE_FORWARD_LR, IMPORTANCE_FORWARD_LR)
        .withSchedule(0, IMPORTANCE_FORWARD_LR_FLOOR).withClipNorm(IMPORTANCE_FORWARD_CLIP).withAveraging(0)
        .withBatchSize(IMPORTANCE_FORWARD_BATCH).withNumSamples(IMPORTANCE_FORWARD_K)
        .withArchitecture(IMPORTANCE_FORWARD_LATENT, new int[] {64, 64}, Activation.TANH);
  }

  /**
   * The recipe for {@code target}: {@link #importanceForward()} for a target of at most {@value #FORWARD_MAX_DIM}
   * dimensions, {@link #defaults()} (reverse KL with SUMO) beyond. The forward KL needs the broad Gaussian proposal's
   * importance weights to keep an effective sample size, which falls with the dimension: of 1,024 proposals, 34–159
   * on every built-in 2-D target, 17–18 on Neal's funnel in 3 and 10 dimensions and 1 on the 8- and 32-D many-well
   * targets (BENCHMARKS.md), where the forward fits fail and reverse KL does better.
   */
  public static ReverseKlOptions forTarget(Target target) {
    Objects.requireNonNull(target, "target");
    return target.dim() <= FORWARD_MAX_DIM ? importanceForward() : defaults();
  }

  /** The most dimensions for which {@link #forTarget} picks the forward recipe. */
  public static final int FORWARD_MAX_DIM = 2;

  /** The forward recipe's Adam step ({@link #importanceForward()}). */
  public static final double IMPORTANCE_FORWARD_LR = 1e-2;
  /** The forward recipe's cosine floor, as a share of its step. */
  public static final double IMPORTANCE_FORWARD_LR_FLOOR = 0.01;
  /** The forward recipe's gradient-norm bound. */
  public static final double IMPORTANCE_FORWARD_CLIP = 5;
  /** The forward recipe's resampled points per step. */
  public static final int IMPORTANCE_FORWARD_BATCH = 50;
  /** The forward recipe's IWAE K. */
  public static final int IMPORTANCE_FORWARD_K = 50;
  /** The forward recipe's latent dimension. */
  public static final int IMPORTANCE_FORWARD_LATENT = 4;

  /** Fits the importance-weighted forward KL over the first part of the run ({@link ForwardKl}). */
  public ReverseKlOptions withForward(ForwardKl f) {
    return new ReverseKlOptions(estimation, optimization, architecture, run, annealing, f);
  }

  public ReverseKlOptions withEstimation(Estimator e) {
    return new ReverseKlOptions(e, optimization, architecture, run, annealing, forward);
  }

  public ReverseKlOptions withOptimization(Optimization o) {
    return new ReverseKlOptions(estimation, o, architecture, run, annealing, forward);
  }

  public ReverseKlOptions withArchitecture(Architecture a) {
    return new ReverseKlOptions(estimation, optimization, a, run, annealing, forward);
  }

  public ReverseKlOptions withRun(RunControl r) {
    return new ReverseKlOptions(estimation, optimization, architecture, r, annealing, forward);
  }

  /** Trains against the target tempered by {@code a} early in the run ({@link Annealing}). */
  public ReverseKlOptions withAnnealing(Annealing a) {
    return new ReverseKlOptions(estimation, optimization, architecture, run, a, forward);
  }

  /** Anneals over {@code fraction} of the iterations from β = 0.01 ({@link Annealing#over}); 0 = none. */
  public ReverseKlOptions withAnnealing(double fraction) {
    return withAnnealing(new Annealing(fraction, annealing.startBeta(), annealing.scale()));
  }

  public ReverseKlOptions withObjective(LvmTrainingOptions.Objective o) {
    return withEstimation(new Estimator(o, numSamples(), minTerms(), pathGradient()));
  }

  public ReverseKlOptions withNumSamples(int k) {
    return withEstimation(new Estimator(objective(), k, minTerms(), pathGradient()));
  }

  public ReverseKlOptions withMinTerms(int m) {
    return withEstimation(new Estimator(objective(), numSamples(), m, pathGradient()));
  }

  /**
   * Whether the decoder follows the path gradient only ({@link Estimator#pathGradient()}); refused on with a forward
   * KL over the whole run, which has no reverse-KL step.
   */
  public ReverseKlOptions withPathGradient(boolean on) {
    return withEstimation(new Estimator(objective(), numSamples(), minTerms(), on));
  }

  public boolean pathGradient() {
    return estimation.pathGradient();
  }

  public ReverseKlOptions withLearningRates(double decoder, double encoder) {
    Optimization o = optimization;
    return withOptimization(new Optimization(decoder, encoder, o.clipNorm(), o.warmup(), o.lrFloor(),
        o.averaging(), o.adamBeta2()));
  }

  /**
   * Linear warm-up over {@code steps}, then cosine decay to {@code floor} times the rates (1 = none). A warm-up of
   * more steps than {@link #iterations()} is refused when a {@link ReverseKlTrainer} is made, naming both.
   */
  public ReverseKlOptions withSchedule(long steps, double floor) {
    Optimization o = optimization;
    return withOptimization(new Optimization(o.decoderLr(), o.encoderLr(), o.clipNorm(), steps, floor,
        o.averaging(), o.adamBeta2()));
  }

  /** Averages the parameters with decay {@code decay} (0 = none); see {@link Optimization#averaging()}. */
  public ReverseKlOptions withAveraging(double decay) {
    Optimization o = optimization;
    return withOptimization(new Optimization(o.decoderLr(), o.encoderLr(), o.clipNorm(), o.warmup(), o.lrFloor(),
        decay, o.adamBeta2()));
  }

  /** Uses {@code beta2} as Adam's second-moment decay β2 in both optimizers. */
  public ReverseKlOptions withAdamBeta2(double beta2) {
    Optimization o = optimization;
    return withOptimization(new Optimization(o.decoderLr(), o.encoderLr(), o.clipNorm(), o.warmup(), o.lrFloor(),
        o.averaging(), beta2));
  }

  public ReverseKlOptions withClipNorm(double c) {
    Optimization o = optimization;
    return withOptimization(new Optimization(o.decoderLr(), o.encoderLr(), c, o.warmup(), o.lrFloor(),
        o.averaging(), o.adamBeta2()));
  }

  public ReverseKlOptions withSeed(long s) {
    return withRun(new RunControl(run.batchSize(), run.iterations(), s));
  }

  public ReverseKlOptions withIterations(long n) {
    return withRun(new RunControl(run.batchSize(), n, run.seed()));
  }

  public ReverseKlOptions withBatchSize(int b) {
    return withRun(new RunControl(b, run.iterations(), run.seed()));
  }

  public ReverseKlOptions withArchitecture(int latent, int[] hiddenSizes, Activation act) {
    return withArchitecture(new Architecture(latent, hiddenSizes, act));
  }

  /** Whether the Adam steps change over the run. */
  public boolean scheduled() {
    return warmup() > 0 || lrFloor() < 1;
  }

  /** Whether the evaluated and saved surrogate is a moving average of the parameters. */
  public boolean averaged() {
    return averaging() > 0;
  }

  /**
   * The estimator of log q(x) of the reverse KL, and the encoder's objective: under a forward KL for the whole run
   * ({@code forward().fraction() == 1}) only the encoder follows it, on the surrogate's own samples.
   */
  public LvmTrainingOptions.Objective objective() {
    return estimation.objective();
  }

  /**
   * The name of what the decoder fits, for reports and provenance: {@value #FORWARD_KL_OBJECTIVE} when the forward
   * KL ({@link ForwardKl}, IWAE_K on the resampled points) covers the whole run, else {@code objective().id()}.
   */
  public String objectiveLabel() {
    return forward.fraction() == 1 ? FORWARD_KL_OBJECTIVE : objective().id();
  }

  public int numSamples() {
    return estimation.numSamples();
  }

  public int minTerms() {
    return estimation.minTerms();
  }

  public double decoderLr() {
    return optimization.decoderLr();
  }

  public double encoderLr() {
    return optimization.encoderLr();
  }

  public double clipNorm() {
    return optimization.clipNorm();
  }

  public long warmup() {
    return optimization.warmup();
  }

  public double lrFloor() {
    return optimization.lrFloor();
  }

  public double averaging() {
    return optimization.averaging();
  }

  public double adamBeta2() {
    return optimization.adamBeta2();
  }

  public int latentDim() {
    return architecture.latentDim();
  }

  /** The hidden widths (a copy). */
  public int[] hidden() {
    return architecture.hidden();
  }

  public Activation activation() {
    return architecture.activation();
  }

  public int batchSize() {
    return run.batchSize();
  }

  public long iterations() {
    return run.iterations();
  }

  public long seed() {
    return run.seed();
  }

  /** The estimator of log q(x). */
  public LogMarginalEstimator estimator() {
    return objective().estimator(numSamples(), minTerms());
  }

  /**
   * As a JSON-ready map, for provenance: {@code objective} is {@link #objectiveLabel()}, and when that is the forward
   * KL, {@code encoderObjective} is {@code objective().id()}. Files of version 0.2.0 and earlier name
   * {@code objective().id()} under {@code objective} whatever the forward fraction.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("objective", objectiveLabel());
    if (!objectiveLabel().equals(objective().id())) {
      m.put("encoderObjective", objective().id());
    }
    m.put("k", numSamples());
    m.put("minTerms", minTerms());
    m.put("pathGradient", pathGradient());
    m.put("batch", batchSize());
    m.put("iterations", iterations());
    m.put("decoderLr", decoderLr());
    m.put("encoderLr", encoderLr());
    m.put("clip", clipNorm());
    m.put("seed", seed());
    m.put("latent", latentDim());
    m.put("hidden", hidden());
    m.put("activation", activation().id());
    m.put("warmup", warmup());
    m.put("lrFloor", lrFloor());
    m.put("averaging", averaging());
    m.put("adamBeta2", adamBeta2());
    m.put("annealFraction", annealing.fraction());
    m.put("annealStartBeta", annealing.startBeta());
    m.put("annealScale", annealing.scale());
    m.put("forwardFraction", forward.fraction());
    m.put("forwardProposals", forward.proposals());
    m.put("forwardScale", forward.scale());
    return m;
  }
}
