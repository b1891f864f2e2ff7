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
      if (line.contains("fashion-mnist") || line.contains("fm.marginal") || line.contains("--iters")
          || line.contains("funnel.marginal") || words.get(1).equals("demo")) {
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

  /**
   * The README's Fashion-MNIST training commands, the fit and its resume, then its sample, encode and decode of the
   * model, and the fit of two latents with its encode, in order as written, on 200 rows of 40 columns in [0, 1] in place of the images (the same defaults apply:
   * latent 50 for more than 20 columns, a Bernoulli decoder, dynamic binarization), so that the resume line carries
   * the settings its checkpoint needs and the codes are those of the model.
   */
  @Test
  void fashionMnistTrainingExamplesRunAsWrittenOnSmallData() throws IOException {
    StringBuilder csv = new StringBuilder();
    for (int j = 0; j < 40; j++) {
      csv.append(j == 0 ? "" : ",").append("px").append(j);
    }
    java.util.Random random = new java.util.Random(1);
    for (int i = 0; i < 200; i++) {
      csv.append('\n');
      for (int j = 0; j < 40; j++) {
        csv.append(j == 0 ? "" : ",").append(random.nextInt(11) / 10.0);
      }
    }
    Path images = Files.writeString(dir.resolve("images.csv"), csv.append('\n'));
    int ran = 0;
    for (List<String> words : commands(Files.readString(README))) {
      boolean applies = List.of("sample", "encode", "decode").contains(words.get(1))
          && words.stream().anyMatch(w -> w.matches("fm2?\\.marginal"));
      if (!words.contains("fashion-mnist:train") && !applies) {
        continue;
      }
      List<String> args = new ArrayList<>();
      for (String w : words.subList(1, words.size())) {
        args.add(w.startsWith("fashion-mnist:") ? images.toString() : isFile(w) ? dir.resolve(w).toString() : w);
      }
      CliRun r = CliRun.of(args.toArray(new String[0]));
      assertEquals(0, r.code(), String.join(" ", words) + "\n" + r);
      ran++;
    }
    assertEquals(7, ran, "the fit, its resume, sample, encode and decode; the fit of two latents and its encode");
  }

  private static boolean isFile(String w) {
    return !w.startsWith("-") && !w.contains(":") && w.matches("[\\w.-]+\\.(marginal|csv|png|ckpt)");
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
