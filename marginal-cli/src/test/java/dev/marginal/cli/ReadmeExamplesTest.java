package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's worked examples as written, in order, with their relative file names placed in a temporary
 * directory. Examples that train on Fashion-MNIST for minutes or run 20,000 reverse-KL iterations are left out here;
 * {@code LvmCommandsTest} and {@code TargetCommandTest} run the same commands with small settings.
 */
class ReadmeExamplesTest {
  private static final Path README = Path.of("..", "README.md");

  @TempDir Path dir;

  @Test
  void workedExamplesRunAsWritten() throws IOException {
    Files.writeString(dir.resolve("data.csv"), "a,b,c\n1,2,3.1\n2,3.9,6.0\n3,6.2,9.2\n4,8.1,12.1\n5,9.8,15.3\n"
        + "6,12.2,17.9\n");
    List<List<String>> commands = commands(Files.readString(README));
    assertTrue(commands.size() >= 8, "found " + commands.size() + " examples");
    int ran = 0;
    for (List<String> words : commands) {
      String line = String.join(" ", words);
      if (line.contains("fashion-mnist") || line.contains("--iters") || line.contains("funnel.marginal")
          || words.get(1).equals("demo")) {
        continue;
      }
      List<String> args = new ArrayList<>();
      for (String w : words.subList(1, words.size())) {
        args.add(isFile(w) ? dir.resolve(w).toString() : w);
      }
      CliRun r = CliRun.of(args.toArray(new String[0]));
      assertEquals(0, r.code(), line + "\n" + r);
      ran++;
    }
    assertTrue(ran >= 7, "ran " + ran + " examples");
    assertTrue(Files.exists(dir.resolve("samples.png")) && Files.exists(dir.resolve("pca.marginal")));
  }

  private static boolean isFile(String w) {
    return !w.startsWith("-") && !w.contains(":") && w.matches("[\\w.-]+\\.(marginal|csv|png)");
  }

  /** The {@code bin/marginal} lines of the README's bash blocks, continuations joined, comments and quotes removed. */
  static List<List<String>> commands(String readme) {
    List<List<String>> out = new ArrayList<>();
    boolean inBash = false;
    StringBuilder pending = null;
    for (String raw : readme.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("```")) {
        inBash = line.equals("```bash");
        continue;
      }
      if (!inBash) {
        continue;
      }
      if (pending == null && !line.startsWith("bin/marginal ")) {
        continue;
      }
      int hash = line.indexOf(" #");
      if (hash >= 0) {
        line = line.substring(0, hash).strip();
      }
      boolean continues = line.endsWith("\\");
      String part = continues ? line.substring(0, line.length() - 1) : line;
      pending = pending == null ? new StringBuilder(part) : pending.append(' ').append(part);
      if (!continues) {
        out.add(words(pending.toString()));
        pending = null;
      }
    }
    return out;
  }

  private static List<String> words(String command) {
    List<String> words = new ArrayList<>();
    for (String w : command.strip().split("\\s+")) {
      words.add(w.replace("'", ""));
    }
    return words;
  }
}
