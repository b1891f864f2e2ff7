package dev.marginal.distributions;

import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;
import dev.marginal.random.Samplers;
import dev.marginal.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * Categorical distributions over {0, …, C−1} from unnormalized logits θ: {@code log p(c) = θ_c − logsumexp(θ)}.
 * Logits of shape {@code [C]} are one distribution shared by every label; shape {@code [N, C]} is one per row.
 */
public final class Categorical {
  private final Var logits;

  private Categorical(Var logits) {
    this.logits = logits;
  }

  /** @param logits θ, shape {@code [C]} or {@code [N, C]}; −∞ marks an impossible category */
  public static Categorical ofLogits(Var logits) {
    Objects.requireNonNull(logits, "logits");
    int rank = logits.value().rank();
    if (rank != 1 && rank != 2) {
      throw new IllegalArgumentException("logits must have shape [C] or [N, C], got "
          + Arrays.toString(logits.shape()));
    }
    return new Categorical(logits);
  }

  /** The number of categories C. */
  public int numCategories() {
    return logits.value().dim(-1);
  }

  /** The normalized log-probabilities {@code θ − logsumexp(θ)}, the logits' shape. */
  public Var logProbs() {
    return logits.sub(logits.logSumExp(-1, true));
  }

  /** The probabilities softmax(θ), the logits' shape. */
  public Var probs() {
    return logProbs().exp();
  }

  /**
   * log p(labels[i]) for each i.
   *
   * @param labels integers in [0, C); one per row for {@code [N, C]} logits, any number for {@code [C]} logits
   * @return shape {@code [labels.length]}
   */
  public Var logProb(int[] labels) {
    int c = numCategories();
    int n = labels.length;
    if (logits.value().rank() == 2 && logits.value().dim(0) != n) {
      throw new IllegalArgumentException(n + " labels for " + logits.value().dim(0) + " rows");
    }
    float[] mask = new float[n * c];
    for (int i = 0; i < n; i++) {
      if (labels[i] < 0 || labels[i] >= c) {
        throw new IllegalArgumentException("label " + labels[i] + " outside [0, " + c + ")");
      }
      mask[i * c + labels[i]] = 1f;
    }
    Var lp = logProbs();
    Var rows = lp.value().rank() == 1 ? lp.broadcastTo(n, c) : lp;
    // where(), not a product with the one-hot mask: −∞·0 would be NaN for impossible categories.
    Var zero = lp.tape().constant(Tensor.zeros(1));
    return Var.where(Tensor.wrap(mask, n, c), rows, zero).sum(-1, false);
  }

  /**
   * Draws labels by inverse CDF: {@code n} labels for {@code [C]} logits ({@code n} ignored for {@code [N, C]},
   * which gives one per row). Draw i uses {@code key.foldIn(i)}.
   */
  public int[] sample(RngKey key, int n) {
    Tensor v = logits.value();
    int c = numCategories();
    int rows = v.rank() == 2 ? v.dim(0) : n;
    float[] d = v.buffer();
    int[] out = new int[rows];
    double[] row = new double[c];
    for (int i = 0; i < rows; i++) {
      int off = v.rank() == 2 ? i * c : 0;
      for (int j = 0; j < c; j++) {
        row[j] = d[off + j];
      }
      out[i] = Samplers.categorical(key.foldIn(i), row);
    }
    return out;
  }

  @Override
  public String toString() {
    return "Categorical" + Arrays.toString(logits.shape());
  }
}
