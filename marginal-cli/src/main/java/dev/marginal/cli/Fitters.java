package dev.marginal.cli;

import dev.marginal.density.DensityModel;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.density.PpcaDensityModel;
import dev.marginal.distributions.CovarianceType;
import dev.marginal.io.Provenance;
import dev.marginal.models.GmmOptions;
import dev.marginal.models.Ppca;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The fitter of each model kind that {@code marginal fit --model KIND} accepts. Each turns a {@link FitRequest}
 * into a model and a short summary by calling the library; a new kind is one more entry in {@link #FITTERS}.
 */
final class Fitters {
  /** Fits one kind of model. */
  @FunctionalInterface
  interface Fitter {
    /** Fits the model; problems with the data or options are {@link UserInputException}s. */
    FitResult fit(FitRequest request);
  }

  /**
   * A fitted model and what {@code fit} reports about it.
   *
   * @param summary named results in print order (convergence, mean log-likelihood, criteria, ...)
   * @param provenance how the library made the model
   */
  record FitResult(DensityModel model, Map<String, Object> summary, Provenance provenance) {}

  private static final Map<String, Fitter> FITTERS = new LinkedHashMap<>();

  static {
    FITTERS.put(GmmDensityModel.KIND, Fitters::gmm);
    FITTERS.put(PpcaDensityModel.KIND, Fitters::ppca);
    FITTERS.put("lvm", Fitters::lvm);
  }

  private Fitters() {}

  /** The kinds {@code --model} accepts. */
  static Set<String> kinds() {
    return FITTERS.keySet();
  }

  /** The fitter for {@code kind}, or a {@link UserInputException} listing the kinds. */
  static Fitter forKind(String kind) {
    Fitter f = FITTERS.get(kind);
    if (f == null) {
      throw new UserInputException("--model: unknown model '" + kind + "' (expected "
          + String.join(", ", FITTERS.keySet()) + ")");
    }
    return f;
  }

  private static FitResult gmm(FitRequest r) {
    GmmOptions o = r.gmm().options(r.seed(), r.threads());
    Limits.checkGmmWidth(r.data(), o);
    List<String> warnings = library(r, () -> GmmDensityModel.warnings(r.data(), o, r.standardize())).stream()
        .map(w -> OptionNames.withOptionNames(w, List.of("regCovar", "standardize"))).toList();
    for (String w : warnings) {
      r.log().println("marginal: warning: " + w);
      r.log().flush();
    }
    TerminalProgress progress = TerminalProgress.workOnTerminal("fit gmm", TerminalProgress.Unit.ITERATIONS,
        (long) o.nInit() * o.maxIter(), r.quiet());
    GmmDensityModel.Fitted f = emFit(r, o, progress);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("converged", f.fit().converged());
    s.put("iterations", f.fit().nIter());
    s.put("mean_log_likelihood", f.meanLogLikelihood());
    s.put("bic", f.bic());
    s.put("aic", f.aic());
    f.fit().convergenceWarning().ifPresent(w -> {
      r.log().println("marginal: warning: " + OptionNames.withOptionNames(w, List.of("maxIter", "tol")));
      r.log().flush();
    });
    int empty = emptyComponents(f.model().mixture().weights(), r.data().rows());
    s.put("empty_components", empty);
    if (empty > 0) {
      r.log().println("marginal: warning: " + empty + " of " + f.model().mixture().weights().length
          + " components hold less than half a point each: the data support fewer components (--components)");
      r.log().flush();
    }
    CovarianceType type = f.model().mixture().covarianceType();
    int minPoints = pointsPerCovariance(type, r.data().cols());
    int thin = thinComponents(f.model().mixture().weights(), r.data().rows(), minPoints);
    s.put("thin_components", thin);
    if (thin > 0) {
      r.log().println("marginal: warning: " + thin + " of " + f.model().mixture().weights().length
          + " components rest on fewer than " + minPoints + " points each (" + (type == CovarianceType.FULL
          ? "the dimension + 1, for a full covariance" : "for a " + type.name().toLowerCase(Locale.ROOT)
          + " covariance") + "): their covariance is mostly --reg-covar, which inflates the log-likelihood; use"
          + " fewer components (--components), a simpler --covariance or more data");
      r.log().flush();
    }
    if (!warnings.isEmpty()) {
      s.put("warnings", warnings);
    }
    return new FitResult(f.model(), s, f.provenance());
  }

  /**
   * The points a component needs for its covariance to be estimated rather than set by the regularization: d + 1
   * for a full covariance in d dimensions (fewer leave it singular), 2 for a diagonal or spherical one.
   */
  static int pointsPerCovariance(CovarianceType type, int dim) {
    return type == CovarianceType.FULL ? dim + 1 : 2;
  }

  /**
   * Components that are not empty ({@link #emptyComponents}) but whose weight, rounded to whole points of
   * {@code rows}, is less than {@code minPoints}: a component that holds exactly {@code minPoints} points also
   * carries (or lends) the tiny responsibilities of all other rows, so its weight lands just beside the count.
   */
  static int thinComponents(double[] weights, int rows, int minPoints) {
    int thin = 0;
    for (double w : weights) {
      if (w * rows >= 0.5 && Math.round(w * rows) < minPoints) {
        thin++;
      }
    }
    return thin;
  }

  /** Components whose weight is less than half a point of {@code rows}: EM has emptied them. */
  static int emptyComponents(double[] weights, int rows) {
    int empty = 0;
    for (double w : weights) {
      if (w * rows < 0.5) {
        empty++;
      }
    }
    return empty;
  }

  private static FitResult ppca(FitRequest r) {
    int latent = r.latent() == null ? Ppca.DEFAULT_LATENT_DIM : Commands.positive("--latent", r.latent());
    if (r.data().cols() < 2) {
      throw new UserInputException(r.data().source() + ": ppca needs at least 2 columns (a latent dimension below"
          + " the data's), got " + r.data().cols());
    }
    if (latent >= r.data().cols()) {
      throw new UserInputException((r.latent() == null ? "the default --latent " : "--latent ") + latent
          + " must be less than the data dimension " + r.data().cols() + " (" + r.data().source() + ")"
          + (r.latent() == null ? "; give a smaller --latent" : ""));
    }
    Limits.checkPpcaWidth(r.data());
    PpcaDensityModel.Fitted f = library(r, () -> PpcaDensityModel.fit(r.data(), latent, r.standardize()));
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("latent", latent);
    s.put("noise_variance", f.model().ppca().noiseVariance());
    s.put("mean_log_likelihood", f.meanLogLikelihood());
    s.put("bic", f.bic());
    s.put("aic", f.aic());
    return new FitResult(f.model(), s, f.provenance());
  }

  /**
   * The deep LVM fitter. It receives every LVM option, checked, in {@code request.lvm()}; the training code plugs
   * in here, returning the model and a summary (objective value, epochs, validation bound).
   */
  static FitResult lvm(FitRequest request) {
    return LvmFitter.fit(request);
  }

  /** The EM fit, drawn on {@code progress} (ended however the fit ends). */
  static GmmDensityModel.Fitted emFit(FitRequest r, GmmOptions o, TerminalProgress progress) {
    try {
      return library(r, () -> GmmDensityModel.fit(r.data(), o, r.standardize(), progress.work()));
    } finally {
      progress.finish();
    }
  }

  /**
   * Runs a GMM or PPCA fit; what the data make impossible (too few points, a collapsed component, a rank below the
   * latent dimension) is a one-line refusal naming the data and the options to change.
   */
  private static <T> T library(FitRequest r, java.util.function.Supplier<T> fit) {
    try {
      return fit.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      String message = OptionNames.withOptionNames(String.valueOf(e.getMessage()), FIT_PARAMETERS);
      throw UserInputException.about(r.data().source(), new IllegalArgumentException(message, e));
    }
  }

  /** Parameters the GMM and PPCA fits name in their errors, written as the command line's options. */
  private static final List<String> FIT_PARAMETERS = List.of("regCovar", "latentDim", "components");
}
