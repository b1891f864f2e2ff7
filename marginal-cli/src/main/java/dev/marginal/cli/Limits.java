package dev.marginal.cli;

import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.distributions.CovarianceType;
import dev.marginal.estimators.Ais;
import dev.marginal.models.DeepLvm;
import dev.marginal.models.GaussianMixtureModel;
import dev.marginal.models.GmmOptions;
import dev.marginal.models.Ppca;
import dev.marginal.train.LogZEstimate;
import dev.marginal.train.SurrogateMetrics;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Bounds on size options, checked before anything is allocated: a size whose memory estimate exceeds the heap is
 * refused in one line that names the option, the estimate and the heap, and says what to change; a thread count
 * beyond the machine's cores is capped.
 *
 * <p>Estimates are deliberately rough (within a small factor) and err on the large side only for sizes that could
 * not possibly fit; they are for refusing a command that would die minutes later, not for tuning.
 */
final class Limits {
  /** Bytes per float. */
  private static final long FLOAT = 4;
  /**
   * Live copies of each activation while a batch passes through an MLP (pre-activation, activation, gradient or
   * sample noise): a generous factor so that an estimate under the heap still leaves room for the rest.
   */
  private static final long ACTIVATION_COPIES = 4;
  /**
   * Live copies of each activation in an evaluation's passes, which run without the tape: the values and about one
   * temporary. Measured on 2026-12-06 with {@code target --iters 2} (its one evaluation) under small heaps: the
   * funnel ran in a heap of 88 MiB (counted at this factor 137 MiB), many-well:100 and many-well:300 ran out of
   * memory at 124 MiB and ran at 190 MiB (counted 162 and 213 MiB); {@link #ACTIVATION_COPIES}' 4 counted 273, 308
   * and 377 MiB, refusing runs that fit, and 1 counted 89 and 131 MiB for the two that need more than 124.
   */
  private static final long EVALUATION_COPIES = 2;
  /** Copies of each parameter while training: the value, its gradient and Adam's two moments. */
  private static final long PARAMETER_COPIES = 4;
  /** Bytes per double. */
  private static final long DOUBLE = 8;
  /** Bytes of an array's header and the reference to it. */
  private static final long ARRAY_HEADER = 24;
  /** Model rows (data points × samples) in one scoring pass, as {@code LvmDensityModel.ROWS_PER_PASS}. */
  private static final int SAMPLES_PER_PASS = 1 << 14;
  /** Model rows per pass of bidirectional Monte Carlo, as in {@code BidirectionalMonteCarlo.run}. */
  private static final int BDMC_ROWS_PER_PASS = 1 << 16;
  /** Sample rows per block of a Bernoulli decoder's evaluation, as {@code BernoulliLogLikelihood.ROWS_PER_BLOCK}. */
  private static final int ROWS_PER_BLOCK = 256;
  /** Floats held per importance sample besides z: log q, log p(x|z), log p(z), log w and their temporaries. */
  private static final long FLOATS_PER_SAMPLE = 8;
  /** Doubles held per importance sample: the weights' copies behind the ESS and Pareto k-hat diagnostics. */
  private static final long DOUBLES_PER_SAMPLE = 3;
  /** Margin on the per-sample arrays of a blocked evaluation, for what this count misses. */
  private static final long BLOCKED_COPIES = 2;
  /**
   * Copies of each weight of a surrogate while {@code target} trains it: the value, its gradient, Adam's two moments,
   * the moving average and the copy a checkpoint or the model file is written from.
   */
  private static final long SURROGATE_COPIES = 6;

  /** The memory assumed where the JVM does not tell the machine's, in GiB. */
  private static final long MEMORY_CAP_GIB = 1024;

  /** Bytes of one row's IWAE weight diagnostics: the object, its fields and the list's reference. */
  private static final long DIAGNOSTICS_BYTES = 64;

  private Limits() {}

  /** The heap this JVM may grow to, in bytes. */
  static long heapBytes() {
    return Runtime.getRuntime().maxMemory();
  }

  /**
   * Refuses {@code bytes} of work that cannot fit in the heap.
   *
   * @param option the option to change, named in the message (e.g. {@code --k})
   * @param value the value given, as typed
   * @param what what is allocated, e.g. "importance samples"
   */
  static void fitsInHeap(String option, Object value, long bytes, String what) {
    fitsInHeap(option + " " + value, bytes, what, "lower " + option);
  }

  /**
   * Refuses {@code bytes} of work that cannot fit in the heap.
   *
   * @param given the options given, as typed, that the message opens with (e.g. {@code --target many-well:100000})
   * @param what what is allocated
   * @param change what to change, e.g. "lower --batch or --k"
   */
  static void fitsInHeap(String given, long bytes, String what, String change) {
    if (bytes < 0 || bytes > heapBytes()) {
      throw new UserInputException(tooLarge(given, bytes, what, change, heapBytes(), physicalBytes()));
    }
  }

  /**
   * The refusal of {@code bytes} of work beyond a heap of {@code heap} bytes on a machine of {@code physical} bytes
   * of memory: a larger heap is suggested only where the machine could give it; beyond its memory the message says
   * only what to change.
   */
  static String tooLarge(String given, long bytes, String what, String change, long heap, long physical) {
    String start = given + ": " + what + " would need about " + human(bytes) + " of memory, more than the "
        + human(heap) + " heap";
    long gib = heapToSuggest(bytes, physical);
    if (gib == 0) {
      return start + " and the " + human(physical) + " of memory of this machine; " + change;
    }
    return start + "; " + change + " or give the JVM more memory, e.g. MARGINAL_JAVA_OPTS=-Xmx" + gib + "g";
  }

  /**
   * The heap in GiB to suggest for {@code bytes} of work on a machine of {@code physical} bytes of memory, at most
   * that memory; 0 where the machine has not that much.
   */
  private static long heapToSuggest(long bytes, long physical) {
    return bytes < 0 || bytes > physical ? 0 : Math.max(2, Math.min(suggestedGiB(bytes), physical >> 30));
  }

  /**
   * The memory of this machine (of its container, where the JVM sees a limit), or {@value #MEMORY_CAP_GIB} GiB
   * where the JVM does not tell it: the most a suggested heap may be.
   */
  static long physicalBytes() {
    try {
      if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
        long total = os.getTotalMemorySize();
        if (total > 0) {
          return total;
        }
      }
    } catch (RuntimeException | LinkageError unavailable) {
      // The cap below.
    }
    return MEMORY_CAP_GIB << 30;
  }

  /**
   * Bytes of a reverse-KL surrogate's weights while it trains: an encoder from the data through the hidden widths
   * to the latent's mean and log-variance, a decoder back through them to the data's mean and log-variance, each
   * weight held {@value #SURROGATE_COPIES} times.
   */
  static long surrogateWeightBytes(DeepLvm.Config c) {
    return surrogateWeightBytes(c.dataDim(), c.latentDim(), c.hidden());
  }

  /**
   * As {@link #surrogateWeightBytes(DeepLvm.Config)} for a surrogate of these sizes, also one too large for a
   * configuration to describe (a layer beyond one array).
   */
  static long surrogateWeightBytes(int dataDim, int latentDim, int[] hidden) {
    long weights = 0;
    long previous = dataDim;
    for (long width : hiddenThenLatent(java.util.Arrays.stream(hidden).boxed().toList(), latentDim)) {
      weights = saturatingAdd(weights, saturatingMultiply(previous + 1, width));
      previous = width;
    }
    previous = latentDim;
    for (int i = hidden.length - 1; i >= 0; i--) {
      weights = saturatingAdd(weights, saturatingMultiply(previous + 1, hidden[i]));
      previous = hidden[i];
    }
    weights = saturatingAdd(weights, saturatingMultiply(previous + 1, 2L * dataDim));
    return saturatingMultiply(weights, FLOAT * SURROGATE_COPIES);
  }

  /**
   * Bytes that an evaluation of a reverse-KL surrogate ({@code SurrogateMetrics.evaluate}) holds at its peak: the
   * {@code heldDraws} draws of {@code c.dataDim()} values kept through it (the surrogate's draws for the W1 distances,
   * mode and support checks, and as many of the target's when it has a sampler), plus the largest of its passes: the
   * importance samples of one pass of the KL estimates ({@link #evaluationPassBytes}) and a log Z chunk of
   * {@code LogZEstimate.CHUNK} draws through the surrogate (its decoder output, draws and log densities, with the
   * encoder's {@code innerK − 1} samples per draw of one pass on top). Each pass counts as
   * {@link #evaluationActivationBytes}, whose {@value #EVALUATION_COPIES} copies per value cover the temporaries this
   * count misses (calibrated against runs under small heaps, see {@code EVALUATION_COPIES}); the surrogate's
   * weights come on top ({@link #surrogateWeightBytes}).
   */
  static long evaluationBytes(DeepLvm.Config c, long heldDraws, int klSamples, double samplesPerRow, int innerK) {
    long held = saturatingMultiply(saturatingMultiply(heldDraws, c.dataDim()), FLOAT);
    long pass = evaluationPassBytes(c, klSamples, samplesPerRow);
    long logZ = saturatingAdd(evaluationActivationBytes(c, LogZEstimate.CHUNK),
        evaluationPassBytes(c, LogZEstimate.CHUNK, innerK - 1));
    return saturatingAdd(saturatingAdd(held, Math.max(pass, logZ)), surrogateWeightBytes(c));
  }

  /**
   * Bytes an evaluation holds per surrogate sample of its KL estimates, beside the passes: the sample's latent and
   * data row, its log density, six doubles (log p, the IWAE and SUMO estimates, the two KL terms and the cross
   * entropy) and the IWAE weights' diagnostics ({@value #DIAGNOSTICS_BYTES} bytes).
   */
  static long evaluationSampleBytes(DeepLvm.Config c) {
    return FLOAT * (c.dataDim() + c.latentDim() + 1L) + DOUBLE * 6 + DIAGNOSTICS_BYTES;
  }

  /**
   * Bytes of one pass of an evaluation's log q estimate on {@code rows} rows, {@code samplesPerRow} samples each: a
   * chunk of about 2¹⁶ samples goes through the surrogate in passes of {@code SurrogateMetrics.rowsPerPass} rows, at
   * least one row's samples at once.
   */
  static long evaluationPassBytes(DeepLvm.Config c, long rows, double samplesPerRow) {
    long perRow = (long) Math.ceil(samplesPerRow);
    long chunk = (long) Math.max(1, (1 << 16) / Math.ceil(samplesPerRow));
    long passRows = Math.min(Math.max(1, rows), Math.min(chunk, SurrogateMetrics.rowsPerPass(c, samplesPerRow)));
    return evaluationActivationBytes(c, saturatingMultiply(passRows, perRow));
  }

  /** The {@code --threads} of {@code fit} and {@code demo} when not given. */
  static final int DEFAULT_THREADS = 2;

  /** {@code requested} threads, capped at the number of cores (results do not depend on the thread count). */
  static int threads(int requested) {
    return Math.min(requested, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Refuses a number of importance samples per row whose pass through a deep LVM cannot fit (models with an exact
   * density draw none): K latents of one row must fit one array, and the pass the heap
   * ({@link #importanceSampleBytes}).
   */
  static void checkImportanceSamples(String option, int k, DensityModel model) {
    if (model instanceof LvmDensityModel lvm) {
      DeepLvm.Config c = lvm.model().config();
      if ((long) k * c.latentDim() > Integer.MAX_VALUE - 8) {
        throw new UserInputException(option + " " + k + ": K samples of the " + c.latentDim() + "-D latent would"
            + " exceed 2^31 entries; lower " + option);
      }
      fitsInHeap(option, k, importanceSampleBytes(c, k), "K importance samples of one row");
    }
  }

  /**
   * Bytes to score rows with {@code k} importance samples each. Rows are scored in passes of at least one row's K
   * samples (about {@value #SAMPLES_PER_PASS} in all). A Bernoulli decoder evaluates a pass's samples in blocks of
   * {@value #ROWS_PER_BLOCK} rows, one per thread, so that only the samples' latents z (with their squares for the
   * prior), a few numbers per sample (log q, log p(x|z), log p(z), log w, the weights' diagnostics) and the blocks'
   * activations are held, never K rows of the data's width; other decoders hold every sample's activations at once.
   */
  static long importanceSampleBytes(DeepLvm.Config c, int k) {
    long samples = Math.max(k, SAMPLES_PER_PASS);
    if (c.decoder() != DeepLvm.Decoder.BERNOULLI) {
      return activationBytes(c, samples);
    }
    long perSample = FLOAT * (2L * c.latentDim() + FLOATS_PER_SAMPLE) + DOUBLE * DOUBLES_PER_SAMPLE + Integer.BYTES;
    long heldSamples = saturatingMultiply(samples, perSample * BLOCKED_COPIES);
    long blocks = saturatingMultiply(threads(Integer.MAX_VALUE), activationBytes(c, ROWS_PER_BLOCK));
    long encoder = activationBytes(c, Math.max(1, SAMPLES_PER_PASS / Math.max(k, 1)));
    return saturatingAdd(saturatingAdd(heldSamples, blocks), encoder);
  }

  /**
   * Refuses {@code eval}'s AIS settings whose memory cannot fit, before any work: the number of annealing steps T
   * ({@code --ais-steps}; AIS keeps a step size per step for each point of a chunk, T + 1 arrays) and the points of
   * bidirectional Monte Carlo ({@code --bdmc}; simulated, encoded and bracketed at once). Nothing is counted for a
   * model with an exact density, which runs no AIS.
   *
   * @param rows the rows of the data, which forward AIS ({@code --ais}) runs on in chunks
   * @param k the importance samples per point of bidirectional Monte Carlo's IWAE, which sets its chunks
   */
  static void checkAis(DensityModel model, int steps, boolean onData, int bdmcPoints, long rows, int k, Ais ais) {
    if (!(model instanceof LvmDensityModel lvm) || !onData && bdmcPoints == 0) {
      return;
    }
    DeepLvm.Config c = lvm.model().config();
    long dataChunk = onData ? Math.min(Math.max(1, rows), Math.max(1, SAMPLES_PER_PASS / ais.chains())) : 0;
    long bdmcChunk = bdmcPoints == 0 ? 0 : Math.min(bdmcPoints, Math.max(1, BDMC_ROWS_PER_PASS
        / Math.max(k, ais.chains())));
    fitsInHeap("--ais-steps", steps, aisBytes(c, steps, Math.max(dataChunk, bdmcChunk), ais.chains()),
        "AIS's step sizes per annealing step for each point of a chunk");
    if (bdmcPoints > 0) {
      fitsInHeap("--bdmc", bdmcPoints, saturatingAdd(bdmcBytes(c, bdmcPoints), aisBytes(c, steps, bdmcChunk,
          ais.chains())), "the simulated points, their latents and encodings");
      int widest = lvm.model().widestLayer();
      if ((long) bdmcPoints * widest > Integer.MAX_VALUE - 8) {
        throw new UserInputException("--bdmc " + bdmcPoints + ": the simulated points through the decoder's "
            + widest + "-wide layer would exceed 2^31 entries; lower --bdmc");
      }
    }
  }

  /**
   * Bytes of AIS on {@code points} points at once, {@code chains} chains each, with {@code steps} annealing steps:
   * the pilot's step sizes ({@code [T + 1][points]} doubles) and the schedule of β, plus the chains' pass through
   * the model with its gradient.
   */
  static long aisBytes(DeepLvm.Config c, int steps, long points, int chains) {
    long schedule = saturatingMultiply(steps + 1L, ARRAY_HEADER + DOUBLE * (points + 2));
    return saturatingAdd(schedule, activationBytes(c, saturatingMultiply(points, chains)));
  }

  /**
   * Bytes of bidirectional Monte Carlo's {@code n} simulated points, all held at once: their latents (twice) and
   * the decoder's and encoder's passes over them (without the tape, {@link #evaluationActivationBytes}), four
   * estimates per point.
   */
  static long bdmcBytes(DeepLvm.Config c, long n) {
    long perPoint = DOUBLE * 4 + FLOAT * (2L * c.latentDim() + c.dataDim());
    return saturatingAdd(evaluationActivationBytes(c, n), saturatingMultiply(n, perPoint));
  }

  /**
   * Bytes of the estimates that scoring {@code rows} rows with {@code repeats} repeats holds at once: rows are scored
   * in passes of about {@value #SAMPLES_PER_PASS} samples ({@code perRow} each), and a pass keeps every repeat's
   * estimate of its rows (an array per repeat) with a copy per row for the mean, standard error and interval.
   */
  static long repeatBytes(int repeats, long rows, double perRow) {
    long passRows = Math.min(Math.max(1, rows), Math.max(1, (long) (SAMPLES_PER_PASS / Math.ceil(perRow))));
    long perRepeat = ARRAY_HEADER + DOUBLE * passRows + DOUBLE * 2;
    return saturatingMultiply(repeats, perRepeat);
  }

  /** Floats in the activations of one row passing through the encoder and decoder of {@code c}. */
  static long activationsPerRow(DeepLvm.Config c) {
    long sum = c.dataDim() + 2L * c.latentDim() + 2L * c.dataDim();
    for (int h : c.hidden()) {
      sum += 2L * h;
    }
    return sum;
  }

  /** Bytes for {@code rows} rows (samples) through {@code c} at once in an evaluation, without the tape. */
  static long evaluationActivationBytes(DeepLvm.Config c, long rows) {
    return saturatingMultiply(saturatingMultiply(rows, activationsPerRow(c)), FLOAT * EVALUATION_COPIES);
  }

  /** Bytes for {@code rows} rows (samples) through {@code c} at once. */
  static long activationBytes(DeepLvm.Config c, long rows) {
    return saturatingMultiply(saturatingMultiply(rows, activationsPerRow(c)), FLOAT * ACTIVATION_COPIES);
  }

  /**
   * The options behind a size, as a refusal opens with them ({@code --latent 100000000}, {@code --k 5 with --batch
   * 20}) and names what to lower ({@code lower --latent}).
   *
   * @param given the options, as typed, joined by "with"
   * @param change "lower A or B"
   */
  record Named(String given, String change) {
    /**
     * The options of {@code options} (name → value as typed, in the order to name them) that {@code wasGiven} on the
     * command line; where none was (defaults that the data or target made too large), all of them.
     */
    static Named of(Map<String, Object> options, Predicate<String> wasGiven) {
      List<String> names = options.keySet().stream().filter(wasGiven).toList();
      if (names.isEmpty()) {
        names = List.copyOf(options.keySet());
      }
      return new Named(String.join(" with ", names.stream().map(n -> n + " " + options.get(n)).toList()),
          "lower " + String.join(" or ", names));
    }
  }

  /** The widths as typed after {@code --hidden}: {@code 200,200}. */
  static String widths(List<Integer> hidden) {
    return String.join(",", hidden.stream().map(String::valueOf).toList());
  }

  /**
   * Refuses hidden widths and a latent dimension whose weights (with gradients and Adam moments) cannot fit:
   * widths 100000,100000 hold 10¹⁰ weights, and so does a latent dimension of 10⁸ after a layer of 100.
   *
   * @param options the options that set the widths and the latent dimension, named in the message
   */
  static void checkNetwork(Named options, List<Integer> hidden, int dataDim, int latentDim) {
    long params = 0;
    long largest = 0;
    long previous = dataDim;
    for (long width : hiddenThenLatent(hidden, latentDim)) {
      long matrix = saturatingMultiply(previous, width);
      params = saturatingAdd(params, matrix);
      largest = Math.max(largest, matrix);
      previous = width;
    }
    long bytes = saturatingMultiply(saturatingMultiply(2, params), FLOAT * PARAMETER_COPIES);
    fitsInHeap(options.given(), bytes, "the encoder and decoder weights", options.change());
    if (largest > Integer.MAX_VALUE - 8) {
      throw new UserInputException(options.given() + ": a weight matrix would exceed 2^31 entries; "
          + options.change());
    }
  }

  /**
   * Refuses, before anything of their size is allocated, the d × d covariances of a full-covariance mixture that the
   * heap cannot hold while fitting ({@link GaussianMixtureModel#covarianceBytes}): a CSV of 100,000 columns needs a
   * 100,000 × 100,000 matrix (about 75 GiB) per component. Diagonal and spherical fits hold k·d numbers and pass.
   */
  static void checkGmmWidth(Dataset data, GmmOptions options) {
    if (options.covarianceType() != CovarianceType.FULL) {
      return;
    }
    long d = data.cols();
    long bytes = GaussianMixtureModel.covarianceBytes(data.rows(), data.cols(), options);
    if (bytes < 0 || bytes > heapBytes()) {
      throw new UserInputException(data.source() + ": " + d + " columns need a " + d + " × " + d + " covariance per"
          + " component (about " + human(saturatingMultiply(d * d, DOUBLE)) + "), and fitting " + options.components()
          + (options.components() == 1 ? " component" : " components") + " would need about " + human(bytes)
          + ", more than the " + human(heapBytes()) + " heap; use --covariance diag or spherical, or fewer --columns"
          + (options.components() > 1 ? " or --components" : "") + moreHeap(bytes));
    }
  }

  /**
   * Refuses, before anything of its size is allocated, a PPCA fit whose d × d sample covariance (and the
   * eigensolver's matrices, {@link Ppca#fitBytes}) the heap cannot hold.
   */
  static void checkPpcaWidth(Dataset data) {
    long d = data.cols();
    long bytes = Ppca.fitBytes(data.rows(), data.cols());
    if (bytes < 0 || bytes > heapBytes()) {
      throw new UserInputException(data.source() + ": " + d + " columns need the " + d + " × " + d + " sample"
          + " covariance (about " + human(saturatingMultiply(d * d, DOUBLE)) + "), and the fit would need about "
          + human(bytes) + ", more than the " + human(heapBytes()) + " heap; use fewer --columns" + moreHeap(bytes));
    }
  }

  /** ", or give the JVM more memory, e.g. ..." where this machine has {@code bytes} of memory, else nothing. */
  private static String moreHeap(long bytes) {
    long gib = heapToSuggest(bytes, physicalBytes());
    return gib == 0 ? "" : ", or give the JVM more memory, e.g. MARGINAL_JAVA_OPTS=-Xmx" + gib + "g";
  }

  private static long[] hiddenThenLatent(List<Integer> hidden, int latentDim) {
    long[] w = new long[hidden.size() + 1];
    for (int i = 0; i < hidden.size(); i++) {
      w[i] = hidden.get(i);
    }
    w[hidden.size()] = 2L * latentDim;
    return w;
  }

  static long saturatingMultiply(long a, long b) {
    long r = a * b;
    return a != 0 && (r / a != b || r < 0) ? Long.MAX_VALUE : r;
  }

  static long saturatingAdd(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
  }

  /** Bytes as MiB, GiB or TiB, rounded up. */
  static String human(long bytes) {
    if (bytes < 0 || bytes == Long.MAX_VALUE) {
      return "more than 8 EiB";
    }
    String[] units = {"MiB", "GiB", "TiB", "PiB"};
    double v = bytes / (double) (1 << 20);
    int u = 0;
    while (v >= 1024 && u + 1 < units.length) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** A heap size in GiB that would hold {@code bytes} with room to spare. */
  private static long suggestedGiB(long bytes) {
    long gib = (Math.min(bytes, 1L << 50) >> 30) + 1;
    return Math.max(2, 2 * gib);
  }
}
