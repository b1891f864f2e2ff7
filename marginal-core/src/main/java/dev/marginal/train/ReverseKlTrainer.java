package dev.marginal.train;

import dev.marginal.config.ParameterException;
import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.Iwae;
import dev.marginal.estimators.LogMarginalEstimator;
import dev.marginal.estimators.Sumo;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Mlp;
import dev.marginal.optim.Adam;
import dev.marginal.optim.GradientClipping;
import dev.marginal.optim.LearningRate;
import dev.marginal.optim.ParameterAverage;
import dev.marginal.random.RngKey;
import dev.marginal.targets.AnnealedTarget;
import dev.marginal.targets.Target;
import dev.marginal.targets.UnconstrainedTarget;
import dev.marginal.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Fits a surrogate q(x) = ∫ q(x|z) p(z) dz to an unnormalized target p̃ by minimizing the reverse KL
 * {@code E_{x~q}[log q̂(x) − log p̃(x)]}.
 *
 * <p>Each step draws z ~ N(0, I) and x = μ(z) + σ(z) ⊙ ε through the Gaussian decoder (reparameterized, so the loss
 * is differentiable in the decoder), and estimates log q(x) with importance samples from the encoder r(z|x). The
 * decoder follows the gradient of the loss. The encoder follows its own objective with its own optimizer: for
 * SUMO, E[SUMO²] (SUMO is unbiased for any r, so r only controls variance); for IWAE and ELBO, the bound itself.
 *
 * <p>For a target with bounded {@link Target#support()} the LVM lives on ℝ^dim and is trained against the
 * pulled-back target p̃(T(y))·|det J_T(y)| ({@link UnconstrainedTarget}); its samples are the LVM's mapped through
 * T ({@link Surrogates#sample}), and the KL is the same in both spaces.
 *
 * <p>With {@link ReverseKlOptions#pathGradient()} the decoder follows the path gradient only: the log q(x)
 * estimate reads a snapshot of the decoder's parameters, so ∇_θ reaches it only through x = x_θ(z, ε). The dropped
 * part, the decoder's score E_q[∇_θ log q_θ(x)] at fixed x, has expectation zero, so the gradient stays unbiased
 * (for SUMO, which is unbiased for log q at every x) while losing a noise term that does not vanish as q → p; at
 * q = p the path gradient is zero (Roeder, Wu &amp; Duvenaud 2017, "sticking the landing"). The encoder's
 * objective is unchanged.
 *
 * <p>Why it matters: IWAE and ELBO under-estimate log q(x), so the decoder is rewarded for regions where the bound
 * is loose and can exploit the bias until training diverges; SUMO is unbiased, so the reverse-KL gradient is
 * unbiased too (Luo et al. 2020, §5.2).
 *
 * <p>With {@link ReverseKlOptions#annealing()} active, step t fits the tempered target p̃_β(t) ({@link Annealing},
 * {@link AnnealedTarget}) instead, a counter to collapse onto few modes; β reaches 1 before the run ends.
 *
 * <p>With {@link ReverseKlOptions#forward()} active, the first steps fit the importance-weighted forward KL
 * instead ({@link ForwardKl}): maximum likelihood on points resampled from importance-weighted draws of a broad
 * Gaussian, for decoder and encoder alike.
 *
 * <p>With {@link ReverseKlOptions#averaged()}, a {@link ParameterAverage} of all parameters (decoder and encoder)
 * follows every step; the optimizers keep stepping the raw parameters, and {@link #withAveragedParameters} and
 * {@link #finishWithAveragedParametersInPlace()} give the averaged surrogate for evaluation and saving.
 */
public final class ReverseKlTrainer {
  private final DeepLvm surrogate;
  private final Target target;
  private final ReverseKlOptions options;
  private final RngKey root;
  private final LogMarginalEstimator estimator;
  private final List<Parameter> decoderParams;
  private final List<Parameter> encoderParams;
  private final Adam decoderOpt;
  private final Adam encoderOpt;
  private final ParameterAverage average;
  private final double annealScale;
  private final double[] forwardCentres;
  private final double[] forwardScales;
  private double lastForwardEss = Double.NaN;
  private double lastNonFiniteTargetLogDensity = 0;
  /** The largest |coordinate| of the point where {@link #lastNonFiniteTargetLogDensity} was; NaN if one was NaN. */
  private double lastNonFinitePointMagnitude = 0;
  private long step;
  /** The run's record up to the last checkpoint or resume, which checkpoints carry. */
  private ReverseKlHistory history = ReverseKlHistory.EMPTY;

  /**
   * A trainer of {@code surrogate} for {@code target} under {@code options}.
   *
   * @throws ParameterException naming {@code warmup} and {@code iterations} for a learning-rate warm-up longer than
   *     the run, whose rates would still be rising when it ends
   */
  public ReverseKlTrainer(DeepLvm surrogate, Target target, ReverseKlOptions options) {
    checkWarmupWithinRun(options);
    if (surrogate.dataDim() != target.dim()) {
      throw new IllegalArgumentException("surrogate is " + surrogate.dataDim() + "-D but target " + target.name()
          + " is " + target.dim() + "-D");
    }
    if (surrogate.config().decoder() != DeepLvm.Decoder.GAUSSIAN) {
      throw new IllegalArgumentException("a reverse-KL surrogate needs a Gaussian decoder");
    }
    this.surrogate = surrogate;
    // A target with bounded support is trained on ℝ^dim through its pull-back, which has the same KL.
    this.target = UnconstrainedTarget.of(target);
    this.options = options;
    this.root = RngKey.of(options.seed());
    this.estimator = options.estimator();
    this.decoderParams = surrogate.decoderParameters();
    this.encoderParams = surrogate.encoderParameters();
    this.decoderOpt = new Adam(decoderParams, schedule(options, options.decoderLr()), Adam.DEFAULT_BETA1,
        options.adamBeta2(), Adam.DEFAULT_EPSILON);
    this.encoderOpt = new Adam(encoderParams, schedule(options, options.encoderLr()), Adam.DEFAULT_BETA1,
        options.adamBeta2(), Adam.DEFAULT_EPSILON);
    this.average = options.averaged() ? new ParameterAverage(surrogate.parameters(), options.averaging()) : null;
    this.annealScale = options.annealing().scaleFor(target);
    this.forwardCentres = options.forward().centresFor(target);
    this.forwardScales = options.forward().scalesFor(target);
  }

  /** β of the tempered target at the next step (1 without annealing; see {@link Annealing}). */
  public double beta() {
    return options.annealing().beta(step, options.iterations());
  }

  /** The density the next step fits: the (pulled-back) target, tempered while annealing. */
  Target trainingTarget() {
    double beta = beta();
    return beta == 1 ? target : AnnealedTarget.of(target, beta, annealScale);
  }

  /**
   * Refuses a warm-up of more steps than the run has: the rates would rise to (warm-up steps / iterations) of their
   * values and stop there, never decaying. The warm-up and the options' iterations are set apart (by
   * {@link ReverseKlOptions#withSchedule} and {@link ReverseKlOptions#withIterations}, in either order), so they are
   * compared here, where the run begins; a resumed run follows the schedule of its new length, so no longer run can
   * be meant.
   */
  private static void checkWarmupWithinRun(ReverseKlOptions options) {
    if (options.warmup() > options.iterations()) {
      throw ParameterException.about(List.of("warmup", "iterations"), "warmup " + options.warmup()
          + " is longer than the run's iterations " + options.iterations() + ": the learning rates would still be "
          + "rising when it ends, never reaching their set values; give a warmup of at most iterations");
    }
  }

  /** The options' schedule at peak rate {@code rate}; it spans the whole run, so a resumed run follows it too. */
  static LearningRate schedule(ReverseKlOptions options, double rate) {
    if (!options.scheduled()) {
      return LearningRate.constant(rate);
    }
    return LearningRate.cosine(rate, options.warmup(), Math.max(1, options.iterations()), options.lrFloor());
  }

  /** The decoder's learning rate at the last step taken (at the first step before any). */
  public double decoderLearningRate() {
    return schedule(options, options.decoderLr()).at(Math.max(0, step - 1));
  }

  /** The encoder's learning rate at the last step taken (at the first step before any). */
  public double encoderLearningRate() {
    return schedule(options, options.encoderLr()).at(Math.max(0, step - 1));
  }

  /** A fresh surrogate of the options' architecture for {@code target}. */
  public static DeepLvm newSurrogate(Target target, ReverseKlOptions options) {
    return DeepLvm.create(new DeepLvm.Config(target.dim(), options.latentDim(), options.hidden(),
        options.activation(), DeepLvm.Decoder.GAUSSIAN), RngKey.of(options.seed()).foldIn(-1), null);
  }

  public DeepLvm surrogate() {
    return surrogate;
  }

  public long steps() {
    return step;
  }

  /** Optimizer states for checkpoints. */
  public Map<String, float[]> decoderOptimizerState() {
    return decoderOpt.state();
  }

  public Map<String, float[]> encoderOptimizerState() {
    return encoderOpt.state();
  }

  /** The parameter average's state for checkpoints (empty without averaging). */
  public Map<String, float[]> averageState() {
    return average == null ? Map.of() : average.state();
  }

  /** Restores the step counter and optimizer states from a checkpoint of a run without averaging. */
  public void resumeFrom(long steps, Map<String, float[]> decoderState, Map<String, float[]> encoderState) {
    resumeFrom(steps, decoderState, encoderState, Map.of());
  }

  /**
   * Restores the step counter, optimizer states and, when averaging, the parameter average from a checkpoint.
   *
   * @throws IllegalArgumentException if the options average but {@code averageState} holds no average
   */
  public void resumeFrom(long steps, Map<String, float[]> decoderState, Map<String, float[]> encoderState,
      Map<String, float[]> averageState) {
    if (average != null) {
      if (averageState.isEmpty()) {
        throw ParameterException.about(List.of("averaging"), "the checkpoint holds no parameter average (it was "
            + "written with averaging 0 or by an earlier version); resume it with averaging 0");
      }
      average.restore(averageState);
    }
    this.step = steps;
    decoderOpt.restore(decoderState);
    encoderOpt.restore(encoderState);
  }

  /**
   * The losses, evaluations and warnings of the run so far, as {@link ReverseKlRun} last recorded them (before a
   * checkpoint) or a checkpoint restored them; empty after {@link #resumeFrom}, which restores none.
   */
  ReverseKlHistory history() {
    return history;
  }

  void recordHistory(ReverseKlHistory h) {
    history = h;
  }

  /**
   * Runs {@code action} with the averaged parameters in the surrogate and then puts the raw ones back (exactly:
   * values are exchanged, not recomputed); without averaging, just runs it.
   */
  public <T> T withAveragedParameters(Supplier<T> action) {
    if (average == null) {
      return action.get();
    }
    average.swapInPlace();
    try {
      return action.get();
    } finally {
      average.swapInPlace();
    }
  }

  /** Leaves the averaged parameters in the surrogate for saving; further steps would start from them. */
  public void finishWithAveragedParametersInPlace() {
    if (average != null) {
      average.copyToParametersInPlace();
    }
  }

  /**
   * The surrogate with its decoder replaced by a snapshot: parameters with the same values that the decoder's
   * optimizer does not own, so a backward pass restricted to the decoder's parameters leaves out their path.
   */
  static DeepLvm withDecoderSnapshot(DeepLvm m) {
    Mlp d = m.decoder();
    return DeepLvm.of(m.config(), m.encoder(), Mlp.of(d.sizes(), d.activation(), snapshot(d.weights()),
        snapshot(d.biases())));
  }

  private static List<Parameter> snapshot(List<Parameter> ps) {
    List<Parameter> out = new java.util.ArrayList<>(ps.size());
    for (Parameter p : ps) {
      out.add(new Parameter(p.name(), p.value()));
    }
    return out;
  }

  /** Whether the next step fits the importance-weighted forward KL ({@link ForwardKl}) rather than the reverse. */
  public boolean inForwardPhase() {
    return options.forward().appliesAt(step, options.iterations());
  }

  /**
   * The first invalid value of the target's log density in the last step, whose loss was then not finite: non-finite
   * at the surrogate's draws in a reverse step, NaN or +∞ at the proposals in a forward step; 0 when there was none.
   */
  double lastNonFiniteTargetLogDensity() {
    return lastNonFiniteTargetLogDensity;
  }

  /**
   * The largest |coordinate| of the point at which {@link #lastNonFiniteTargetLogDensity()} was found (NaN or ∞ if
   * the point itself was not finite; 0 when there was none). Beyond {@link #FLOAT_SQUARE_LIMIT} a target's float32
   * arithmetic overflows, and the fault is the point's, not the target's.
   */
  double lastNonFinitePointMagnitude() {
    return lastNonFinitePointMagnitude;
  }

  /**
   * √{@link Float#MAX_VALUE}, about 1.8e19: a coordinate at least this large squares to +∞ in float32, so that
   * almost any target's log density overflows there.
   */
  static final double FLOAT_SQUARE_LIMIT = Math.sqrt(Float.MAX_VALUE);

  /** The effective sample size of the last forward step's importance weights (NaN before any). */
  public double lastForwardEss() {
    return lastForwardEss;
  }

  /**
   * A forward-KL step ({@link ForwardKl}): the batch resampled from importance-weighted proposals of the density
   * being fitted, and −mean IWAE_K log q(x) over it back-propagated into decoder and encoder; the encoder also
   * follows its reverse-KL objective on the surrogate's own samples ({@link #trainEncoderOnSurrogateSamples}).
   *
   * @return −mean log q̂(x) over the resampled batch (a cross-entropy estimate, KL(p ‖ q) + H(p) up to the
   *     resampling's and IWAE's biases); NaN when no proposal had a finite density, and then no gradient is added
   */
  private double accumulateForwardGradients(RngKey key) {
    ImportanceResampling.Draws draws = ImportanceResampling.resample(trainingTarget(), forwardCentres,
        forwardScales, options.forward().proposals(), options.batchSize(), key.foldIn(3));
    lastForwardEss = draws.ess();
    lastNonFiniteTargetLogDensity = 0;
    lastNonFinitePointMagnitude = 0;
    if (draws.points() == null) {
      lastNonFiniteTargetLogDensity = draws.invalidLogDensity();
      lastNonFinitePointMagnitude = draws.invalidMagnitude();
      return Double.NaN;
    }
    Tape tape = new Tape();
    Var x = tape.constant(draws.points());
    DiagNormal r = surrogate.posterior(tape, x);
    Var loss = Iwae.of(options.numSamples()).logMarginal(surrogate, x, r, key.foldIn(4)).mean().neg();
    double value = loss.value().item();
    if (!Double.isFinite(value)) {
      return value;
    }
    tape.backward(loss, surrogate.parameters());
    trainEncoderOnSurrogateSamples(key);
    return value;
  }

  /**
   * Adds the encoder's own objective (as in a reverse-KL step) on a batch drawn from the surrogate: the encoder,
   * the proposal of every log q(x) estimate, then also fits the surrogate's own samples, as the sleep phase of
   * wake-sleep does. Without it a forward-KL fit ended 0.35 nats from U1, with it 0.04 (BENCHMARKS.md).
   */
  private void trainEncoderOnSurrogateSamples(RngKey key) {
    Tape tape = new Tape();
    Tensor x = surrogate.sample(key.foldIn(5), options.batchSize(), false);
    Var xv = tape.constant(x);
    Var logQ = estimator.logMarginal(surrogate, xv, surrogate.posterior(tape, xv), key.foldIn(6));
    if (!Double.isFinite(logQ.mean().value().item())) {
      return;
    }
    tape.backward(encoderLoss(logQ), encoderParams);
  }

  /** The encoder's own objective on log q(x) estimates: E[SUMO²] for SUMO, the bound itself for IWAE and ELBO. */
  private Var encoderLoss(Var logQ) {
    return options.objective() == LvmTrainingOptions.Objective.SUMO ? Sumo.encoderLoss(logQ) : logQ.mean().neg();
  }

  /**
   * One step on both optimizers.
   *
   * @return the batch mean of {@code log q̂(x) − log p̃(x)} (a reverse-KL estimate up to log Z; while annealing,
   *     against the tempered p̃_β); non-finite values mean divergence, and no update is applied
   */
  public double step() {
    double value = accumulateGradients();
    if (!Double.isFinite(value)) {
      return value;
    }
    if (options.clipNorm() > 0) {
      GradientClipping.clipByGlobalNormInPlace(decoderParams, options.clipNorm());
      GradientClipping.clipByGlobalNormInPlace(encoderParams, options.clipNorm());
    }
    decoderOpt.step();
    encoderOpt.step();
    if (average != null) {
      average.updateInPlace();
    }
    step++;
    return value;
  }

  /**
   * The forward pass of the next step and its gradients, added into the decoder's parameters (the reverse-KL loss)
   * and the encoder's (its own objective); nothing is stepped. With {@link ReverseKlOptions#pathGradient()} the
   * log q(x) estimate reads a snapshot of the decoder, so the decoder's gradient reaches it only through x.
   *
   * @return the loss; when it is not finite no gradient is added
   */
  double accumulateGradients() {
    RngKey key = root.foldIn(step);
    if (inForwardPhase()) {
      return accumulateForwardGradients(key);
    }
    int b = options.batchSize();
    int dim = surrogate.dataDim();
    Tape tape = new Tape();
    Var z = tape.constant(surrogate.samplePrior(key.foldIn(0), b));
    Var out = surrogate.decoder().apply(tape, z);
    Var mean = out.slice(-1, 0, dim);
    Var logVar = DeepLvm.boundLogVar(out.slice(-1, dim, 2 * dim));
    Var eps = tape.constant(Tensor.wrap(key.foldIn(1).normals(b * dim), b, dim));
    Var x = mean.add(logVar.mul(0.5f).exp().mul(eps));
    DiagNormal r = surrogate.posterior(tape, x);
    Var logQ = estimator.logMarginal(options.pathGradient() ? withDecoderSnapshot(surrogate) : surrogate, x, r,
        key.foldIn(2));
    Var logP = trainingTarget().logDensity(x);
    Var loss = logQ.sub(logP).mean();
    double value = loss.value().item();
    lastNonFiniteTargetLogDensity = 0;
    lastNonFinitePointMagnitude = 0;
    if (!Double.isFinite(value)) {
      float[] logPs = logP.value().buffer();
      for (int i = 0; i < logPs.length; i++) {
        if (!Float.isFinite(logPs[i])) {
          lastNonFiniteTargetLogDensity = logPs[i];
          lastNonFinitePointMagnitude = ImportanceResampling.magnitude(x.value().buffer(), i * dim, dim);
          break;
        }
      }
      return value;
    }
    tape.backward(loss, decoderParams);
    tape.backward(encoderLoss(logQ), encoderParams);
    return value;
  }
}
