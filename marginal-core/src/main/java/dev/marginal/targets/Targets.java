package dev.marginal.targets;

import dev.marginal.config.NearestNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds a {@link Target} from a short specification:
 *
 * <pre>
 *   funnel               {@link SeedFunnel}
 *   neal-funnel[:D]      {@link NealFunnel} in D dimensions (default 2)
 *   mixture              {@link GaussianMixtureTarget}
 *   u1, u2, u3, u4       {@link RezendeMohamedEnergy}
 *   two-moons            {@link TwoMoons}
 *   gmm40                {@link ManyModeMixture}: 40 unit Gaussians with means in [−40, 40]²
 *   many-well[:D]        {@link ManyWell} in D dimensions (default 32)
 *   class:NAME           a user class, see {@link UserTarget}
 * </pre>
 *
 * Built-in names are matched without regard to case or surrounding spaces; class names are case-sensitive.
 */
public final class Targets {
  /** The prefix of a user-class specification. */
  public static final String CLASS_PREFIX = "class:";
  /** The built-in specifications, as listed in error messages. */
  public static final List<String> BUILT_IN =
      List.of("funnel", "neal-funnel[:D]", "mixture", "u1", "u2", "u3", "u4", "two-moons", "gmm40",
          "many-well[:D]");

  private static final String NEAL = "neal-funnel";
  private static final String MANY_WELL = "many-well";
  /** The built-in names, those that take a dimension last. */
  private static final List<String> NAMES =
      List.of("funnel", "mixture", "u1", "u2", "u3", "u4", "two-moons", "gmm40", NEAL, MANY_WELL);
  /** The most edits between a misspelt name and a built-in one that a hint offers. */
  private static final int MAX_SUGGESTION_DISTANCE = 2;

  private Targets() {}

  /**
   * The target named by {@code spec}.
   *
   * @throws IllegalArgumentException with a one-line message for an unknown or malformed specification
   */
  public static Target of(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty target; " + validNames());
    }
    String trimmed = spec.trim();
    if (trimmed.startsWith(CLASS_PREFIX)) {
      return UserTarget.load(trimmed.substring(CLASS_PREFIX.length()).trim());
    }
    String name = trimmed.toLowerCase(Locale.ROOT);
    switch (name) {
      case "funnel":
        return new SeedFunnel();
      case NEAL:
        return NealFunnel.of(NealFunnel.DEFAULT_DIM);
      case "mixture":
        return new GaussianMixtureTarget();
      case "u1":
        return RezendeMohamedEnergy.of(RezendeMohamedEnergy.Kind.U1);
      case "u2":
        return RezendeMohamedEnergy.of(RezendeMohamedEnergy.Kind.U2);
      case "u3":
        return RezendeMohamedEnergy.of(RezendeMohamedEnergy.Kind.U3);
      case "u4":
        return RezendeMohamedEnergy.of(RezendeMohamedEnergy.Kind.U4);
      case "two-moons":
        return new TwoMoons();
      case "gmm40":
        return new ManyModeMixture();
      case MANY_WELL:
        return ManyWell.of(ManyWell.DEFAULT_DIM);
      default:
        if (name.startsWith(NEAL + ":")) {
          return NealFunnel.of(parseDim(name.substring(NEAL.length() + 1), trimmed,
              "neal-funnel:D with D an integer >= 2"));
        }
        if (name.startsWith(MANY_WELL + ":")) {
          return ManyWell.of(parseDim(name.substring(MANY_WELL.length() + 1), trimmed,
              "many-well:D with D an even integer >= 2"));
        }
        throw new IllegalArgumentException("unknown target '" + trimmed + "'" + suggestion(name) + "; "
            + validNames());
    }
  }

  /**
   * "; did you mean two-moons?" for up to three built-in names within {@value #MAX_SUGGESTION_DISTANCE} edits of
   * {@code name} or containing it ({@code moons}), nearest first, keeping a given dimension for the names that take
   * one ({@code many-wells:4}: {@code many-well:4}); else "".
   */
  private static String suggestion(String name) {
    int colon = name.indexOf(':');
    String base = colon < 0 ? name : name.substring(0, colon);
    String dim = colon < 0 ? "" : name.substring(colon);
    List<String> close = new ArrayList<>();
    for (String known : NAMES) {
      boolean dimensioned = known.equals(NEAL) || known.equals(MANY_WELL);
      if (!dim.isEmpty() && !dimensioned) {
        continue;
      }
      if (NearestNames.editDistance(base, known) <= MAX_SUGGESTION_DISTANCE
          || base.length() >= 3 && known.contains(base)) {
        close.add(known + dim);
      }
    }
    return NearestNames.didYouMean(name, close);
  }

  private static int parseDim(String text, String spec, String expected) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad dimension in '" + spec + "': expected " + expected);
    }
  }

  private static String validNames() {
    return "valid targets: " + String.join(", ", BUILT_IN) + ", " + CLASS_PREFIX + "<fully.qualified.ClassName>";
  }
}
