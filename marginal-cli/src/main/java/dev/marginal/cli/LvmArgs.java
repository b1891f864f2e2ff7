package dev.marginal.cli;

import dev.marginal.density.LocalPosteriorFit;
import dev.marginal.estimators.Sumo;
import dev.marginal.train.LvmTrainingOptions;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The deep LVM options of {@code marginal fit}. They are parsed and checked here and handed on unchanged as
 * {@link Settings}; an option left out is null, so that the LVM trainer applies its own defaults.
 */
final class LvmArgs {
  /** Hidden activations. */
  static final List<String> ACTIVATIONS = List.of("tanh", "relu", "softplus");
  /** Decoder likelihoods. */
  static final List<String> DECODERS = List.of("bernoulli", "gaussian", "gaussian-tied");
  /** Training objectives. */
  static final List<String> OBJECTIVES = List.of("elbo", "iwae", "sumo");
  /** Binarization of [0, 1] data. */
  static final List<String> BINARIZATIONS = List.of("dynamic", "fixed", "threshold", "none");
  /** Gradient estimators. */
  static final List<String> GRADIENTS = List.of("reparam", "score", "dreg");

  /**
   * The LVM settings as given on the command line; null means "not given".
   *
   * @param latent latent dimension (shared with PPCA's {@code --latent})
   * @param hidden hidden layer widths, e.g. [200, 200]
   * @param validation held-out data: a fraction of the training rows such as 0.1, or a data source
   * @param resume a checkpoint to continue from
   */
  record Settings(Integer latent, List<Integer> hidden, String activation, String decoder, String objective,
      Integer k, Integer minTerms, Integer epochs, Integer steps, Integer batch, Double lr, String binarize,
      String gradient, boolean perDatapoint, String validation, Integer patience, Integer checkpointEvery,
      Path resume, Double clip, Double lrFloor, Integer localSteps, Integer warmup) {}

  @Option(names = "--hidden", split = ",", paramLabel = "W,W",
      description = "LVM hidden layer widths of encoder and decoder, comma separated (default: 200,200).")
  List<Integer> hidden;

  @Option(names = "--activation", paramLabel = "NAME",
      description = "LVM hidden activation: tanh, relu or softplus (default: tanh).")
  String activation;

  @Option(names = "--decoder", paramLabel = "TYPE", description = {
      "LVM decoder: bernoulli, gaussian (mean and variance functions of z) or gaussian-tied (mean a function of z, "
          + "one variance per column shared by all z). Default: bernoulli for data in [0, 1] (unless --standardize), "
          + "else gaussian."})
  String decoder;

  @Option(names = "--objective", paramLabel = "NAME",
      description = "LVM objective: elbo, iwae or sumo (default: iwae).")
  String objective;

  @Option(names = "--k", paramLabel = "K", description = "LVM importance samples per data point (ELBO, IWAE; default: "
      + LvmTrainingOptions.DEFAULT_K + ").")
  Integer k;

  @Option(names = "--min-terms", paramLabel = "M", description = "LVM SUMO minimum number of terms m (default: "
      + Sumo.DEFAULT_MIN_TERMS + ").")
  Integer minTerms;

  @Option(names = "--epochs", paramLabel = "N", description = "LVM passes over the training data (default: "
      + LvmTrainingOptions.DEFAULT_EPOCHS + ").")
  Integer epochs;

  @Option(names = "--steps", paramLabel = "N", description = "LVM optimizer steps (instead of --epochs).")
  Integer steps;

  @Option(names = "--batch", paramLabel = "B",
      description = "LVM minibatch size (default: " + LvmTrainingOptions.DEFAULT_BATCH + ").")
  Integer batch;

  @Option(names = "--lr", paramLabel = "RATE",
      description = "LVM Adam learning rate (default: " + LvmTrainingOptions.DEFAULT_LR + ").")
  Double lr;

  @Option(names = "--binarize", paramLabel = "HOW",
      description = "LVM binarization of [0,1] data for the Bernoulli decoder (a Gaussian one, the default for "
          + "other or standardized data, takes none): dynamic, fixed, threshold or none (default: dynamic).")
  String binarize;

  @Option(names = "--gradient", paramLabel = "NAME", description = {
      "LVM encoder gradient estimator: reparam (reparameterization; under SUMO the encoder minimizes E[SUMO^2]), "
          + "dreg (doubly reparameterized; --objective iwae; with --k 1 it is sticking the landing) or score "
          + "(score function with VIMCO's leave-one-out baseline; --objective iwae with --k >= 2); dreg and score "
          + "train the amortized encoder, not --per-datapoint posteriors (default: reparam)."})
  String gradient;

  @Option(names = "--per-datapoint", description = "LVM: fit a variational posterior per data point, no encoder.")
  boolean perDatapoint;

  @Option(names = "--local-steps", paramLabel = "N",
      description = "LVM --per-datapoint: steps of the posterior fit for each row scored or encoded later "
          + "(default 200; saved in the model).")
  Integer localSteps;

  @Option(names = "--validation", paramLabel = "SRC|FRACTION",
      description = "LVM held-out data: a fraction of the rows (e.g. 0.1) or a data source.")
  String validation;

  @Option(names = "--patience", paramLabel = "N", description = "LVM early stopping after N epochs without gain "
      + "(default: none).")
  Integer patience;

  @Option(names = "--checkpoint-every", paramLabel = "N", description = "LVM checkpoint (to OUT.ckpt) every N steps.")
  Integer checkpointEvery;

  @Option(names = "--resume", paramLabel = "CHECKPOINT", description = "LVM: continue from a checkpoint.")
  Path resume;

  @Option(names = "--clip", paramLabel = "NORM", description = "LVM gradient norm clipping threshold (default: none).")
  Double clip;

  @Option(names = "--lr-floor", paramLabel = "F",
      description = "LVM: decay the learning rate by a cosine to F times --lr over the run, F in [0, 1] "
          + "(default 0.1; 1: constant; 0: down to zero).")
  Double lrFloor;

  @Option(names = "--warmup", paramLabel = "EPOCHS",
      description = "LVM, ELBO or IWAE: raise the weight of log p(z) - log q(z|x) from 0 to 1 over the first EPOCHS "
          + "epochs, which keeps more latent dimensions in use (default: 40%% of --epochs; 0: none). A warm-up "
          + "longer than the run is allowed: the run ends with the weight below 1, as the first stage of a longer "
          + "run resumed with --resume and more --epochs does.")
  Integer warmup;

  /**
   * The settings, checked: sizes positive, names known, rates positive (float32's range is the library's check), no
   * option that the others make pointless (--epochs with --steps, --min-terms without SUMO, --k with it).
   */
  Settings settings(Integer latent) {
    if (hidden != null) {
      hidden.forEach(w -> Commands.positive("--hidden", w));
    }
    positiveIfSet("--latent", latent);
    positiveIfSet("--k", k);
    positiveIfSet("--min-terms", minTerms);
    positiveIfSet("--epochs", epochs);
    positiveIfSet("--steps", steps);
    positiveIfSet("--batch", batch);
    positiveIfSet("--patience", patience);
    positiveIfSet("--checkpoint-every", checkpointEvery);
    positiveIfSet("--local-steps", localSteps);
    if (warmup != null && warmup < 0) {
      throw new UserInputException("--warmup must be >= 0, got " + warmup);
    }
    if (localSteps != null && localSteps > LocalPosteriorFit.MAX_STEPS) {
      throw new UserInputException("--local-steps must be at most " + LocalPosteriorFit.MAX_STEPS + ", got "
          + localSteps);
    }
    if (localSteps != null && !perDatapoint) {
      throw new UserInputException("--local-steps applies to --per-datapoint models only");
    }
    if (lr != null && !(lr > 0 && Double.isFinite(lr))) {
      throw new UserInputException("--lr must be a positive number, got " + lr);
    }
    if (lrFloor != null && !(lrFloor >= 0 && lrFloor <= 1)) {
      throw new UserInputException("--lr-floor must be in [0, 1], got " + lrFloor);
    }
    if (clip != null && !(clip > 0)) {
      throw new UserInputException("--clip must be a positive number, got " + clip);
    }
    if (epochs != null && steps != null) {
      throw new UserInputException("--epochs and --steps both set the length of the run; give one of them");
    }
    String objectiveName = objective == null ? null : Commands.oneOf("--objective", objective, OBJECTIVES);
    if (minTerms != null && !"sumo".equals(objectiveName)) {
      throw new UserInputException("--min-terms applies to --objective sumo only");
    }
    if (k != null && "sumo".equals(objectiveName)) {
      throw new UserInputException("--k applies to --objective elbo or iwae, not sumo");
    }
    return new Settings(latent, hidden == null ? null : List.copyOf(hidden),
        activation == null ? null : Commands.oneOf("--activation", activation, ACTIVATIONS),
        decoder == null ? null : Commands.oneOf("--decoder", decoder, DECODERS), objectiveName,
        k, minTerms, epochs, steps, batch, lr,
        binarize == null ? null : Commands.oneOf("--binarize", binarize, BINARIZATIONS),
        gradient == null ? null : Commands.oneOf("--gradient", gradient, GRADIENTS),
        perDatapoint, validation, patience, checkpointEvery, resume, clip, lrFloor, localSteps, warmup);
  }

  private static void positiveIfSet(String option, Integer v) {
    if (v != null) {
      Commands.positive(option, v);
    }
  }
}
