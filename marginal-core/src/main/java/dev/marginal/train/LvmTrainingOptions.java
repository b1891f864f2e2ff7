package dev.marginal.train;

import dev.marginal.data.Binarization;
import dev.marginal.estimators.Elbo;
import dev.marginal.estimators.Iwae;
import dev.marginal.estimators.LogMarginalEstimator;
import dev.marginal.estimators.Sumo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a deep LVM is trained by maximum likelihood: objective, sample counts, optimisation, validation and
 * checkpoints. Immutable; change a copy with the {@code withX} methods.
 *
 * @param objective ELBO, IWAE or SUMO
 * @param numSamples K for ELBO/IWAE
 * @param minTerms m for SUMO
 * @param batchSize minibatch rows
 * @param epochs passes over the training rows
 * @param maxSteps stop after this many steps (0 = no limit)
 * @param learningRate Adam step size (decoder and encoder)
 * @param clipNorm global gradient-norm bound per optimizer (0 = no clipping)
 * @param seed root seed: every key of the run derives from it
 * @param binarization how Bernoulli-decoded data are binarized (ignored for Gaussian decoders)
 * @param patience epochs without validation improvement before stopping (0 = never stop early)
 * @param checkpointEvery write a checkpoint every N steps (0 = only at the end and on interruption)
 * @param checkpoint checkpoint file (null = none)
 * @param gradient how the encoder gradient is estimated (IWAE only for DReG and score)
 * @param lrFloor the learning rate decays by a cosine from {@code learningRate} to {@code lrFloor·learningRate}
 *     over the run (1 = constant)
 * @param warmupEpochs epochs over which the weight β of {@code log p(z) − log q(z|x)} in each log weight rises
 *     linearly from 0 to 1 (0 = no warm-up; ELBO and IWAE only). Starting with little pressure towards the prior
 *     keeps more latent dimensions in use (Sønderby et al. 2016, "Ladder variational autoencoders").
 */
public record LvmTrainingOptions(Objective objective, int numSamples, int minTerms, int batchSize, int epochs,
    long maxSteps, double learningRate, double clipNorm, long seed, Binarization binarization, int patience,
    long checkpointEvery, Path checkpoint, GradientEstimator gradient, double lrFloor, int warmupEpochs) {

  /** Default batch size (as in the IWAE paper). */
  public static final int DEFAULT_BATCH = 20;
  /** Default learning rate. */
  public static final double DEFAULT_LR = 1e-3;
  /** Default number of importance samples. */
  public static final int DEFAULT_K = 5;
  /** Default epochs. */
  public static final int DEFAULT_EPOCHS = 10;

  /** The training objective. */
  public enum Objective {
    ELBO, IWAE, SUMO;

    public static Objective parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown objective '" + s + "' (expected elbo, iwae or sumo)");
      }
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The estimator of log p(x) this objective optimizes: ELBO_K, IWAE_K or SUMO with m minimum terms. */
    public LogMarginalEstimator estimator(int numSamples, int minTerms) {
      switch (this) {
        case ELBO:
          return Elbo.of(numSamples);
        case IWAE:
          return Iwae.of(numSamples);
        case SUMO:
          return Sumo.of(minTerms);
        default:
          throw new AssertionError(this);
      }
    }
  }

  public LvmTrainingOptions {
    if (numSamples < 1) {
      throw new IllegalArgumentException("--k must be >= 1, got " + numSamples);
    }
    if (minTerms < 1) {
      throw new IllegalArgumentException("--min-terms must be >= 1, got " + minTerms);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch must be >= 1, got " + batchSize);
    }
    if (epochs < 0 || maxSteps < 0) {
      throw new IllegalArgumentException("--epochs and --steps must be >= 0");
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("--lr must be positive, got " + learningRate);
    }
    if (!(lrFloor > 0 && lrFloor <= 1)) {
      throw new IllegalArgumentException("--lr-floor must be in (0, 1], got " + lrFloor);
    }
    if (warmupEpochs < 0) {
      throw new IllegalArgumentException("--warmup must be >= 0, got " + warmupEpochs);
    }
    if (warmupEpochs > 0 && objective == Objective.SUMO) {
      throw new IllegalArgumentException("--warmup tempers the ELBO or IWAE bound; SUMO is trained untempered");
    }
    if (warmupEpochs > 0 && gradient != GradientEstimator.REPARAM) {
      throw new IllegalArgumentException("--warmup needs --gradient reparam");
    }
    if (clipNorm < 0 || patience < 0 || checkpointEvery < 0) {
      throw new IllegalArgumentException("--clip, --patience and --checkpoint-every must be >= 0");
    }
  }

  /** Defaults: IWAE with K = 5, batch 20, Adam 1e-3, 10 epochs, dynamic binarization, seed 0. */
  public static LvmTrainingOptions defaults() {
    return new LvmTrainingOptions(Objective.IWAE, DEFAULT_K, Sumo.DEFAULT_MIN_TERMS, DEFAULT_BATCH, DEFAULT_EPOCHS,
        0, DEFAULT_LR, 0, 0, Binarization.DEFAULT, 0, 0, null, GradientEstimator.REPARAM, 1.0, 0);
  }

  public LvmTrainingOptions withObjective(Objective o) {
    return new LvmTrainingOptions(o, numSamples, minTerms, batchSize, epochs, maxSteps, learningRate, clipNorm, seed,
        binarization, patience, checkpointEvery, checkpoint, gradient, lrFloor, warmupEpochs);
  }

  public LvmTrainingOptions withNumSamples(int k) {
    return new LvmTrainingOptions(objective, k, minTerms, batchSize, epochs, maxSteps, learningRate, clipNorm, seed,
        binarization, patience, checkpointEvery, checkpoint, gradient, lrFloor, warmupEpochs);
  }

  public LvmTrainingOptions withMinTerms(int m) {
    return new LvmTrainingOptions(objective, numSamples, m, batchSize, epochs, maxSteps, learningRate, clipNorm, seed,
        binarization, patience, checkpointEvery, checkpoint, gradient, lrFloor, warmupEpochs);
  }

  public LvmTrainingOptions withBatchSize(int b) {
    return new LvmTrainingOptions(objective, numSamples, minTerms, b, epochs, maxSteps, learningRate, clipNorm, seed,
        binarization, patience, checkpointEvery, checkpoint, gradient, lrFloor, warmupEpochs);
  }

  public LvmTrainingOptions withEpochs(int e) {
    return new LvmTrainingOptions(objective, numSamples, minTerms, batchSize, e, maxSteps, learningRate, clipNorm,
        seed, binarization, patience, checkpointEvery, checkpoint, gradient, lrFloor, warmupEpochs);
  }

  public LvmTrainingOptions withMaxSteps(long s) {
    return new LvmTrainingOptions(objective, numSamples, minTerms, batchSize, epochs, s, learningRate, clipNorm, seed,
        binarization, patience, checkpointEvery, checkpoint, gradient, lrFloor, warmupEpochs);
  }

  public LvmTrainingOptions withLearningRate(double lr) {
    return new LvmTrainingOptions(objective, numSamples, minTerms, batchSize, epochs, maxSteps, lr, clipNorm, seed,
        binarization, patience, checkpointEvery, checkpoint, gradient, lrFloor, warmupEpochs);
  }

  public LvmTrainingOptions withClipNorm(double c) {
    return new LvmTrainingOptions(objective, numSamples, minTerms, batchSize, epochs, maxSteps, learningRate, c, seed,
        binarization, patience, checkpointEvery, checkpoint, gradient, lrFloor, warmupEpochs);
  }

  public LvmTrainingOptions withSeed(long s) {
    return new LvmTrainingOptions(objective, numSamples, minTerms, batchSize, epochs, maxSteps, learningRate,
        clipNorm, s, binarization, patience, checkpointEvery, checkpoint, gradient, lrFloor, warmupEpochs);
  }

  public LvmTrainingOptions withBinarization(Binarization b) {
    return new LvmTrainingOptions(objective, numSamples, minTerms, batchSize, epochs, maxSteps, learningRate,
        clipNorm, seed, b, patience, checkpointEvery, checkpoint, gradient, lrFloor, warmupEpochs);
  }

  public LvmTrainingOptions withPatience(int p) {
    return new LvmTrainingOptions(objective, numSamples, minTerms, batchSize, epochs, maxSteps, learningRate,
        clipNorm, seed, binarization, p, checkpointEvery, checkpoint, gradient, lrFloor, warmupEpochs);
  }

  public LvmTrainingOptions withCheckpoint(Path path, long every) {
    return new LvmTrainingOptions(objective, numSamples, minTerms, batchSize, epochs, maxSteps, learningRate,
        clipNorm, seed, binarization, patience, every, path, gradient, lrFloor, warmupEpochs);
  }

  public LvmTrainingOptions withGradient(GradientEstimator g) {
    return new LvmTrainingOptions(objective, numSamples, minTerms, batchSize, epochs, maxSteps, learningRate,
        clipNorm, seed, binarization, patience, checkpointEvery, checkpoint, g, lrFloor, warmupEpochs);
  }

  public LvmTrainingOptions withLrFloor(double f) {
    return new LvmTrainingOptions(objective, numSamples, minTerms, batchSize, epochs, maxSteps, learningRate,
        clipNorm, seed, binarization, patience, checkpointEvery, checkpoint, gradient, f, warmupEpochs);
  }

  public LvmTrainingOptions withWarmupEpochs(int e) {
    return new LvmTrainingOptions(objective, numSamples, minTerms, batchSize, epochs, maxSteps, learningRate,
        clipNorm, seed, binarization, patience, checkpointEvery, checkpoint, gradient, lrFloor, e);
  }

  /** The estimator whose value the decoder maximizes. */
  public LogMarginalEstimator estimator() {
    return objective.estimator(numSamples, minTerms);
  }

  /** A short label such as "iwae-5" or "sumo-m4". */
  public String objectiveLabel() {
    return objective == Objective.SUMO ? "sumo-m" + minTerms : objective.id() + "-" + numSamples;
  }

  /** The options as a JSON-ready map, for provenance. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("objective", objective.id());
    m.put("k", numSamples);
    m.put("minTerms", minTerms);
    m.put("batch", batchSize);
    m.put("epochs", epochs);
    m.put("maxSteps", maxSteps);
    m.put("lr", learningRate);
    m.put("clip", clipNorm);
    m.put("seed", seed);
    m.put("binarize", binarization.toString());
    m.put("patience", patience);
    m.put("checkpointEvery", checkpointEvery);
    m.put("gradient", gradient.id());
    m.put("lrFloor", lrFloor);
    m.put("warmupEpochs", warmupEpochs);
    return m;
  }
}
