package dev.marginal.cli;

import dev.marginal.io.AtomicFiles;
import dev.marginal.io.Json;
import dev.marginal.plot.HtmlReport;
import dev.marginal.tensor.Kernels;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's outputs: {@code index.html} with every section, {@code summary.json} with every table and the run's
 * settings, and a compact text summary for the terminal.
 */
final class DemoReport {
  static final String PAGE = "index.html";
  static final String SUMMARY = "summary.json";

  /**
   * How long each part took, in seconds.
   *
   * @param total the whole run up to writing the page
   */
  record Timing(double funnel, double density, double targets, double total) {}

  private DemoReport() {}

  /** Writes the pictures, tables, page and summary into the output directory; returns the page. */
  static Path write(DemoSettings s, DemoFunnel.Outcome funnel, DemoDensity.Outcome density,
      DemoTargets.Outcome targets, Timing timing) throws IOException {
    Path dir = s.out();
    HtmlReport page = HtmlReport.titled("marginal demo")
        .paragraph("A tour of marginal on built-in data and targets: sampling from an unnormalized density by "
            + "reverse KL, density estimation with exact and latent-variable models, and how the IWAE bound "
            + "behaves. Everything on this page was computed by this run (" + s.mode() + " mode, seed " + s.seed()
            + "); the numbers behind every table and curve sit beside it as CSV and JSON.");
    page = DemoFunnel.report(funnel, s, dir, page);
    page = DemoDensityReport.report(density, s, dir, page);
    page = DemoTargets.report(targets, s, dir, page);
    page = page.section("About this run").preformatted(runText(s, timing));
    Path index = dir.resolve(PAGE);
    page.write(index);
    AtomicFiles.writeString(dir.resolve(SUMMARY), Json.write(summary(s, funnel, density, targets, timing))
        + "\n");
    return index;
  }

  private static String runText(DemoSettings s, Timing t) {
    return String.join("\n",
        "command   marginal demo" + (s.quick() ? " --quick" : "") + " --seed " + s.seed() + " --threads " + s.threads(),
        "version   marginal " + Main.version() + ", Java " + Runtime.version() + ", kernels " + Kernels.get().name(),
          String.format(Locale.ROOT, "time      %.0f s (funnel %.0f s, density estimation %.0f s, targets %.0f s)",
            t.total(), t.funnel(), t.density(), t.targets()));
  }

  private static Map<String, Object> summary(DemoSettings s, DemoFunnel.Outcome funnel,
      DemoDensity.Outcome density, DemoTargets.Outcome targets, Timing t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", Main.version());
    m.put("mode", s.mode());
    m.put("seed", s.seed());
    m.put("threads", s.threads());
    m.put("seconds", t.total());
    m.put("funnel", DemoFunnel.summaryTable(funnel).toMaps());
    m.put("funnel_warnings", funnel.warnings());
    m.put("density", DemoDensityReport.heldOutTable(density).toMaps());
    m.put("iwae_bound", DemoDensityReport.boundTable(density).toMaps());
    m.put("bdmc", density.bdmc().toMap());
    m.put("targets", DemoTargets.summaryTable(targets).toMaps());
    return m;
  }

  /** The compact summary printed when the demo finishes. */
  static void print(PrintWriter out, DemoFunnel.Outcome funnel, DemoDensity.Outcome density,
      DemoTargets.Outcome targets, Timing t, Path index) {
    out.printf(Locale.ROOT, "marginal demo: done in %.0f s%n%n", t.total());
    out.println("1. Seed funnel by reverse KL, " + funnel.runs().get(0).options().iterations()
        + " steps each (final evaluation)");
    out.print(render(DemoFunnel.shownHeader(funnel), DemoFunnel.shownRows(funnel)));
    int negative = funnel.negativeEvaluations();
    if (negative > 0) {
      out.println("   " + negative + " evaluation(s) gave a KL estimate significantly below zero (see the report)");
    }
    out.println();
    out.println("2. Held-out mean log p(x), nats per point");
    out.print(render(DemoDensityReport.shownHeader(density), DemoDensityReport.shownRows(density)));
    out.println("   IWAE-trained deep LVM − GMM, paired over held-out points: "
        + String.join(", ", DemoDensityReport.pairedComparisons(density)));
    out.println();
    out.println("3. IWAE bound on held-out " + DemoDensity.BOUND_DATASET + " (IWAE-trained deep LVM)");
    out.print(render(List.of("estimator", "mean log p(x)"), DemoDensityReport.boundRows(density)));
    out.println();
    out.println(targetsHeading(targets.runs().get(0).options().iterations()));
    out.print(render(DemoTargets.shownHeader(targets), DemoTargets.shownRows(targets)));
    out.println();
    out.println("report: " + index.toAbsolutePath().normalize());
    out.flush();
  }

  /**
   * The terminal heading of the section beyond the funnel: the page's, which names no recipe (its rows follow the
   * forward KL and reverse KL both), with the steps of each run.
   */
  static String targetsHeading(long steps) {
    return DemoTargets.HEADING + ", " + steps + " steps each (final evaluation)";
  }

  /** Rows as left-aligned text columns, indented by two spaces. */
  static String render(List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    for (int j = 0; j < width.length; j++) {
      width[j] = header.get(j).length();
      for (List<String> row : rows) {
        width[j] = Math.max(width[j], row.get(j).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    appendLine(sb, header, width);
    for (List<String> row : rows) {
      appendLine(sb, row, width);
    }
    return sb.toString();
  }

  private static void appendLine(StringBuilder sb, List<String> cells, int[] width) {
    StringBuilder line = new StringBuilder(" ");
    for (int j = 0; j < cells.size(); j++) {
      line.append("  ").append(cells.get(j)).append(" ".repeat(width[j] - cells.get(j).length()));
    }
    sb.append(line.toString().stripTrailing()).append('\n');
  }
}
