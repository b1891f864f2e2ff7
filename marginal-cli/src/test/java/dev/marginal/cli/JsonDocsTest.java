package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Var;
import dev.marginal.io.Json;
import dev.marginal.targets.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/json.md and the commands' {@code --json} reports in step: every field a command prints is in the first column
 * of its section's table, and every field there is printed by one of these small runs (fields named with a K or T
 * stand for any number: {@code iwae_K} is {@code iwae_50}; {@code x_se} goes with a documented {@code x}).
 */
class JsonDocsTest {
  private static final Path DOC = Path.of("..", "docs", "json.md");
  /** Printed only when the data call for it: a Pareto k̂ above 0.7. */
  private static final Set<String> DATA_DEPENDENT = Set.of("warning", "warnings");

  @TempDir Path dir;

  /** A 3-D standard normal whose log Z the command is not told: its KL fields are named kl_minus_log_z_…. */
  public static final class Unnormalized implements Target {
    @Override
    public String name() {
      return "unnormalized-3";
    }

    @Override
    public int dim() {
      return 3;
    }

    @Override
    public Var logDensity(Var x) {
      return x.square().sum(1, false).mul(-0.5f);
    }
  }

  @Test
  void everyFieldPrintedIsDocumentedAndEveryDocumentedFieldIsPrinted() throws IOException {
    Map<String, List<String>> documented = documentedFields(Files.readString(DOC));
    Map<String, List<Map<String, Object>>> reports = runAll();
    assertEquals(reports.keySet(), documented.keySet(), "sections of docs/json.md with a field table");
    List<String> problems = new ArrayList<>();
    reports.forEach((section, runs) -> {
      List<Pattern> fields = documented.get(section).stream().map(JsonDocsTest::pattern).toList();
      Set<String> printed = new TreeSet<>();
      runs.forEach(r -> printed.addAll(r.keySet()));
      for (String key : printed) {
        String base = key.endsWith("_se") ? key.substring(0, key.length() - 3) : key;
        if (fields.stream().noneMatch(p -> p.matcher(key).matches() || p.matcher(base).matches())) {
          problems.add(section + ": `" + key + "` is printed but not documented");
        }
      }
      for (String field : documented.get(section)) {
        Pattern p = pattern(field);
        if (!DATA_DEPENDENT.contains(field) && printed.stream().noneMatch(k -> p.matcher(k).matches())) {
          problems.add(section + ": `" + field + "` is documented but printed by none of " + printed);
        }
      }
    });
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void infoNamesTheColumnsOfADeepLvmAsOfTheOtherModels() {
    String lvm = path("c.marginal");
    json("fit", "--data", "toy:moons?n=20", "--model", "lvm", "--hidden", "4", "--epochs", "1", "--out", lvm);
    assertEquals(List.of("x0", "x1"), json("info", "--model", lvm).get("columns"));
  }

  /**
   * The list of the metrics JSON's evaluation keys in docs/json.md names exactly the keys {@code target} writes
   * (camelCase, as {@code SurrogateMetrics.toMap()} gives them), in the order written.
   */
  @Test
  void everyKeyOfTheMetricsJsonIsDocumented() throws IOException {
    String doc = Files.readString(DOC);
    String list = doc.substring(doc.indexOf("The keys of an evaluation object"), doc.indexOf("\n## ", doc.indexOf(
        "The keys of an evaluation object")));
    List<String> documented = new ArrayList<>();
    String[] items = list.split("\n- ");
    for (String item : java.util.Arrays.copyOfRange(items, 1, items.length)) { // after the paragraph before them
      String names = item.substring(0, item.indexOf(": "));
      Matcher m = Pattern.compile("`([a-zA-Z0-9]+)`").matcher(names);
      while (m.find()) {
        documented.add(m.group(1));
      }
    }
    json("target", "--target", "mixture", "--iters", "4", "--eval-samples", "20", "--eval-k", "10", "--out",
        path("k.marginal"));
    Map<?, ?> written = (Map<?, ?>) ((List<?>) Json.parseObject(Files.readString(dir.resolve(
        "k.marginal.metrics.json"))).get("evaluations")).get(0);
    assertEquals(new ArrayList<>(written.keySet()), documented);
  }

  /**
   * The first-column fields of each section's table, by the section's heading (`sample`, `encode`, `decode` as
   * one).
   */
  static Map<String, List<String>> documentedFields(String doc) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String section = null;
    Pattern backticked = Pattern.compile("`([^`]+)`");
    for (String line : doc.split("\n")) {
      if (line.startsWith("## ")) {
        section = line.substring(3).replace("`", "").strip();
      } else if (section != null && line.startsWith("| ") && !line.startsWith("| field ")) {
        String cell = line.substring(2, line.indexOf(" |", 1));
        Matcher m = backticked.matcher(cell);
        while (m.find()) {
          String name = m.group(1);
          if (name.matches("[a-z][a-z0-9_]*[A-Z]?[a-z0-9_]*(…)?") && !name.startsWith("-")) {
            out.computeIfAbsent(section, s -> new ArrayList<>()).add(name);
          }
        }
      }
    }
    return out;
  }

  /** A documented name as a pattern: K or T stands for a number, a trailing … for anything. */
  private static Pattern pattern(String field) {
    StringBuilder re = new StringBuilder();
    for (char c : field.toCharArray()) {
      re.append(c == 'K' || c == 'T' ? "\\d+" : c == '…' ? ".+" : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(re.toString());
  }

  private Map<String, List<Map<String, Object>>> runAll() {
    Map<String, List<Map<String, Object>>> r = new LinkedHashMap<>();
    String gmm = path("g.marginal");
    String lvm = path("l.marginal");
    String tied = path("t.marginal");
    r.put("fit", List.of(
        json("fit", "--data", "toy:moons?n=200", "--model", "gmm", "--components", "2", "--standardize", "--out", gmm),
        json("fit", "--data", "toy:moons?n=100", "--model", "ppca", "--latent", "1", "--out", path("p.marginal")),
        // A large step and patience 1 stop early, with a message.
        json("fit", "--data", "toy:moons?n=60", "--model", "lvm", "--hidden", "4", "--latent", "1", "--epochs", "6",
            "--lr", "0.3", "--validation", "0.5", "--patience", "1", "--warmup", "0", "--out", lvm),
        json("fit", "--data", "toy:moons?n=60", "--model", "lvm", "--hidden", "4", "--epochs", "1", "--per-datapoint",
            "--decoder", "gaussian-tied", "--local-steps", "5", "--out", tied)));
    r.put("score", List.of(
        json("score", "--model", gmm, "--data", "toy:moons?n=20", "--out", path("sg.csv"), "--png", path("sg.png")),
        json("score", "--model", lvm, "--data", "toy:moons?n=20", "--k", "50", "--out", path("sl.csv"))));
    r.put("eval", List.of(
        json("eval", "--model", gmm, "--data", "toy:moons?n=20"),
        json("eval", "--model", lvm, "--data", "toy:moons?n=3", "--k", "20", "--ais", "--ais-steps", "3", "--bdmc",
            "2")));
    String box = path("u2.marginal");
    String[] small = {"--iters", "4", "--eval-samples", "20", "--eval-k", "10"};
    r.put("target", List.of(
        json(concat(small, "target", "--target", "funnel", "--recipe", "reverse", "--anneal", "0.5", "--forward",
            "0.5", "--png", path("f.png"), "--out", path("f.marginal"))),
        json(concat(small, "target", "--target", "u2", "--out", box)),
        json(concat(small, "target", "--target", "mixture", "--out", path("m.marginal"))),
        json(concat(small, "target", "--target", "class:" + Unnormalized.class.getName(), "--out",
            path("n.marginal")))));
    r.put("sample, encode, decode", List.of(
        json("sample", "--model", gmm, "--n", "5", "--png", path("s.png"), "--out", path("s.csv")),
        json("sample", "--model", lvm, "--n", "5", "--mean", "--out", path("sm.csv")),
        json("encode", "--model", lvm, "--data", "toy:moons?n=5", "--out", path("e.csv")),
        json("encode", "--model", tied, "--data", "toy:moons?n=5", "--out", path("et.csv"), "--png", path("et.png")),
        json("decode", "--model", lvm, "--data", path("e.csv"), "--png", path("d.png"), "--out", path("d.csv"))));
    r.put("info", List.of(json("info", "--model", gmm), json("info", "--model", path("p.marginal")),
        json("info", "--model", lvm + ".ckpt"), json("info", "--model", tied), json("info", "--model", box)));
    return r;
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }

  private static String[] concat(String[] tail, String... head) {
    List<String> all = new ArrayList<>(List.of(head));
    all.addAll(List.of(tail));
    return all.toArray(new String[0]);
  }

  private static Map<String, Object> json(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--json");
    CliRun r = CliRun.of(all.toArray(new String[0]));
    assertEquals(0, r.code(), String.join(" ", all) + "\n" + r);
    return Json.parseObject(r.out());
  }
}
