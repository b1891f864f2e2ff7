package dev.marginal.train;

import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.LogMarginalEstimator;
import dev.marginal.estimators.Sumo;
import dev.marginal.models.DeepLvm;
import dev.marginal.optim.Adam;
import dev.marginal.optim.GradientClipping;
import dev.marginal.optim.LearningRate;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Target;
import dev.marginal.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Fits a surrogate q(x) = ∫ q(x|z) p(z) dz to an unnormalized target p̃ by minimizing the reverse KL
 * {@code E_{x~q}[log q̂(x) − log p̃(x)]}.
 *
 * <p>Each step draws z ~ N(0, I) and x = μ(z) + σ(z) ⊙ ε through the Gaussian decoder (reparameterized, so the loss
 * is differentiable in the decoder), and estimates log q(x) with importance samples from the encoder r(z|x). The
 * decoder follows the gradient of the loss. The encoder follows its own objective with its own optimizer: for
 * SUMO, E[SUMO²] (SUMO is unbiased for any r, so r only controls variance); for IWAE and ELBO, the bound itself.
 *
 * <p>Why it matters: IWAE and ELBO under-estimate log q(x), so the decoder is rewarded for regions where the bound
 * is loose and can exploit the bias until training diverges; SUMO is unbiased, so the reverse-KL gradient is
 * unbiased too (Luo et al. 2020, §5.2).
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
  private long step;

  public ReverseKlTrainer(DeepLvm surrogate, Target target, ReverseKlOptions options) {
    if (surrogate.dataDim() != target.dim()) {
      throw new IllegalArgumentException("surrogate is " + surrogate.dataDim() + "-D but target " + target.name()
          + " is " + target.dim() + "-D");
    }
    if (surrogate.config().decoder() != DeepLvm.Decoder.GAUSSIAN) {
      throw new IllegalArgumentException("a reverse-KL surrogate needs a Gaussian decoder");
    }
    this.surrogate = surrogate;
    this.target = target;
    this.options = options;
    this.root = RngKey.of(options.seed());
    this.estimator = options.estimator();
    this.decoderParams = surrogate.decoderParameters();
    this.encoderParams = surrogate.encoderParameters();
    this.decoderOpt = new Adam(decoderParams, schedule(options, options.decoderLr()));
    this.encoderOpt = new Adam(encoderParams, schedule(options, options.encoderLr()));
  }

  /** The options' schedule at peak rate {@code rate}; it spans the whole run, so a resumed run follows it too. */
  static LearningRate schedule(ReverseKlOptions options, double rate) {
    if (!options.scheduled()) {
      return LearningRate.constant(rate);
    }
    return LearningRate.cosine(rate, options.warmup(), Math.max(1, options.iterations()), options.lrFloor());
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

  /** Restores the step counter and optimizer states from a checkpoint. */
  public void resumeFrom(long steps, Map<String, float[]> decoderState, Map<String, float[]> encoderState) {
    this.step = steps;
    decoderOpt.restore(decoderState);
    encoderOpt.restore(encoderState);
  }

  /**
   * One step on both optimizers.
   *
   * @return the batch mean of {@code log q̂(x) − log p̃(x)} (a reverse-KL estimate up to log Z); non-finite values
   *     mean divergence, and no update is applied
   */
  public double step() {
    RngKey key = root.foldIn(step);
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
    Var logQ = estimator.logMarginal(surrogate, x, r, key.foldIn(2));
    Var gap = logQ.sub(target.logDensity(x));
    Var loss = gap.mean();
    double value = loss.value().item();
    if (!Double.isFinite(value)) {
      return value;
    }
    tape.backward(loss, decoderParams);
    Var encoderLoss = options.objective() == LvmTrainingOptions.Objective.SUMO
        ? Sumo.encoderLoss(logQ) : logQ.mean().neg();
    tape.backward(encoderLoss, encoderParams);
    if (options.clipNorm() > 0) {
      GradientClipping.clipByGlobalNormInPlace(decoderParams, options.clipNorm());
      GradientClipping.clipByGlobalNormInPlace(encoderParams, options.clipNorm());
    }
    decoderOpt.step();
    encoderOpt.step();
    step++;
    return value;
  }
}
