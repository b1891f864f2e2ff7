package dev.marginal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The library's manners: it never prints (progress and results go to listeners and return values), and its
 * messages name parameters ("numSamples must be >= 1"), never a command-line flag ("--k").
 */
class CoreSpeaksInParametersTest {
  /** A string literal holding a long option such as "--k" or "use --estimator exact". */
  private static final Pattern FLAG_IN_LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*(?<![\\w-])--[a-z][\\w-]*");

  /** String literals in main sources that name a command-line flag, as "file:line: text". */
  static List<String> flagsInLiterals(Path root) throws IOException {
    List<String> hits = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) {
            continue;
          }
          Matcher m = FLAG_IN_LITERAL.matcher(line);
          // The JVM's own flags (--add-modules) are not ours to rename.
          if (m.find() && !line.contains("--add-modules")) {
            hits.add(root.relativize(f) + ":" + (i + 1) + ": " + line);
          }
        }
      }
    }
    return hits;
  }

  @Test
  void coreMessagesNameNoCommandLineFlag() throws IOException {
    List<String> hits = flagsInLiterals(Path.of("src", "main", "java"));
    assertTrue(hits.isEmpty(), "core strings naming CLI flags:\n" + String.join("\n", hits));
  }

  @Test
  void theFlagProbeFindsAFlag(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("A.java"), "class A { String s = \"use --estimator exact\"; }\n");
    assertFalse(flagsInLiterals(dir).isEmpty(), "a literal naming --estimator was not found");
    Files.writeString(dir.resolve("A.java"), "class A { String s = \"use estimator exact\"; int x = a--b; }\n");
    assertTrue(flagsInLiterals(dir).isEmpty(), "no flag here");
  }

  @Test
  void coreNeverWritesToTheConsole() {
    JavaClasses core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.marginal");
    ArchRule rule = noClasses().should().accessField(System.class, "out")
        .orShould().accessField(System.class, "err");
    EvaluationResult result = rule.evaluate(core);
    assertFalse(result.hasViolation(), result.getFailureReport().toString());
  }
}
