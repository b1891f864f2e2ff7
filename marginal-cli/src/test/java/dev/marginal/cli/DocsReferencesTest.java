package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the user documentation names exists: every file {@code NAME.md} it cites, every class it names in backticks
 * (a {@code .java} or {@code .scala} file of that name in one of the modules, or a {@code java.lang} class), every
 * member it names after a class ({@code Class.member}, {@code Test#method}) in that class's file, and every method
 * name it cites on its own (a test named as evidence) somewhere in the sources.
 */
class DocsReferencesTest {
  private static final Path ROOT = Path.of("..");
  private static final List<String> DOCS = List.of("README.md", "docs/json.md", "docs/architecture.md",
      "docs/evidence.md", "docs/model-format.md", "docs/spark-cost-model.md", "bench/compare/README.md");
  private static final Pattern CODE = Pattern.compile("`([^`\n]+)`");
  private static final Pattern CLASS_MEMBER =
      Pattern.compile("([A-Z][a-z0-9]+[A-Z][a-z][A-Za-z0-9]*)((?:\\.[A-Z][A-Za-z0-9]*)*)"
          + "(?:[.#]([a-z][A-Za-z0-9]*))?.*");
  private static final Pattern METHOD = Pattern.compile("[a-z][a-z0-9]*(?:[A-Z][a-z0-9]+){2,}");
  private static final Pattern MARKDOWN_FILE = Pattern.compile("\\b((?:docs/)?[A-Za-z][\\w-]*\\.md)\\b");

  @Test
  void everyFileClassMemberAndTestTheDocsNameExists() throws IOException {
    List<Path> sources;
    try (Stream<Path> s = Files.walk(ROOT)) {
      sources = s.filter(p -> p.toString().matches(".*/(marginal-[a-z]+|bench)/.*\\.(java|scala|py)")
          && !p.toString().contains("/target/")).toList();
    }
    String all = sources.stream().map(DocsReferencesTest::read).collect(Collectors.joining("\n"));
    List<String> missing = new ArrayList<>();
    for (String doc : DOCS) {
      String text = read(ROOT.resolve(doc));
      Matcher md = MARKDOWN_FILE.matcher(text);
      while (md.find()) {
        String name = md.group(1);
        Path dir = ROOT.resolve(doc).getParent();
        if (!Files.exists(ROOT.resolve(name)) && !Files.exists(dir.resolve(name))) {
          missing.add(doc + ": file " + name);
        }
      }
      Matcher code = CODE.matcher(text);
      while (code.find()) {
        String token = code.group(1);
        Matcher c = CLASS_MEMBER.matcher(token);
        if (c.matches()) {
          String cls = c.group(1);
          List<Path> files = sources.stream().filter(p -> p.getFileName().toString().matches(
              Pattern.quote(cls) + "\\.(java|scala)")).toList();
          if (files.isEmpty() && !isJavaLang(cls)) {
            missing.add(doc + ": class " + cls + " (in `" + token + "`)");
          } else if (c.group(3) != null && !files.isEmpty()
              && files.stream().noneMatch(f -> read(f).contains(c.group(3)))) {
            missing.add(doc + ": " + c.group(3) + " in " + cls + " (in `" + token + "`)");
          }
        } else if (METHOD.matcher(token).matches() && !all.contains(token)) {
          missing.add(doc + ": " + token);
        }
      }
    }
    assertTrue(missing.isEmpty(), "named in the docs but not found:\n" + String.join("\n", missing));
  }

  private static boolean isJavaLang(String name) {
    try {
      Class.forName("java.lang." + name);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
