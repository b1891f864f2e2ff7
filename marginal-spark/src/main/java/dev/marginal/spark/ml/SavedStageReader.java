package dev.marginal.spark.ml;

import dev.marginal.io.Untrusted;
import java.util.function.Supplier;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsReader.Metadata;
import org.apache.spark.sql.SparkSession;

/**
 * Spark ML's reader of a stage saved with its parameters only, refusing first a path that holds no saved stage
 * with one line naming it (Spark's own reader fails there with Hadoop's "Input path does not exist" and a stack),
 * and a saved stage whose {@code metadata/} is broken with one line naming the path and the problem.
 *
 * @param <T> the stage's class
 */
final class SavedStageReader<T> extends DefaultParamsReader<T> {
  /** The most characters of a parser's reason a refusal quotes. */
  private static final int MAX_REASON = 200;
  private final Class<T> stage;

  SavedStageReader(Class<T> stage) {
    this.stage = stage;
  }

  @Override
  public T load(String path) {
    requireSaved(sparkSession(), path, stage);
    return withSavedParams(path, stage, () -> super.load(path));
  }

  /**
   * Refuses {@code path} unless it holds a saved Spark ML stage (its {@code metadata/}) of class {@code stage}.
   *
   * @return the saved stage's metadata
   * @throws IllegalArgumentException "no saved STAGE at PATH" if nothing is there, "PATH holds a CLASS, not a
   *     STAGE" if it holds a stage of another class, "PATH is not a readable saved STAGE: metadata/ ..." if its
   *     metadata is empty, changed or not Spark ML's JSON, or a one-line refusal naming the path if it holds
   *     something else
   */
  static Metadata requireSaved(SparkSession spark, String path, Class<?> stage) {
    String name = stage.getSimpleName();
    if (!ModelFiles.exists(spark, path)) {
      throw new IllegalArgumentException("no saved " + name + " at " + path);
    }
    if (!ModelFiles.exists(spark, path + "/metadata")) {
      throw new IllegalArgumentException(path + " is not a saved " + name + " (it has no metadata/)"
          + (stage == MarginalDensityModel.class ? "; a model file loads with MarginalDensityModel.fromFile" : ""));
    }
    // Spark's own reader would build the class the metadata names and fail casting it, or finding its constructor.
    Metadata meta = readable(path, name, () -> DefaultParamsReader$.MODULE$.loadMetadata(path, spark.sparkContext(),
        ""));
    if (!stage.getName().equals(meta.className())) {
      throw new IllegalArgumentException(path + " holds a " + meta.className() + ", not a " + name);
    }
    return meta;
  }

  /**
   * {@code set}, which sets a stage's parameters from the saved metadata of {@code path}; a parameter the stage
   * does not have or a value it cannot take is refused in one line naming the path and the parameter, not with
   * json4s's or Spark's exception.
   */
  static <S> S withSavedParams(String path, Class<?> stage, Supplier<S> set) {
    try {
      return set.get();
    } catch (Exception e) { // Spark's and json4s's exceptions, some checked and not declared
      throw new IllegalArgumentException(refusal(path, stage.getSimpleName()) + "holds parameters a "
          + stage.getSimpleName() + " cannot take (" + reason(e) + ")", e);
    }
  }

  /** {@code read}, which parses the metadata of {@code path}, with its failure as one line naming the path. */
  private static Metadata readable(String path, String name, Supplier<Metadata> read) {
    try {
      return read.get();
    } catch (Exception e) { // as in withSavedParams; a checksum's failure comes as a job's SparkException
      throw new IllegalArgumentException(refusal(path, name) + problem(e), e);
    }
  }

  /** What is wrong with a {@code metadata/} that Spark could not parse, in a few words. */
  private static String problem(Exception e) {
    Throwable root = rootCause(e);
    if (root instanceof ChecksumException) {
      return "does not match its checksum file (.crc): it was changed after it was saved";
    }
    if (root instanceof UnsupportedOperationException && "empty collection".equals(root.getMessage())) {
      return "is empty"; // no line to parse: Spark's first() of an empty text file
    }
    if (root.getMessage() != null && root.getMessage().startsWith("Did not find value")) {
      return "lacks a field Spark ML saves (class, uid, timestamp or sparkVersion)"; // json4s's extract of a field
    }
    return "is not the JSON Spark ML saves (" + reason(e) + ")";
  }

  private static String refusal(String path, String name) {
    return path + " is not a readable saved " + name + ": metadata/ ";
  }

  /** The first line of the innermost cause's message, escaped and cut to {@value #MAX_REASON} characters. */
  private static String reason(Exception e) {
    Throwable root = rootCause(e);
    String message = root.getMessage() == null ? "" : root.getMessage().strip();
    String line = message.isEmpty() ? root.getClass().getSimpleName() : message.lines().findFirst().orElseThrow();
    String cut = line.length() <= MAX_REASON ? line : line.substring(0, MAX_REASON) + "...";
    return Untrusted.escaped(cut);
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
