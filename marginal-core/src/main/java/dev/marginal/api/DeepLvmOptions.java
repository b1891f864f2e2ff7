package dev.marginal.api;

import dev.marginal.config.ParameterException;
import dev.marginal.data.Binarization;
import dev.marginal.density.LocalPosteriorFit;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.train.GradientEstimator;
import dev.marginal.train.LvmTrainingOptions;
import java.util.Arrays;
import java.util.Objects;

/**
 * Everything a deep LVM fit needs, grouped by concern, with defaults that meet the evaluation targets: the
 * architecture ({@link Architecture}: latent size and decoder chosen from the data when left at "auto"), the
 * training ({@link LvmTrainingOptions}: objective, schedule, run control), the inference ({@link Inference}:
 * amortized encoder or per-datapoint posteriors) and the data preparation (standardization, a validation split).
 *
 * <p>The default schedule is the recipe that met NLL ≤ 236 with ≥ 25 active units on Fashion-MNIST (BENCHMARKS.md):
 * IWAE with K = 5, Adam 1e-3 decaying by a cosine to {@value #DEFAULT_LR_FLOOR} of itself over the run, and a KL
 * warm-up over the first {@value #DEFAULT_WARMUP_FRACTION} of the epochs. Both scale with the run's length: a
 * 100-epoch fit resolves to a floor of 0.1 and a 40-epoch warm-up, a 10-epoch fit to a 4-epoch warm-up. An explicit
 * {@link #withWarmupEpochs} or {@link #withLrFloor} overrides them; objectives that cannot be tempered (SUMO, DReG,
 * score function) resolve to no warm-up. A resumed run keeps its checkpoint's warm-up unless one is set explicitly
 * ({@link DeepLvmFit}), so that lengthening a run does not change its path.
 *
 * @param architecture the networks (with "auto" latent size and decoder)
 * @param training objective, schedule and run control; its warm-up is replaced by the scaled default unless
 *     {@code warmupFraction} is NaN
 * @param warmupFraction the fraction of the epochs the KL warm-up spans, in [0, 1), or NaN when
 *     {@code training}'s own warm-up applies
 * @param inference amortized or per-datapoint (per-datapoint posteriors take reparameterized gradients only)
 * @param standardize fit to (x − mean) / sd of each column (Gaussian decoder only)
 * @param validationFraction rows held out for validation and early stopping, in [0, 1) (0 = none)
 */
public record DeepLvmOptions(Architecture architecture, LvmTrainingOptions training, double warmupFraction,
    Inference inference, boolean standardize, double validationFraction) {
  /** The learning rate's final fraction in the default schedule. */
  public static final double DEFAULT_LR_FLOOR = 0.1;
  /** The fraction of the epochs the default KL warm-up spans. */
  public static final double DEFAULT_WARMUP_FRACTION = 0.4;

  /**
   * The networks.
   *
   * @param latentDim d; 0 = {@value #LATENT_IMAGES} for data with more than {@value #WIDE_DATA} columns, else
   *     {@value #LATENT_SMALL}
   * @param hidden hidden widths of encoder and decoder (copied in and out)
   * @param activation hidden nonlinearity
   * @param decoder Bernoulli or Gaussian; null = Bernoulli for data in [0, 1] (not standardized), else Gaussian
   */
  public record Architecture(int latentDim, int[] hidden, Activation activation, DeepLvm.Decoder decoder) {
    /** Latent size for image-sized data. */
    public static final int LATENT_IMAGES = 50;
    /** Latent size for low-dimensional data. */
    public static final int LATENT_SMALL = 2;
    /** Data with more columns than this count as image-sized. */
    public static final int WIDE_DATA = 20;

    public Architecture {
      ParameterException.atLeast("latentDim", latentDim, 0);
      Objects.requireNonNull(activation, "activation");
      Objects.requireNonNull(hidden, "hidden");
      for (int h : hidden) {
        if (h < 1) {
          throw ParameterException.of("hidden", "sizes must be positive, got " + Arrays.toString(hidden));
        }
      }
      hidden = hidden.clone();
    }

    /** Latent size and decoder from the data, two hidden layers of 200 tanh units (the IWAE paper's). */
    public static Architecture auto() {
      return new Architecture(0, new int[] {200, 200}, Activation.TANH, null);
    }

    @Override
    public int[] hidden() {
      return hidden.clone();
    }

    /** The latent size for data with {@code cols} columns. */
    public int latentDimFor(int cols) {
      return latentDim > 0 ? latentDim : cols > WIDE_DATA ? LATENT_IMAGES : LATENT_SMALL;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Architecture a && a.latentDim == latentDim && Arrays.equals(a.hidden, hidden)
          && a.activation == activation && a.decoder == decoder;
    }

    @Override
    public int hashCode() {
      return Objects.hash(latentDim, Arrays.hashCode(hidden), activation, decoder);
    }

    @Override
    public String toString() {
      return "Architecture[latentDim=" + latentDim + ", hidden=" + Arrays.toString(hidden) + ", activation="
          + activation + ", decoder=" + decoder + "]";
    }
  }

  /**
   * How q(z|x) is obtained.
   *
   * @param perDatapoint free (μ_i, log σ²_i) for every training row instead of an encoder; new rows get q from
   *     a local fit with the decoder fixed
   * @param localSteps steps of that local fit, at most {@link LocalPosteriorFit#MAX_STEPS} (0 = its default)
   */
  public record Inference(boolean perDatapoint, int localSteps) {
    public Inference {
      ParameterException.atLeast("localSteps", localSteps, 0);
      if (localSteps > LocalPosteriorFit.MAX_STEPS) {
        throw ParameterException.of("localSteps", "must be at most " + LocalPosteriorFit.MAX_STEPS + ", got "
            + localSteps);
      }
    }

    /** The amortized encoder. */
    public static Inference amortized() {
      return new Inference(false, 0);
    }
  }

  public DeepLvmOptions {
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(inference, "inference");
    if (!Double.isNaN(warmupFraction) && !(warmupFraction >= 0 && warmupFraction < 1)) {
      throw ParameterException.of("warmupFraction", "must be in [0, 1), got " + warmupFraction);
    }
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw ParameterException.of("validationFraction", "must be in [0, 1), got " + validationFraction);
    }
    if (standardize && architecture.decoder() == DeepLvm.Decoder.BERNOULLI) {
      throw ParameterException.about(java.util.List.of("standardize", "decoder"),
          "standardize needs decoder gaussian (a Bernoulli decoder models [0, 1] data)");
    }
    if (inference.perDatapoint() && training.gradient() != GradientEstimator.REPARAM) {
      throw ParameterException.about(java.util.List.of("perDatapoint", "gradient"), "perDatapoint inference trains "
          + "the local posteriors with reparameterized gradients only; gradient " + training.gradient().id()
          + " is for the amortized encoder");
    }
  }

  /** The recipe described in the class doc, amortized, 10 epochs, seed 0. */
  public static DeepLvmOptions defaults() {
    return new DeepLvmOptions(Architecture.auto(), LvmTrainingOptions.defaults().withLrFloor(DEFAULT_LR_FLOOR),
        DEFAULT_WARMUP_FRACTION, Inference.amortized(), false, 0);
  }

  /**
   * The training options this fit runs with: {@code training} with the warm-up scaled to its epochs (unless set
   * explicitly), none for objectives that cannot be tempered.
   */
  public LvmTrainingOptions resolvedTraining() {
    if (Double.isNaN(warmupFraction)) {
      return training;
    }
    boolean temperable = training.objective() != LvmTrainingOptions.Objective.SUMO
        && training.gradient() == GradientEstimator.REPARAM;
    int epochs = (int) Math.round(warmupFraction * training.epochs());
    return training.withWarmupEpochs(temperable ? epochs : 0);
  }

  /** The networks. */
  public DeepLvmOptions withArchitecture(Architecture a) {
    return new DeepLvmOptions(a, training, warmupFraction, inference, standardize, validationFraction);
  }

  /**
   * Objective, schedule and run control at once. {@code t}'s own learning-rate floor applies (1, no decay, for
   * {@link LvmTrainingOptions#defaults()}; the recipe's is {@value #DEFAULT_LR_FLOOR}), while its warm-up is still
   * replaced by the scaled default unless {@link #withWarmupEpochs} is set. To change one setting, start from
   * {@link #training()}: {@code o.withTraining(o.training().withClipNorm(5))}, or use the shortcuts below.
   */
  public DeepLvmOptions withTraining(LvmTrainingOptions t) {
    return new DeepLvmOptions(architecture, t, warmupFraction, inference, standardize, validationFraction);
  }

  /** Amortized or per-datapoint inference. */
  public DeepLvmOptions withInference(Inference i) {
    return new DeepLvmOptions(architecture, training, warmupFraction, i, standardize, validationFraction);
  }

  /** Per-datapoint inference (no encoder) with the local fit's default steps. */
  public DeepLvmOptions withPerDatapointInference() {
    return withInference(new Inference(true, 0));
  }

  /** Whether to fit to standardized columns (Gaussian decoder only); densities stay in the data's units. */
  public DeepLvmOptions withStandardize(boolean s) {
    return new DeepLvmOptions(architecture, training, warmupFraction, inference, s, validationFraction);
  }

  /** Rows held out at random for validation and early stopping, in [0, 1) (0 = none). */
  public DeepLvmOptions withValidationFraction(double f) {
    return new DeepLvmOptions(architecture, training, warmupFraction, inference, standardize, f);
  }

  /**
   * A KL warm-up of exactly {@code epochs} epochs, whatever the run's length (0 = none). A warm-up longer than the
   * run is allowed: the run ends with the weight β of the KL part below 1 (see
   * {@link dev.marginal.train.LvmScheduleOptions}), as the first stage of a longer run that is resumed and lengthened
   * with the same warm-up does. The scaled default ({@link #withWarmupFraction}) is a fraction of the epochs, so
   * under a step budget ({@code maxSteps}) shorter than those epochs it too can outlast the run.
   */
  public DeepLvmOptions withWarmupEpochs(int epochs) {
    return new DeepLvmOptions(architecture, training.withWarmupEpochs(epochs), Double.NaN, inference, standardize,
        validationFraction);
  }

  /** A KL warm-up over {@code fraction} of the epochs. */
  public DeepLvmOptions withWarmupFraction(double fraction) {
    return new DeepLvmOptions(architecture, training.withWarmupEpochs(0), fraction, inference, standardize,
        validationFraction);
  }

  /** The latent size (0 = from the data's width). */
  public DeepLvmOptions withLatentDim(int d) {
    Architecture a = architecture;
    return withArchitecture(new Architecture(d, a.hidden(), a.activation(), a.decoder()));
  }

  /** The decoder's output distribution (null = from the data's range). */
  public DeepLvmOptions withDecoder(DeepLvm.Decoder decoder) {
    Architecture a = architecture;
    return withArchitecture(new Architecture(a.latentDim(), a.hidden(), a.activation(), decoder));
  }

  /** Passes over the training rows. */
  public DeepLvmOptions withEpochs(int epochs) {
    return withTraining(training.withEpochs(epochs));
  }

  /** ELBO, IWAE or SUMO. */
  public DeepLvmOptions withObjective(LvmTrainingOptions.Objective objective) {
    return withTraining(training.withObjective(objective));
  }

  /** K, the samples per row of the ELBO and IWAE objectives (not read by SUMO, see {@link #withMinTerms}). */
  public DeepLvmOptions withNumSamples(int k) {
    return withTraining(training.withNumSamples(k));
  }

  /** Adam's peak step size. */
  public DeepLvmOptions withLearningRate(double lr) {
    return withTraining(training.withLearningRate(lr));
  }

  /** The step size's final fraction of its peak under the cosine decay (1 = constant). */
  public DeepLvmOptions withLrFloor(double floor) {
    return withTraining(training.withLrFloor(floor));
  }

  /** Rows per step. */
  public DeepLvmOptions withBatchSize(int b) {
    return withTraining(training.withBatchSize(b));
  }

  /** How [0, 1] data are binarized for a Bernoulli decoder. */
  public DeepLvmOptions withBinarization(Binarization b) {
    return withTraining(training.withBinarization(b));
  }

  /** The root seed of initialization, batches and samples. */
  public DeepLvmOptions withSeed(long seed) {
    return withTraining(training.withSeed(seed));
  }

  /** Hidden layer widths of encoder and decoder, e.g. {@code withHidden(64, 64)}. */
  public DeepLvmOptions withHidden(int... widths) {
    Architecture a = architecture;
    return withArchitecture(new Architecture(a.latentDim(), widths, a.activation(), a.decoder()));
  }

  /** The hidden nonlinearity. */
  public DeepLvmOptions withActivation(Activation activation) {
    Architecture a = architecture;
    return withArchitecture(new Architecture(a.latentDim(), a.hidden(), activation, a.decoder()));
  }

  /** m, SUMO's minimum number of terms (read by the SUMO objective only). */
  public DeepLvmOptions withMinTerms(int m) {
    return withTraining(training.withMinTerms(m));
  }

  /** The gradient estimator: reparameterized, DReG (with K = 1, sticking the landing) or the score function. */
  public DeepLvmOptions withGradient(GradientEstimator g) {
    return withTraining(training.withGradient(g));
  }

  /** Runs {@code steps} optimizer steps instead of whole epochs (0 = the epochs decide). */
  public DeepLvmOptions withMaxSteps(long steps) {
    return withTraining(training.withMaxSteps(steps));
  }

  /** Clips the gradient's global norm at {@code c} (0 = no clipping). */
  public DeepLvmOptions withClipNorm(double c) {
    return withTraining(training.withClipNorm(c));
  }

  /** Stops after {@code epochs} epochs without a better validation objective (0 = never); needs validation rows. */
  public DeepLvmOptions withPatience(int epochs) {
    return withTraining(training.withPatience(epochs));
  }

  /**
   * Checkpoints to {@code path} every {@code every} steps (0 = only at the end and when stopped), as
   * {@link DeepLvmFit.Control#withCheckpoint} does with the training options' interval.
   */
  public DeepLvmOptions withCheckpoint(java.nio.file.Path path, long every) {
    return withTraining(training.withCheckpoint(path, every));
  }
}
