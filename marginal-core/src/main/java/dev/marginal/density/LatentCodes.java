package dev.marginal.density;

import dev.marginal.data.DataException;
import dev.marginal.data.Dataset;
import dev.marginal.data.FiniteValues;
import dev.marginal.io.Untrusted;
import dev.marginal.tensor.Shape;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/** The codes a {@link LatentDecoder} decodes, and the check of what it decodes them to. */
final class LatentCodes {
  private LatentCodes() {}

  /**
   * The q code columns of {@code codes}: {@code z0 .. z(q−1)} by name when it has them all, else all its columns
   * when there are exactly q and none is named as a code ({@code z} and a number): codes of a model with another
   * number of latents (columns {@code z0, var_z0} for a model of two, or {@code z0 .. z2} for one of two) are
   * refused rather than read by position.
   *
   * @throws DataException if it has neither, codes of another width, or a NaN or an infinity among the codes
   */
  static Dataset of(Dataset codes, int q) {
    Objects.requireNonNull(codes, "codes");
    List<String> names = FeatureSpace.numbered("z", q);
    List<String> codeNames = codes.columns().stream().filter(c -> c.matches("z[0-9]+")).toList();
    Dataset picked;
    if (!codeNames.isEmpty() && !new HashSet<>(names).equals(new HashSet<>(codeNames))) {
      throw new DataException(codes.source() + ": codes of " + codeNames.size() + " latent"
          + (codeNames.size() == 1 ? "" : "s") + " (" + abbreviated(codeNames) + "), but the model has " + q
          + ": decode codes with the model that encoded them");
    } else if (codes.columns().equals(names)) {
      picked = codes;
    } else if (!codeNames.isEmpty()) {
      picked = codes.select(names.toArray(String[]::new));
    } else if (codes.cols() == q) {
      picked = codes;
    } else {
      throw new DataException(codes.source() + ": " + codes.cols() + " columns (" + abbreviated(codes.columns())
          + "), but the model's codes have " + q + ": give the columns z0" + (q > 1 ? " .. z" + (q - 1) : "")
          + " (as encode writes them) or exactly " + q + " columns");
    }
    return FiniteValues.require(picked);
  }

  /** At most five names, quoted, then "..." if there are more. */
  private static String abbreviated(List<String> given) {
    final int shown = 5;
    StringBuilder list = new StringBuilder();
    for (int j = 0; j < Math.min(shown, given.size()); j++) {
      list.append(j == 0 ? "" : ", ").append(Untrusted.quoted(given.get(j)));
    }
    return list + (given.size() > shown ? ", ..." : "");
  }

  /**
   * Refuses, before anything is decoded, codes whose {@code dim} values each would not fit one array.
   *
   * @throws DataException naming the codes' source, the numbers and the remedy
   */
  static void checkSize(Dataset codes, int dim) {
    if ((long) codes.rows() * dim > Shape.MAX_ARRAY_LENGTH) {
      throw new DataException(codes.source() + ": " + codes.rows() + " codes decode to " + codes.rows() + " × " + dim
          + " values, more than the " + Shape.MAX_ARRAY_LENGTH + " one array holds; decode them in parts");
    }
  }

  /**
   * Returns {@code decoded}, row i decoded from row i of {@code codes}, if every value is finite: a code far out
   * in the tails (z = 1e30) can decode beyond the range of a float.
   *
   * @throws DataException naming the code's row (by file and line where it has them), the column and the value
   */
  static Dataset requireDecoded(Dataset codes, Dataset decoded) {
    float[] v = decoded.values();
    int d = decoded.cols();
    for (int k = 0; k < v.length; k++) {
      if (!Float.isFinite(v[k])) {
        throw new DataException(codes.where(k / d) + ": decodes to " + v[k] + " in column "
            + Untrusted.quoted(decoded.columns().get(k % d)) + " (beyond a float: the code is too far out for this"
            + " model)");
      }
    }
    return decoded;
  }
}
