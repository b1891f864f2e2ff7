package dev.marginal.train;

import dev.marginal.config.ParameterException;
import dev.marginal.data.Dataset;
import dev.marginal.models.DeepLvm;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What defines a training run, stored in its checkpoints so that resuming cannot silently continue a different run:
 * the data (by content, not by name), the objective, the optimizer settings, the architecture, the seed and, for a
 * per-datapoint model, the steps of the local fit it scores new rows with (its model keeps them). Only the
 * length of the run (epochs, steps, iterations) and how often it is checkpointed may change on resume; the thread
 * count is not part of a run, since results do not depend on it.
 *
 * <p>Keys are the library's parameter names ({@code numSamples}, {@code batchSize}, ...), so that a mismatch is a
 * {@link ParameterException} about exactly the settings that differ.
 */
public final class RunFingerprint {
  /** Where checkpoints keep the fingerprint: under this key of their provenance. */
  public static final String KEY = "fingerprint";

  /** The key of a per-datapoint run's local fit steps. */
  public static final String LOCAL_STEPS = "localSteps";

  /** What a mismatch gives after a setting's value now: the start of its value in the checkpoint's run. */
  private static final String HAD = " (the checkpoint's run had ";

  /** A list of whole numbers as {@link Arrays#toString(int[])} writes it: the hidden layers' widths. */
  private static final Pattern INT_LIST = Pattern.compile("\\[-?\\d+(, -?\\d+)*]");

  private RunFingerprint() {}

  /** What a run fits; runs of different kinds never resume each other. */
  public enum Kind {
    /** A density fitted to data ({@code DeepLvmFit}): its fingerprint names the data. */
    DENSITY("a density-estimation run"),
    /** A surrogate fitted to an unnormalized target ({@code SurrogateTraining}): its fingerprint names the target. */
    REVERSE_KL("a reverse-KL run on a target"),
    /** A density fitted data-parallel ({@code DataParallelFit}, marginal-spark): its fingerprint names the engine. */
    DATA_PARALLEL("a data-parallel density-estimation run");

    private final String description;

    Kind(String description) {
      this.description = description;
    }

    /** In words: "a density-estimation run", "a reverse-KL run on a target". */
    public String description() {
      return description;
    }
  }

  /**
   * The kind of run a checkpoint (or model file) was written by: from its fingerprint, or, for a file written before
   * fingerprints, from whether its provenance names data or a target.
   *
   * @param provenance the file's provenance
   * @return the kind, or null when the provenance names neither data nor a target
   */
  public static Kind kindOf(Map<String, Object> provenance) {
    Map<?, ?> m = provenance.get(KEY) instanceof Map<?, ?> f ? f : provenance;
    if ("data-parallel".equals(m.get("engine"))) {
      return Kind.DATA_PARALLEL;
    }
    if (m.containsKey("target")) {
      return Kind.REVERSE_KL;
    }
    return m.containsKey("data") ? Kind.DENSITY : null;
  }

  /**
   * The fingerprint of a density-estimation run.
   *
   * @param data the training rows as given (after row and column selection, before standardization)
   * @param validation the validation setting: a fraction as given, held-out rows by their {@link #contents}, or
   *     null
   * @param standardize whether the model is fitted to standardized columns
   * @param architecture the deep LVM's configuration
   * @param perDatapoint whether q is per data point rather than an encoder
   * @param localSteps the steps of the local fit that gives new rows their q in a per-datapoint model, as resolved
   *     (not 0 for its default); not recorded for the amortized encoder
   */
  public static Map<String, Object> of(LvmTrainingOptions o, Dataset data, String validation, boolean standardize,
      DeepLvm.Config architecture, boolean perDatapoint, int localSteps) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("data", contents(data));
    m.put("validation", String.valueOf(validation));
    m.put("standardize", standardize);
    m.put("objective", o.objective().id());
    m.put("numSamples", o.numSamples());
    m.put("minTerms", o.minTerms());
    m.put("gradient", o.gradient().id());
    m.put("batchSize", o.batchSize());
    m.put("learningRate", o.learningRate());
    m.put("lrFloor", o.lrFloor());
    m.put("warmupEpochs", o.warmupEpochs());
    m.put("clipNorm", o.clipNorm());
    m.put("patience", o.patience());
    m.put("binarization", o.binarization().toString());
    m.put("seed", o.seed());
    putArchitecture(m, architecture);
    m.put("perDatapoint", perDatapoint);
    if (perDatapoint) {
      // Only for per-datapoint runs, so that amortized checkpoints written before it was recorded still resume; a
      // per-datapoint checkpoint without it is compared by the local fit its model saved (DeepLvmFit).
      m.put(LOCAL_STEPS, localSteps);
    }
    return m;
  }

  /** The fingerprint of a reverse-KL run on the target called {@code target}. */
  public static Map<String, Object> of(ReverseKlOptions o, String target) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", target);
    m.put("objective", o.objective().id());
    m.put("numSamples", o.numSamples());
    m.put("minTerms", o.minTerms());
    m.put("batchSize", o.batchSize());
    m.put("decoderLr", o.decoderLr());
    m.put("encoderLr", o.encoderLr());
    m.put("clipNorm", o.clipNorm());
    m.put("warmup", o.warmup());
    m.put("lrFloor", o.lrFloor());
    m.put("averaging", o.averaging());
    m.put("adamBeta2", o.adamBeta2());
    m.put("seed", o.seed());
    m.put("latentDim", o.latentDim());
    m.put("hidden", Arrays.toString(o.hidden()));
    m.put("activation", o.activation().id());
    if (o.pathGradient()) {
      // Only when on, so that checkpoints written before the option existed still resume with it off.
      m.put("decoderGradient", "path");
    }
    if (o.annealing().active()) {
      // Only when annealing, so that checkpoints written before annealing existed still resume.
      m.put("annealFraction", o.annealing().fraction());
      m.put("annealStartBeta", o.annealing().startBeta());
      m.put("annealScale", o.annealing().scale());
    }
    if (o.forward().active()) {
      // Only when on, so that checkpoints written before the forward KL existed still resume.
      m.put("forwardFraction", o.forward().fraction());
      m.put("forwardProposals", o.forward().proposals());
      m.put("forwardScale", o.forward().scale());
    }
    return m;
  }

  private static void putArchitecture(Map<String, Object> m, DeepLvm.Config c) {
    m.put("latentDim", c.latentDim());
    m.put("hidden", Arrays.toString(c.hidden()));
    m.put("activation", c.activation().id());
    m.put("decoder", c.decoder().id());
  }

  /**
   * Refuses to resume a run whose fingerprint differs from the checkpoint's. A checkpoint of another kind of run
   * ({@link Kind}) is refused as such, without comparing settings that the two kinds do not share. A checkpoint
   * without a fingerprint (written before fingerprints existed) is otherwise accepted as it is.
   *
   * @param checkpointProvenance the checkpoint's provenance, holding {@link #KEY}
   * @param now the fingerprint of the run being started
   * @throws IllegalArgumentException if the checkpoint is of another kind of run
   * @throws ParameterException naming each differing setting, its value in the checkpoint and now as a user types
   *     it (a switch on or off, layer widths as {@code 16,8})
   */
  public static void check(Map<String, Object> checkpointProvenance, Map<String, Object> now) {
    Kind written = kindOf(checkpointProvenance);
    Kind asked = kindOf(now);
    if (written != null && asked != null && written != asked) {
      throw new IllegalArgumentException("the checkpoint is of " + written.description() + ", not of "
          + asked.description());
    }
    if (!(checkpointProvenance.get(KEY) instanceof Map<?, ?> recorded)) {
      return;
    }
    Map<?, ?> saved = withoutIneffective(recorded);
    List<String> names = new ArrayList<>();
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Object> e : now.entrySet()) {
      Object before = saved.get(e.getKey());
      if (!same(before, e.getValue())) {
        names.add(e.getKey());
        // A setting recorded only when on (the forward recipe, annealing) or as "null" when off (a validation
        // split) is off, in either run.
        parts.add(e.getKey() + " " + (isOff(e.getValue()) ? "off" : typed(e.getValue())) + HAD
            + (isOff(before) ? "it off" : Boolean.TRUE.equals(before) ? "it on" : typed(before)) + ")");
      }
    }
    for (Map.Entry<?, ?> e : saved.entrySet()) {
      // A setting recorded only when on (annealing, the path gradient) and off now.
      if (!now.containsKey(String.valueOf(e.getKey()))) {
        names.add(String.valueOf(e.getKey()));
        parts.add(e.getKey() + " off" + HAD + typed(e.getValue()) + ")");
      }
    }
    if (!names.isEmpty()) {
      throw ParameterException.about(names, "the checkpoint is of a different run: " + String.join("; ", parts)
          + "; resume with the run's own settings (only its length, checkpoint frequency and threads may change)");
    }
  }

  /**
   * {@code fingerprint} without the settings that had no effect on its run: the decoder's path gradient of a run
   * whose forward KL took every step (written before {@link ReverseKlOptions} refused the two together), which leaves
   * the decoder no reverse-KL step, so that the run resumes as the same run without it.
   */
  private static Map<?, ?> withoutIneffective(Map<?, ?> fingerprint) {
    if (!(fingerprint.get("forwardFraction") instanceof Number f && f.doubleValue() == 1
        && fingerprint.containsKey("decoderGradient"))) {
      return fingerprint;
    }
    Map<Object, Object> m = new LinkedHashMap<>(fingerprint);
    m.remove("decoderGradient");
    return m;
  }

  /**
   * {@code message}, a mismatch that {@link #check} reported, with each of the {@code defaulted} settings (those the
   * caller did not choose but left at their defaults) marked as the default and followed by how to give the
   * checkpoint's value: "gradient reparam (the default; the checkpoint's run had dreg, so pass gradient dreg)", or
   * "pass standardize" for a switch the checkpoint's run had on. A message without such a setting is returned as it
   * is.
   */
  public static String markDefaults(String message, Collection<String> defaulted) {
    String marked = message;
    for (String name : defaulted) {
      Matcher m = Pattern.compile("(?<=^|: |; )" + Pattern.quote(name) + " [^;]*?" + Pattern.quote(HAD)
          + "([^;]*?)\\)(?=;|$)").matcher(marked);
      marked = m.replaceAll(r -> {
        String before = r.group(1);
        String hint = before.equals("it off") ? "" : before.equals("it on") ? ", so pass " + name
            : ", so pass " + name + " " + before;
        String part = r.group();
        int at = part.length() - HAD.length() - before.length() - 1;
        return Matcher.quoteReplacement(part.substring(0, at) + " (the default; " + HAD.substring(2) + before + hint
            + ")");
      });
    }
    return marked;
  }

  private static boolean isOff(Object setting) {
    return setting == null || "null".equals(String.valueOf(setting)) || Boolean.FALSE.equals(setting);
  }

  /**
   * A setting as a user types it: a switch as {@code on}, a list of layer widths recorded as {@code [16, 8]} as
   * {@code 16,8}; anything else as recorded.
   */
  private static String typed(Object setting) {
    if (Boolean.TRUE.equals(setting)) {
      return "on";
    }
    String s = String.valueOf(setting);
    return INT_LIST.matcher(s).matches() ? s.substring(1, s.length() - 1).replace(", ", ",") : s;
  }

  /** Equality after a round trip through JSON: whole numbers come back as longs, others as doubles. */
  private static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    return Objects.equals(a == null ? null : String.valueOf(a), b == null ? null : String.valueOf(b));
  }

  /**
   * Rows as a fingerprint names them, by content, not by name: "500 rows of 2 columns with sha256 …" (the first 16
   * hex digits of the SHA-256 of their float bits and column names).
   */
  public static String contents(Dataset data) {
    return data.rows() + " rows of " + data.cols() + " columns with sha256 " + digest(data);
  }

  /** SHA-256 of the rows' float bits, the first 16 hex digits. */
  static String digest(Dataset data) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      float[] v = data.values();
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      for (float f : v) {
        if (buf.remaining() < 4) {
          md.update(buf.array(), 0, buf.position());
          buf.clear();
        }
        buf.putInt(Float.floatToIntBits(f));
      }
      md.update(buf.array(), 0, buf.position());
      md.update(String.join(",", data.columns()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
