package dev.marginal.models;

import dev.marginal.autodiff.Parameter;
import dev.marginal.autodiff.Tape;
import dev.marginal.autodiff.Var;
import dev.marginal.distributions.Bernoulli;
import dev.marginal.distributions.DiagNormal;
import dev.marginal.estimators.ImportanceSamples;
import dev.marginal.estimators.LatentVariableModel;
import dev.marginal.io.JsonFields;
import dev.marginal.math.LogSpace;
import dev.marginal.nn.Activation;
import dev.marginal.nn.Mlp;
import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import dev.marginal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A deep latent variable model ("VAE"): z ~ N(0, I_d), x | z ~ p_θ(x|z) with an MLP decoder giving Bernoulli
 * logits or a diagonal Gaussian (mean, log-variance bounded to [−{@value #LOG_VAR_BOUND}, {@value #LOG_VAR_BOUND}]
 * by {@code b·tanh(raw/b)}), and an amortized MLP encoder q_φ(z|x) = N(μ_φ(x), diag σ²_φ(x)). The Gaussian's
 * log-variance is either an output of the decoder ({@link Decoder#GAUSSIAN}) or one parameter per dimension shared
 * by every z ({@link Decoder#GAUSSIAN_TIED}).
 *
 * <p>log p(x) is intractable; the estimators (ELBO, IWAE, SUMO) bound or estimate it from importance samples of
 * the encoder. Reference: Kingma &amp; Welling 2014; Burda et al. 2016.
 */
public final class DeepLvm implements LatentVariableModel {
  /** Soft bound on the Gaussian decoder's log-variance. */
  public static final float LOG_VAR_BOUND = 20f;
  /** Data means are clipped to [ε, 1−ε] before the Bernoulli output bias is set to their logits. */
  static final float BIAS_INIT_EPS = 1e-3f;

  /** The observation model. */
  public enum Decoder {
    /** Independent Bernoulli pixels; the decoder gives their logits. */
    BERNOULLI,
    /** A diagonal Gaussian; the decoder gives its mean and its log-variance, both functions of z. */
    GAUSSIAN,
    /**
     * A diagonal Gaussian whose mean the decoder gives and whose log-variance is one parameter per dimension, the
     * same for every z (homoscedastic noise; "tied" as in a Gaussian mixture whose components share a covariance).
     * Where the data's noise does not depend on where it lies, this is the smaller and truer model.
     */
    GAUSSIAN_TIED;

    /** Parses an {@link #id()}: {@code bernoulli}, {@code gaussian} or {@code gaussian-tied}. */
    public static Decoder parse(String s) {
      for (Decoder d : values()) {
        if (d.id().equals(s.trim().toLowerCase(Locale.ROOT))) {
          return d;
        }
      }
      throw new IllegalArgumentException("unknown decoder '" + s + "' (expected bernoulli, gaussian or "
          + "gaussian-tied)");
    }

    /** The name in files and on the command line: {@code bernoulli}, {@code gaussian}, {@code gaussian-tied}. */
    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether observations are Gaussian (real-valued) rather than binary. */
    public boolean gaussian() {
      return this != BERNOULLI;
    }
  }

  /**
   * Architecture.
   *
   * @param dataDim D, the observation dimension
   * @param latentDim d
   * @param hidden hidden widths, used for the encoder and (reversed) the decoder
   */
  public record Config(int dataDim, int latentDim, int[] hidden, Activation activation, Decoder decoder)
      implements java.io.Serializable {
    /**
     * Largest data, latent or hidden dimension, so that the encoder's output (2·latentDim) and a Gaussian decoder's
     * (2·dataDim) are sizes too.
     */
    public static final int MAX_DIM = Integer.MAX_VALUE / 2;

    /**
     * Checks every size before anything is allocated: each in [1, {@link #MAX_DIM}], and each layer's weight matrix
     * within the {@value ImportanceSamples#MAX_ARRAY_LENGTH} values one array holds.
     *
     * @throws IllegalArgumentException naming the size (dataDim, latentDim, hidden) and its bound
     */
    public Config {
      requireSize("dataDim", dataDim);
      requireSize("latentDim", latentDim);
      for (int h : hidden) {
        if (h < 1 || h > MAX_DIM) {
          throw new IllegalArgumentException("hidden sizes must be from 1 to " + MAX_DIM + ", got "
              + Arrays.toString(hidden));
        }
      }
      hidden = hidden.clone();
      requireLayersFit("encoder", encoderSizes(dataDim, latentDim, hidden), encoderLabels(hidden.length));
      requireLayersFit("decoder", decoderSizes(dataDim, latentDim, hidden, decoder),
          decoderLabels(hidden.length, decoder));
    }

    private static void requireSize(String name, int size) {
      if (size < 1 || size > MAX_DIM) {
        throw new IllegalArgumentException(name + " must be from 1 to " + MAX_DIM + ", got " + size);
      }
    }

    private static void requireLayersFit(String net, int[] sizes, String[] labels) {
      for (int l = 0; l + 1 < sizes.length; l++) {
        long weights = (long) sizes[l] * sizes[l + 1];
        if (weights > ImportanceSamples.MAX_ARRAY_LENGTH) {
          throw new IllegalArgumentException("the " + net + "'s layer from " + labels[l] + " (" + sizes[l] + ") to "
              + labels[l + 1] + " (" + sizes[l + 1] + ") would have " + weights + " weights, more than the "
              + ImportanceSamples.MAX_ARRAY_LENGTH + " one array holds");
        }
      }
    }

    /** The hidden widths (a copy). */
    @Override
    public int[] hidden() {
      return hidden.clone();
    }

    int[] encoderSizes() {
      return encoderSizes(dataDim, latentDim, hidden);
    }

    int[] decoderSizes() {
      return decoderSizes(dataDim, latentDim, hidden, decoder);
    }

    /** What sets each of {@link #encoderSizes()}: {@code dataDim}, {@code hidden[i]}, {@code 2·latentDim}. */
    String[] encoderLabels() {
      return encoderLabels(hidden.length);
    }

    /** What sets each of {@link #decoderSizes()}: {@code latentDim}, {@code hidden[i]}, then the output's. */
    String[] decoderLabels() {
      return decoderLabels(hidden.length, decoder);
    }

    private static int[] encoderSizes(int dataDim, int latentDim, int[] hidden) {
      int[] s = new int[hidden.length + 2];
      s[0] = dataDim;
      System.arraycopy(hidden, 0, s, 1, hidden.length);
      s[s.length - 1] = 2 * latentDim;
      return s;
    }

    private static int[] decoderSizes(int dataDim, int latentDim, int[] hidden, Decoder decoder) {
      int[] s = new int[hidden.length + 2];
      s[0] = latentDim;
      for (int i = 0; i < hidden.length; i++) {
        s[i + 1] = hidden[hidden.length - 1 - i];
      }
      s[s.length - 1] = decoder == Decoder.GAUSSIAN ? 2 * dataDim : dataDim;
      return s;
    }

    private static String[] encoderLabels(int layers) {
      String[] s = new String[layers + 2];
      s[0] = "dataDim";
      for (int i = 0; i < layers; i++) {
        s[i + 1] = "hidden[" + i + "]";
      }
      s[s.length - 1] = "2·latentDim";
      return s;
    }

    private static String[] decoderLabels(int layers, Decoder decoder) {
      String[] s = new String[layers + 2];
      s[0] = "latentDim";
      for (int i = 0; i < layers; i++) {
        s[i + 1] = "hidden[" + (layers - 1 - i) + "]";
      }
      s[s.length - 1] = decoder == Decoder.GAUSSIAN ? "2·dataDim" : "dataDim";
      return s;
    }

    /** The shape of the shared log-variance parameter: {@code [D]} for {@link Decoder#GAUSSIAN_TIED}, else none. */
    int[] logVarShape() {
      return decoder == Decoder.GAUSSIAN_TIED ? new int[] {dataDim} : null;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Config c && c.dataDim == dataDim && c.latentDim == latentDim
          && Arrays.equals(c.hidden, hidden) && c.activation == activation && c.decoder == decoder;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(hidden) * 31 + dataDim * 7 + latentDim;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s encoder %s, %s decoder %s", activation.id(),
          Arrays.toString(encoderSizes()), decoder.id(), Arrays.toString(decoderSizes()));
    }

    /** The decoder alone, e.g. {@code tanh gaussian decoder [2, 16, 4]}: a model whose q is fitted per data point. */
    public String decoderToString() {
      return String.format(Locale.ROOT, "%s %s decoder %s", activation.id(), decoder.id(),
          Arrays.toString(decoderSizes()));
    }
  }

  /** Most values of the decoder's output (mean and log-variance) that {@link #sample} decodes at once. */
  public static final long SAMPLE_BLOCK_VALUES = 1L << 22;
  /** Name of the {@link Decoder#GAUSSIAN_TIED} decoder's log-variance parameter (before the soft bound). */
  public static final String TIED_LOG_VAR = "decoder.logVar";
  /** The names of the encoder's tensors begin with this. */
  public static final String ENCODER_PREFIX = "encoder.";

  private final Config config;
  private final Mlp encoder;
  private final Mlp decoder;
  /** The shared raw log-variance {@code [D]} of a {@link Decoder#GAUSSIAN_TIED} decoder, else null. */
  private final Parameter logVar;

  DeepLvm(Config config, Mlp encoder, Mlp decoder, Parameter logVar) {
    if ((logVar == null) != (config.logVarShape() == null)
        || logVar != null && !Arrays.equals(logVar.shape(), config.logVarShape())) {
      throw new IllegalArgumentException(config.decoder().id() + " decoder of " + config.dataDim()
          + " dimensions needs " + (config.logVarShape() == null ? "no log-variance parameter"
          : "a log-variance parameter of shape [" + config.dataDim() + "]") + ", got "
          + (logVar == null ? "none" : Arrays.toString(logVar.shape())));
    }
    this.config = config;
    this.encoder = encoder;
    this.decoder = decoder;
    this.logVar = logVar;
  }

  /**
   * A freshly initialised model.
   *
   * @param dataMean per-feature mean of the training data, or null; for a Bernoulli decoder the output bias starts
   *     at its logit so the first steps need not learn the average image
   */
  public static DeepLvm create(Config config, RngKey key, float[] dataMean) {
    Mlp enc = Mlp.create("encoder", config.encoderSizes(), config.activation(), key.foldIn(1));
    Mlp dec = Mlp.create("decoder", config.decoderSizes(), config.activation(), key.foldIn(2));
    if (dataMean != null && config.decoder() == Decoder.BERNOULLI) {
      float[] b = dec.biases().get(dec.biases().size() - 1).value().buffer();
      for (int j = 0; j < b.length; j++) {
        float p = Math.min(Math.max(dataMean[j], BIAS_INIT_EPS), 1 - BIAS_INIT_EPS);
        b[j] = (float) StrictMath.log(p / (1 - p));
      }
    }
    // A tied log-variance starts at 0: unit variance, as a Gaussian decoder's zero-initialised output bias gives.
    Parameter logVar = config.logVarShape() == null ? null
        : new Parameter(TIED_LOG_VAR, Tensor.zeros(config.logVarShape()));
    return new DeepLvm(config, enc, dec, logVar);
  }

  /** A model from existing networks (as read from a file); not for {@link Decoder#GAUSSIAN_TIED}, which has more. */
  public static DeepLvm of(Config config, Mlp encoder, Mlp decoder) {
    if (!Arrays.equals(encoder.sizes(), config.encoderSizes())
        || !Arrays.equals(decoder.sizes(), config.decoderSizes())) {
      throw new IllegalArgumentException("networks do not match " + config);
    }
    return new DeepLvm(config, encoder, decoder, null);
  }

  public Config config() {
    return config;
  }

  public Mlp encoder() {
    return encoder;
  }

  public Mlp decoder() {
    return decoder;
  }

  public int dataDim() {
    return config.dataDim();
  }

  @Override
  public int latentDim() {
    return config.latentDim();
  }

  /** The widest of the decoder's layers, from the latent input through the hidden layers to its output. */
  @Override
  public int widestLayer() {
    return Arrays.stream(config.decoderSizes()).max().orElseThrow();
  }

  @Override
  public boolean hasStandardNormalPrior() {
    return true;
  }

  /** log N(z; 0, I) per row. */
  @Override
  public Var logPrior(Var z) {
    int d = z.value().dim(-1);
    return z.square().sum(-1, false).affine(-0.5f, (float) (-0.5 * d * LogSpace.LOG_2PI));
  }

  @Override
  public Var logLikelihood(Var x, Var z) {
    Var out = decoder.apply(z.tape(), z);
    if (config.decoder() == Decoder.BERNOULLI) {
      return Bernoulli.ofLogits(out).logProb(x);
    }
    if (config.decoder() == Decoder.GAUSSIAN_TIED) {
      return DiagNormal.ofLogVar(out, boundLogVar(z.tape().param(logVar))).logProb(x);
    }
    int dim = config.dataDim();
    Var mean = out.slice(-1, 0, dim);
    Var logVar = boundLogVar(out.slice(-1, dim, 2 * dim));
    return DiagNormal.ofLogVar(mean, logVar).logProb(x);
  }

  /**
   * As the default, without the {@code [N, D]} copy of the rows of x for a Bernoulli decoder: on a tape
   * {@link Tape#forEvaluation() for evaluation} it takes a path that records nothing, reads the rows of x in place
   * and never holds the whole logit matrix ({@link BernoulliLogLikelihood}); on a recording tape, with x constant,
   * the output layer and the log mass are one primitive that reads the rows of x in place
   * ({@link Bernoulli#linearLogProbOfRows}). Values and gradients are bit-identical to the default.
   */
  @Override
  public Var logLikelihood(Var x, int[] rows, Var z) {
    Tape tape = z.tape();
    boolean rowsOfX = config.decoder() == Decoder.BERNOULLI && x.tape() == tape && !x.requiresGrad()
        && x.value().rank() == 2 && x.value().dim(1) == dataDim() && z.value().rank() == 2
        && z.value().dim(0) == rows.length && z.value().dim(1) == latentDim();
    if (rowsOfX && !tape.watchesParameters() && !z.requiresGrad()) {
      return tape.constant(BernoulliLogLikelihood.evaluate(decoder, x.value(), rows, z.value()));
    }
    if (rowsOfX) {
      int last = decoder.weights().size() - 1;
      return Bernoulli.linearLogProbOfRows(decoder.hidden(tape, z), tape.param(decoder.weights().get(last)),
          tape.param(decoder.biases().get(last)), x.value(), rows);
    }
    return LatentVariableModel.super.logLikelihood(x, rows, z);
  }

  /** The decoder's soft log-variance bound {@code b·tanh(raw/b)}. */
  public static Var boundLogVar(Var raw) {
    return raw.mul(1f / LOG_VAR_BOUND).tanh().mul(LOG_VAR_BOUND);
  }

  /**
   * The amortized posterior q(z|x).
   *
   * @param x shape {@code [B, D]}
   * @return a DiagNormal of shape {@code [B, d]}
   */
  public DiagNormal posterior(Tape tape, Var x) {
    Var out = encoder.apply(tape, x);
    int d = config.latentDim();
    return DiagNormal.ofLogVar(out.slice(-1, 0, d), out.slice(-1, d, 2 * d));
  }

  /**
   * Decodes latents to the decoder's mean: Bernoulli probabilities or Gaussian means, {@code [N, D]}.
   */
  public Tensor decodeMean(Tensor z) {
    Tape tape = new Tape();
    Var out = decoder.apply(tape, tape.constant(z));
    if (config.decoder() == Decoder.BERNOULLI) {
      return out.value().sigmoid();
    }
    if (config.decoder() == Decoder.GAUSSIAN_TIED) {
      return out.value();
    }
    return out.value().slice(-1, 0, config.dataDim());
  }

  /**
   * Draws {@code n} observations: z ~ N(0, I), then x ~ p(x|z) (Bernoulli draws, or Gaussian draws), or the
   * decoder mean when {@code mean} is true. A Gaussian decoder's draws are decoded in blocks of rows, at most
   * {@value #SAMPLE_BLOCK_VALUES} values of the decoder's output at a time, so that memory beyond the draws themselves
   * does not grow with n times the data's width (20,000 draws of a 10,000-D surrogate held 1.6 GB of decoder output
   * and as much again in its slices and temporaries); each row is computed as in one whole pass, bit for bit.
   */
  public Tensor sample(RngKey key, int n, boolean mean) {
    Tensor z = samplePrior(key.foldIn(0), n);
    if (mean) {
      return decodeMean(z);
    }
    if (config.decoder() == Decoder.BERNOULLI) {
      Tape tape = new Tape();
      return Bernoulli.ofLogits(decoder.apply(tape, tape.constant(z))).sample(key.foldIn(1));
    }
    int dim = config.dataDim();
    int block = (int) Math.max(1, Math.min(n, SAMPLE_BLOCK_VALUES / (2L * dim)));
    if (block == n) {
      return gaussianDraws(z, key.foldIn(1), 0);
    }
    float[] x = new float[Math.toIntExact((long) n * dim)];
    for (int r0 = 0; r0 < n; r0 += block) {
      int r1 = Math.min(n, r0 + block);
      float[] part = gaussianDraws(z.slice(0, r0, r1), key.foldIn(1), (long) r0 * dim).buffer();
      System.arraycopy(part, 0, x, r0 * dim, (r1 - r0) * dim);
    }
    return Tensor.wrap(x, n, dim);
  }

  /**
   * Gaussian draws {@code x = μ(z) + σ(z) ⊙ ε} for the rows of {@code z}, with ε the normals of {@code noise}'s
   * stream from position {@code first} on: the rows {@code [r, r + rows)} of a draw of n rows, bit for bit, when
   * {@code first} is {@code r · dataDim}.
   */
  private Tensor gaussianDraws(Tensor z, RngKey noise, long first) {
    Tape tape = new Tape();
    Var out = decoder.apply(tape, tape.constant(z));
    int dim = config.dataDim();
    boolean tied = config.decoder() == Decoder.GAUSSIAN_TIED;
    Tensor m = tied ? out.value() : out.value().slice(-1, 0, dim);
    Tensor raw = tied ? logVar.value().broadcastTo(m.shape()) : out.value().slice(-1, dim, 2 * dim);
    Tensor sd = raw.mul(1f / LOG_VAR_BOUND).tanh().mul(LOG_VAR_BOUND / 2).exp();
    float[] eps = new float[m.size()];
    Samplers.normals(noise, first, eps, 0, eps.length);
    return m.add(sd.mul(Tensor.wrap(eps, m.shape())));
  }

  /** The configuration as a JSON-ready map (for model files). */
  public java.util.Map<String, Object> configMap() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("dataDim", config.dataDim());
    m.put("latentDim", config.latentDim());
    m.put("hidden", config.hidden());
    m.put("activation", config.activation().id());
    m.put("decoder", config.decoder().id());
    return m;
  }

  /** Parameter values by name, encoder first (for model files and checkpoints). */
  public java.util.Map<String, Tensor> tensors() {
    java.util.Map<String, Tensor> t = new java.util.LinkedHashMap<>();
    for (Parameter p : parameters()) {
      t.put(p.name(), Tensor.of(p.value().buffer(), p.shape()));
    }
    return t;
  }

  /**
   * Rebuilds a model from {@link #configMap()} and {@link #tensors()}. The sizes are checked ({@link Config}) before
   * the tensors are looked at, and every tensor's shape against the sizes the config gives it.
   *
   * @throws IllegalArgumentException naming what is missing or malformed: the config field, or the tensor and the
   *     config fields that set its shape
   */
  public static DeepLvm fromMaps(java.util.Map<String, Object> cfg, java.util.Map<String, Tensor> tensors) {
    Config c = configFrom(cfg);
    Parameter logVar = tiedLogVar(c, tensors);
    return new DeepLvm(c, mlpFrom("encoder", c.encoderSizes(), c.encoderLabels(), c, tensors),
        mlpFrom("decoder", c.decoderSizes(), c.decoderLabels(), c, tensors), logVar);
  }

  /**
   * As {@link #fromMaps(java.util.Map, java.util.Map)}, for a model whose q is fitted per data point, which never
   * uses its encoder: when {@code tensors} hold none of the encoder's (a model file of format version 2 leaves them
   * out), the encoder is a stand-in of zeros of the sizes the config gives it. Tensors that hold some of the
   * encoder's must hold all of them, as {@link #fromMaps(java.util.Map, java.util.Map)} requires.
   */
  public static DeepLvm fromMapsWithoutEncoder(java.util.Map<String, Object> cfg,
      java.util.Map<String, Tensor> tensors) {
    if (tensors.keySet().stream().anyMatch(name -> name.startsWith(ENCODER_PREFIX))) {
      return fromMaps(cfg, tensors);
    }
    Config c = configFrom(cfg);
    Parameter logVar = tiedLogVar(c, tensors);
    // The decoder's tensors are checked before the stand-in is made: its sizes mirror theirs, which the file's own
    // size checks bounded, so a config alone cannot make it allocate more than about twice what the file holds.
    Mlp decoder = mlpFrom("decoder", c.decoderSizes(), c.decoderLabels(), c, tensors);
    int[] sizes = c.encoderSizes();
    List<Parameter> w = new ArrayList<>();
    List<Parameter> b = new ArrayList<>();
    for (int l = 0; l + 1 < sizes.length; l++) {
      w.add(new Parameter(ENCODER_PREFIX + "w" + l, Tensor.zeros(sizes[l], sizes[l + 1])));
      b.add(new Parameter(ENCODER_PREFIX + "b" + l, Tensor.zeros(sizes[l + 1])));
    }
    return new DeepLvm(c, Mlp.of(sizes, c.activation(), w, b), decoder, logVar);
  }

  /** The tied decoder's log-variance parameter, checked against the config; null for other decoders. */
  private static Parameter tiedLogVar(Config c, java.util.Map<String, Tensor> tensors) {
    if (c.logVarShape() == null) {
      return null;
    }
    Tensor t = required(tensors, TIED_LOG_VAR);
    if (!Arrays.equals(t.shape(), c.logVarShape())) {
      throw new IllegalArgumentException("model tensor '" + TIED_LOG_VAR + "' has shape "
          + Arrays.toString(t.shape()) + ", but the config's dataDim " + c.dataDim() + " makes it "
          + Arrays.toString(c.logVarShape()));
    }
    return new Parameter(TIED_LOG_VAR, t);
  }

  /** The architecture that {@link #configMap()} wrote, its sizes checked ({@link Config}). */
  private static Config configFrom(java.util.Map<String, Object> cfg) {
    JsonFields fields = JsonFields.of("model config", cfg);
    return new Config(intOf(cfg, "dataDim"), intOf(cfg, "latentDim"), intsOf(cfg, "hidden"),
        Activation.parse(fields.string("activation")), Decoder.parse(fields.string("decoder")));
  }

  private static Mlp mlpFrom(String name, int[] sizes, String[] labels, Config c,
      java.util.Map<String, Tensor> tensors) {
    List<Parameter> w = new ArrayList<>();
    List<Parameter> b = new ArrayList<>();
    for (int l = 0; l + 1 < sizes.length; l++) {
      String set = "the config's " + labels[l] + " " + sizes[l] + " and " + labels[l + 1] + " " + sizes[l + 1];
      w.add(new Parameter(name + ".w" + l, shaped(tensors, name + ".w" + l, set, sizes[l], sizes[l + 1])));
      b.add(new Parameter(name + ".b" + l, shaped(tensors, name + ".b" + l, set, sizes[l + 1])));
    }
    int layers = sizes.length - 1;
    if (tensors.containsKey(name + ".w" + layers) || tensors.containsKey(name + ".b" + layers)) {
      throw new IllegalArgumentException("model has tensor '" + name + ".w" + layers + "', but the config's hidden "
          + Arrays.toString(c.hidden()) + " gives the " + name + " " + layers + (layers == 1 ? " layer" : " layers"));
    }
    return Mlp.of(sizes, c.activation(), w, b);
  }

  /** Tensor {@code name}, which must have {@code shape}, the one that {@code setBy} (config fields) gives it. */
  private static Tensor shaped(java.util.Map<String, Tensor> tensors, String name, String setBy, int... shape) {
    Tensor t = required(tensors, name);
    if (!Arrays.equals(t.shape(), shape)) {
      throw new IllegalArgumentException("model tensor '" + name + "' has shape " + Arrays.toString(t.shape())
          + ", but " + setBy + " make it " + Arrays.toString(shape));
    }
    return t;
  }

  private static Tensor required(java.util.Map<String, Tensor> tensors, String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("model has no tensor '" + name + "'");
    }
    return t;
  }

  private static int intOf(java.util.Map<String, Object> cfg, String key) {
    return checkedInt(key, cfg.get(key));
  }

  private static int[] intsOf(java.util.Map<String, Object> cfg, String key) {
    Object v = cfg.get(key);
    if (!(v instanceof List)) {
      throw new IllegalArgumentException("model config '" + key + "' must be a list of integers, got "
          + JsonFields.shown(v));
    }
    List<?> l = (List<?>) v;
    int[] out = new int[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = checkedInt(key, l.get(i));
    }
    return out;
  }

  /** A size from a model file: an integer in [1, {@link Config#MAX_DIM}], never a wrapped or truncated number. */
  private static int checkedInt(String key, Object v) {
    if (!(v instanceof Long || v instanceof Integer) || ((Number) v).longValue() < 1
        || ((Number) v).longValue() > Config.MAX_DIM) {
      throw new IllegalArgumentException("model config '" + key + "' must be an integer from 1 to "
          + Config.MAX_DIM + ", got " + JsonFields.shown(v));
    }
    return ((Number) v).intValue();
  }

  /**
   * The noise standard deviation of each column, {@code exp(b·tanh(v/b) / 2)} of the shared raw log-variance v, for
   * a {@link Decoder#GAUSSIAN_TIED} decoder; null for the others, whose noise depends on z or which have none.
   */
  public double[] tiedNoiseSd() {
    if (logVar == null) {
      return null;
    }
    double[] sd = new double[config.dataDim()];
    for (int j = 0; j < sd.length; j++) {
      sd[j] = Math.exp(LOG_VAR_BOUND * Math.tanh((double) logVar.value().get(j) / LOG_VAR_BOUND) / 2);
    }
    return sd;
  }

  /** Encoder parameters (φ). */
  public List<Parameter> encoderParameters() {
    return encoder.parameters();
  }

  /** Decoder parameters (θ): the network's, then a {@link Decoder#GAUSSIAN_TIED} decoder's log-variance. */
  public List<Parameter> decoderParameters() {
    if (logVar == null) {
      return decoder.parameters();
    }
    List<Parameter> all = new ArrayList<>(decoder.parameters());
    all.add(logVar);
    return all;
  }

  /** All parameters, encoder first. */
  public List<Parameter> parameters() {
    List<Parameter> all = new ArrayList<>(encoder.parameters());
    all.addAll(decoderParameters());
    return all;
  }
}
