package dev.marginal.cli;

import dev.marginal.data.DataSources;
import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.density.Models;
import dev.marginal.io.AtomicFiles;
import dev.marginal.io.IoErrors;
import dev.marginal.io.Json;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Untrusted;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.ParseResult;

/**
 * What the commands share: reading models and data with one-line errors, validating option values, and printing reports as text or JSON.
 */
final class Commands {
  private Commands() {}

  /** Reads a model file; any problem is a {@link UserInputException} naming the file. */
  static DensityModel readModel(Path path) {
    try {
      return Models.read(path);
    } catch (IOException e) {
      throw new UserInputException(e.getMessage(), e);
    }
  }

  /** Reads a model file without rebuilding the model (for its provenance). */
  static ModelFile readModelFile(Path path) {
    try {
      return ModelFile.read(path);
    } catch (IOException | RuntimeException e) {
      throw new UserInputException(e.getMessage(), e);
    }
  }

  /**
   * Refuses a {@code --columns} list with an empty name ({@code --columns ,}, {@code --columns a,,b} or a trailing
   * comma), read as typed: the parser drops a trailing empty name, and a list left empty would mean all the columns
   * (or the model's), not the columns asked for.
   */
  static void checkColumnNames(ParseResult parsed) {
    if (parsed == null || !parsed.hasMatchedOption("--columns")) {
      return;
    }
    for (String typed : parsed.matchedOption("--columns").originalStringValues()) {
      for (String name : typed.split(",", -1)) {
        if (name.isBlank()) {
          throw new UserInputException("--columns " + Untrusted.quoted(typed) + ": an empty column name; name the "
              + "columns to use, separated by commas");
        }
      }
    }
  }

  /**
   * Loads {@code spec}, keeping {@code columns} (all if empty) and the first {@code limit} rows (all if null).
   * Spaces around each column name are dropped, as the CSV reader drops them around the header's names: with
   * {@code --columns "a, b"} the second name is {@code b}, not {@code " b"}, which no file could have.
   *
   * @throws dev.marginal.data.DataException naming the source and, for files, the line
   */
  static Dataset loadData(String spec, List<String> columns, Integer limit) {
    if (limit != null) {
      positive("--limit", limit);
    }
    List<String> names = columns == null ? List.of() : columns.stream().map(String::strip).toList();
    return DataSources.load(spec, names, limit == null ? Integer.MAX_VALUE : limit);
  }

  /**
   * Loads data for scoring or encoding with {@code model}. Without {@code columns} (null or empty) the model's columns
   * are read by name, in the model's order, and other columns of the data are ignored; data lacking some of them
   * are refused (matched by position they would give wrong numbers silently). With {@code columns}, those are read
   * and taken as the model's columns by position (the data set returned names them as the model's). Either way the
   * data must have the model's number of columns.
   *
   * @param modelPath the model file, named in the message when columns are missing or the dimensions differ
   */
  static Dataset loadDataFor(DensityModel model, Path modelPath, String spec, List<String> columns,
      Integer limit) {
    if (limit != null) {
      positive("--limit", limit);
    }
    boolean chosen = columns != null && !columns.isEmpty();
    Dataset data = loadData(spec, chosen ? columns : modelColumnsIn(model, modelPath, spec), limit);
    if (data.cols() != model.dim()) {
      throw new UserInputException(data.source() + ": " + data.cols() + " columns, but the model " + modelPath
          + " has " + model.dim() + " (" + abbreviate(model.columns()) + "); choose columns with --columns");
    }
    return chosen ? data.withColumns(model.columns()) : data;
  }

  /**
   * The columns to read from {@code spec} for {@code model}: its columns, or none (meaning all, without a copy) when
   * the data have exactly those in that order. Every model names its columns: model files without them do not load.
   */
  private static List<String> modelColumnsIn(DensityModel model, Path modelPath, String spec) {
    List<String> wanted = model.columns();
    List<String> present = DataSources.columns(spec);
    if (present.equals(wanted)) {
      return List.of();
    }
    Set<String> have = new HashSet<>(present);
    List<String> missing = wanted.stream().filter(c -> !have.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new UserInputException(spec.strip() + ": lacks " + (missing.size() == 1 ? "column " : "columns ")
          + abbreviate(missing) + " of the model " + modelPath + " (the data has " + abbreviate(present)
          + "); name the columns to use, in the model's order, with --columns");
    }
    return wanted;
  }

  /** Returns {@code value} if it is at least 1, else a {@link UserInputException} naming the option. */
  static int positive(String option, int value) {
    return (int) positive(option, (long) value);
  }

  /** Returns {@code value} if it is at least 1, else a {@link UserInputException} naming the option. */
  static long positive(String option, long value) {
    if (value < 1) {
      throw new UserInputException(option + " must be >= 1, got " + value);
    }
    return value;
  }

  /**
   * Refuses each of {@code options} that the command line gave when {@code model} has an exact log density (a GMM
   * or PPCA): they set an estimator such a model does not use.
   */
  static void refuseForExactModels(ParseResult parsed, DensityModel model, List<String> options) {
    if (model instanceof LvmDensityModel) {
      return;
    }
    for (String option : options) {
      if (parsed.hasMatchedOption(option)) {
        throw new UserInputException(option + " applies to lvm models; the log-likelihood of a " + model.kind()
            + " model is exact");
      }
    }
  }

  /**
   * Refuses a picture's name that does not end in {@code .png} (any case): what is written is a PNG, and a viewer
   * that trusts the name of {@code s.jpg} would fail on it.
   */
  static void pngName(String option, Path png) {
    if (png != null && !png.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
      throw new UserInputException(option + " " + png + ": the picture is a PNG; give it a name ending in .png");
    }
  }

  /** Endings of files that are not CSV: a picture, a model or checkpoint, JSON, HTML, an archive. */
  private static final List<String> NOT_CSV = List.of(".png", ".jpg", ".jpeg", ".svg", ".marginal", ".ckpt", ".json",
      ".html", ".zip");
  /** Endings of files that are not a model (a zip archive): CSV, a picture, JSON, HTML, plain text. */
  private static final List<String> NOT_A_MODEL = List.of(".csv", ".csv.gz", ".gz", ".png", ".jpg", ".jpeg", ".svg",
      ".json", ".html", ".txt");

  /**
   * Refuses a CSV output whose name says it is another kind of file ({@code --out samples.png}, meant as the
   * picture): a viewer or a later command that trusts the name would fail on it.
   */
  static void csvName(String option, Path out) {
    String ending = ending(out, NOT_CSV);
    if (ending != null) {
      throw new UserInputException(option + " " + out + ": this output is CSV, not a " + ending + " file; give it a "
          + "name ending in .csv or .csv.gz" + (ending.equals(".png") ? " (the picture goes to --png)" : ""));
    }
  }

  /**
   * Refuses a model output whose name says it is another kind of file ({@code --out model.csv}): a model file is a
   * zip archive, which a later command reading the name as CSV would fail on.
   */
  static void modelName(String option, Path out) {
    String ending = ending(out, NOT_A_MODEL);
    if (ending != null) {
      throw new UserInputException(option + " " + out + ": a model file is a zip archive, not a " + ending + " file;"
          + " give it another name (model files are named .marginal)");
    }
  }

  /** The first of {@code endings} (longest first where one ends another) that {@code path}'s name ends in, any case. */
  private static String ending(Path path, List<String> endings) {
    if (path == null || path.getFileName() == null) {
      return null;
    }
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    for (String e : endings) {
      if (name.endsWith(e)) {
        return e;
      }
    }
    return null;
  }

  /** "; picture FILE" after a text report's heading when {@code --png} wrote one, else "". */
  static String picture(Path png) {
    return png == null ? "" : "; picture " + png;
  }

  /** Writes a picture into {@code png}; may fail as a write does. */
  @FunctionalInterface
  interface PngWrite {
    void write() throws java.io.IOException;
  }

  /**
   * Runs {@code write}, which draws into {@code png}, turning a failed write into one line naming the file (the
   * command's other outputs are already written).
   */
  static void writePng(Path png, PngWrite write) {
    try {
      write.write();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(png + ": cannot write (" + dev.marginal.io.IoErrors.reason(e) + ")", e);
    }
  }

  /**
   * The build's {@link SamplePlotter} for {@code --png png}, or null without {@code --png}; refused in one line where
   * this build has none.
   */
  static SamplePlotter plotter(Path png) {
    if (png == null) {
      return null;
    }
    return SamplePlotter.find().orElseThrow(
        () -> new UserInputException("--png: plotting is not available in this build"));
  }

  /** Refuses, in one line, a model whose rows {@code plotter} cannot draw (nothing to check without one). */
  static void requireDrawable(SamplePlotter plotter, DensityModel model) {
    if (plotter != null) {
      plotter.cannotDraw(model).ifPresent(reason -> {
        throw new UserInputException(reason);
      });
    }
  }

  /** Returns {@code value} if it is finite and at least 0, else a {@link UserInputException}. */
  static double nonNegative(String option, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new UserInputException(option + " must be a finite number >= 0, got " + value);
    }
    return value;
  }

  /** Returns {@code value} in lower case if it is one of {@code allowed}, else a {@link UserInputException}. */
  static String oneOf(String option, String value, List<String> allowed) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (!allowed.contains(v)) {
      throw new UserInputException(option + ": unknown value '" + value + "' (expected "
          + String.join(", ", allowed) + ")");
    }
    return v;
  }

  /**
   * Writes a model file. Its place was checked before the work, so a failure here is of the system (a full disk, a
   * directory removed meanwhile); the model is then saved to {@link #rescuePath} instead, and the error says where.
   */
  static void writeModel(ModelFile file, Path out) {
    try {
      file.write(out);
    } catch (IOException e) {
      throw rescued(out, "the model", e, file::write);
    }
  }

  /**
   * After {@code target} could not be written: writes the same content to {@link #rescuePath} and returns the error
   * to throw, saying where {@code what} went (or that it is lost, if that write fails too).
   */
  static IllegalStateException rescued(Path target, String what, IOException failure,
      AtomicFiles.IOConsumer<Path> write) {
    Path rescue = rescuePath(target);
    try {
      write.accept(rescue);
    } catch (IOException again) {
      return new IllegalStateException(target + ": cannot write (" + IoErrors.reason(failure) + "), nor " + rescue
          + " (" + IoErrors.reason(again) + "); " + what + " is lost", failure);
    }
    return new IllegalStateException(target + ": cannot write (" + IoErrors.reason(failure) + "); " + what
        + " was saved to " + rescue + " instead", failure);
  }

  /** Where a model goes when its own place fails: {@code marginal-rescued-PID-NAME} in the temporary directory. */
  static Path rescuePath(Path out) {
    return Path.of(System.getProperty("java.io.tmpdir"))
        .resolve("marginal-rescued-" + ProcessHandle.current().pid() + "-" + out.getFileName());
  }

  /** The suffix of a report entry holding the standard error of the entry without it ("kl_sumo_se"). */
  static final String SE_SUFFIX = "_se";

  /**
   * Prints a report as one JSON object (with {@code --json}, even under {@code --quiet}: asking for JSON is asking
   * for output), or as aligned {@code name  value} lines under a heading, an entry {@code x} followed by its
   * standard error {@code x_se} shown as {@code x ± se}; nothing under {@code --quiet}.
   */
  static void print(PrintWriter out, OutputOptions options, String heading, Map<String, Object> report) {
    if (options.json) {
      out.println(Json.writeCompact(report));
      return;
    }
    if (options.quiet) {
      return;
    }
    if (heading != null) {
      out.println(Untrusted.escaped(heading));
    }
    int width = 0;
    for (String k : report.keySet()) {
      width = Math.max(width, k.length());
    }
    for (Map.Entry<String, Object> e : report.entrySet()) {
      String key = e.getKey();
      if (key.endsWith(SE_SUFFIX) && report.containsKey(key.substring(0, key.length() - SE_SUFFIX.length()))) {
        continue;
      }
      Object se = report.get(key + SE_SUFFIX);
      String value = se instanceof Number s && e.getValue() instanceof Number v
          ? withError(v.doubleValue(), s.doubleValue()) : text(e.getValue());
      // Values may come from files (column names, a model's provenance): control characters are shown escaped.
      out.printf("  %-" + width + "s  %s%n", key, Untrusted.escaped(value));
    }
  }

  /**
   * {@code x ± se} for a text report: four decimals, or, where either is 10^9 or more in magnitude (a point far from
   * every component can have log p(x) = −10^82), five significant digits in scientific notation. A NaN standard
   * error (a mean of one row, which has no spread to measure) is {@code x (no standard error)}.
   */
  static String withError(double x, double se) {
    boolean huge = Math.abs(x) >= 1e9 || Math.abs(se) >= 1e9;
    if (Double.isNaN(se)) {
      return String.format(Locale.ROOT, huge ? "%.5e" : "%.4f", x) + " (" + NO_ERROR + ")";
    }
    return String.format(Locale.ROOT, huge ? "%.5e ± %.5e" : "%.4f ± %.4f", x, se);
  }

  /** What a text report shows in place of {@code ± se} for a standard error that is not available (NaN). */
  static final String NO_ERROR = "no standard error";

  /** A value for a text report: numbers as Java writes them, anything structured as compact JSON. */
  static String text(Object v) {
    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    return Json.writeCompact(v);
  }

  /** Names for a message: all of them, or the first few and a count; each as {@link Untrusted#shown} (cut, escaped). */
  static String abbreviate(List<String> names) {
    final int shown = 6;
    List<String> first = names.subList(0, Math.min(shown, names.size())).stream().map(Untrusted::shown).toList();
    return names.size() <= shown ? String.join(", ", first)
        : String.join(", ", first) + ", ... " + names.size() + " in all";
  }

  /**
   * The command line as typed, {@code marginal ARGS...}: the one part of a model's provenance only the command
   * knows ({@link dev.marginal.io.Provenance#withCommandLine}).
   */
  static String commandLine(picocli.CommandLine.Model.CommandSpec spec) {
    return "marginal " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs());
  }

  /** A value as JSON-friendly data: strings for paths and other objects, lists for lists. */
  static Object plain(Object v) {
    if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) {
      return v;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(Commands::plain).toList();
    }
    return String.valueOf(v);
  }
}
