package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.api.DeepLvmOptions;
import dev.marginal.data.Binarization;
import dev.marginal.estimators.Sumo;
import dev.marginal.train.LvmObjectiveOptions;
import dev.marginal.train.LvmRunOptions;
import dev.marginal.train.LvmScheduleOptions;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The defaults {@code marginal fit --help} states for the deep LVM options are those the library applies. */
class FitHelpDefaultsTest {
  /** The help text as printed. */
  private static String help() {
    CliRun r = CliRun.of("fit", "--help");
    assertEquals(0, r.code(), r.toString());
    return r.out();
  }

  /**
   * An option's description in the list of options: the rest of the line that names it (after the parameter label)
   * and the deeper-indented lines that continue it, folded into single spaces.
   */
  private static String description(String help, String option) {
    String[] lines = help.split("\\R");
    Pattern entry = Pattern.compile("^ {2,8}(?:-\\w, )?" + Pattern.quote(option) + "(?:=\\S+)?(.*)$");
    for (int i = 0; i < lines.length; i++) {
      Matcher m = entry.matcher(lines[i]);
      if (m.matches()) {
        StringBuilder d = new StringBuilder(m.group(1).strip());
        for (int j = i + 1; j < lines.length && lines[j].startsWith("                   "); j++) {
          d.append(' ').append(lines[j].strip());
        }
        return d.toString();
      }
    }
    throw new AssertionError(option + " not in the list of options:\n" + help);
  }

  @Test
  void statedDefaultsAreTheLibrarysDefaults() {
    DeepLvmOptions.Architecture arch = DeepLvmOptions.Architecture.auto();
    LvmObjectiveOptions loss = LvmObjectiveOptions.defaults();
    LvmRunOptions run = LvmRunOptions.defaults();
    LvmScheduleOptions schedule = DeepLvmOptions.defaults().training().schedule();
    String hidden = Arrays.stream(arch.hidden()).mapToObj(Integer::toString).collect(Collectors.joining(","));
    Map<String, String> stated = Map.ofEntries(
        Map.entry("--hidden", hidden),
        Map.entry("--activation", arch.activation().name().toLowerCase(Locale.ROOT)),
        Map.entry("--objective", loss.objective().name().toLowerCase(Locale.ROOT)),
        Map.entry("--k", Integer.toString(loss.numSamples())),
        Map.entry("--min-terms", Integer.toString(loss.minTerms())),
        Map.entry("--gradient", loss.gradient().name().toLowerCase(Locale.ROOT)),
        Map.entry("--epochs", Integer.toString(run.epochs())),
        Map.entry("--batch", Integer.toString(run.batchSize())),
        Map.entry("--lr", Double.toString(schedule.learningRate())),
        Map.entry("--binarize", Binarization.DEFAULT.name().toLowerCase(Locale.ROOT)));
    String help = help();
    for (Map.Entry<String, String> e : stated.entrySet()) {
      String d = description(help, e.getKey());
      assertTrue(d.contains("default: " + e.getValue() + ")"), e.getKey() + ": '" + d + "' should state "
          + e.getValue());
    }
    assertEquals(Sumo.DEFAULT_MIN_TERMS, loss.minTerms());
    assertTrue(description(help, "--lr-floor").contains("default " + DeepLvmOptions.DEFAULT_LR_FLOOR + ";"));
    // No clipping and no early stopping unless asked for.
    assertEquals(0.0, run.clipNorm());
    assertEquals(0, run.patience());
    assertTrue(description(help, "--clip").contains("default: none"));
    assertTrue(description(help, "--patience").contains("default: none"));
  }

  @Test
  void statedLatentSizesAreTheLibrarysChoice() {
    String d = description(help(), "--latent");
    DeepLvmOptions.Architecture arch = DeepLvmOptions.Architecture.auto();
    int wide = DeepLvmOptions.Architecture.WIDE_DATA;
    assertTrue(d.contains("lvm: default " + arch.latentDimFor(wide + 1) + " for data of more than " + wide
        + " columns, else " + arch.latentDimFor(wide) + ")"), d);
  }
}
