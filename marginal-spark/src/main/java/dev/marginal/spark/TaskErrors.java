package dev.marginal.spark;

import dev.marginal.data.DataException;
import java.util.function.Supplier;
import org.apache.spark.SparkException;

/**
 * A user's mistake found inside a task (a negative or repeated id, a null or non-finite feature, a row of the wrong
 * length) reaches the driver as a {@link SparkException} whose message is the job's abort and the task's stack
 * trace. The jobs marginal runs on the driver (fits, evaluations, {@code SparkMain}'s verbs) report it as what it
 * is: an {@link IllegalArgumentException} with the task's own one-line message, the Spark exception as its cause.
 */
public final class TaskErrors {
  private TaskErrors() {}

  /**
   * Runs {@code job}, turning a Spark job failure caused by an {@link IllegalArgumentException} or a
   * {@link DataException} in a task into an {@link IllegalArgumentException} with that message; anything else
   * passes through unchanged.
   */
  public static <T> T userErrors(Supplier<T> job) {
    try {
      return job.get();
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) { // SparkException is checked; Spark's Java API throws it without declaring it
      IllegalArgumentException user = userError(e);
      if (user != null) {
        throw user;
      }
      throw e instanceof RuntimeException r ? r : TaskErrors.<RuntimeException>sneaky(e);
    }
  }

  /** The one-line refusal a failed job stands for, or null if the job did not fail for a user's mistake. */
  static IllegalArgumentException userError(Throwable failure) {
    boolean inSpark = false;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      inSpark |= t instanceof SparkException;
      if (inSpark && (t instanceof IllegalArgumentException || t instanceof DataException)) {
        return new IllegalArgumentException(t.getMessage(), failure);
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> E sneaky(Exception e) throws E {
    throw (E) e;
  }
}
