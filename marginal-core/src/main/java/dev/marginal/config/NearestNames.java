package dev.marginal.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Names close to a misspelt one, for an error's "did you mean" hint: the command line's unknown options and commands,
 * and those of the Spark entry point.
 */
public final class NearestNames {
  /** The most names a hint offers. */
  public static final int MAX_SHOWN = 3;

  private NearestNames() {}

  /** The number of single-character insertions, deletions and substitutions that turn {@code a} into {@code b}. */
  public static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(substitution, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /**
   * "; did you mean A or B?" for up to {@value #MAX_SHOWN} of {@code candidates}, nearest to {@code given} first (ties
   * in the candidates' order), or "" when there are none.
   */
  public static String didYouMean(String given, List<String> candidates) {
    if (candidates.isEmpty()) {
      return "";
    }
    return "; did you mean " + String.join(" or ", nearest(given, candidates)) + "?";
  }

  /** Up to {@value #MAX_SHOWN} of {@code candidates}, nearest to {@code given} first (ties in the candidates' order). */
  public static List<String> nearest(String given, List<String> candidates) {
    List<String> close = new ArrayList<>(candidates);
    close.sort(Comparator.comparingInt((String c) -> editDistance(given, c)));
    return List.copyOf(close.subList(0, Math.min(MAX_SHOWN, close.size())));
  }
}
