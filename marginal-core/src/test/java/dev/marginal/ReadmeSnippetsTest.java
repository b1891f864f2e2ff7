package dev.marginal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java block in the README's "Using the library" section compiles against the library and runs: its import
 * lines become the imports of a class, the rest the body of its {@code main}. Each job takes at most
 * {@value #MAX_STATEMENTS} statements, as the README promises.
 */
class ReadmeSnippetsTest {
  static final int MAX_STATEMENTS = 5;

  @TempDir Path dir;

  /** The java blocks of the section, in order. */
  static List<String> snippets() throws IOException {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    int start = text.indexOf("## Using the library");
    int end = text.indexOf("\n## ", start + 1);
    String section = text.substring(start, end < 0 ? text.length() : end);
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(section);
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  /** The block as a compilable class {@code name} whose main runs the block's statements. */
  static String asClass(String name, String block) {
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String line : block.split("\n")) {
      (line.startsWith("import ") ? imports : body).append(line).append('\n');
    }
    return imports + "public class " + name + " {\n  public static void main(String[] args) throws Exception {\n"
        + body + "  }\n}\n";
  }

  /** Statements in a block: lines of code ending in ';' that are not imports. */
  static int statements(String block) {
    int n = 0;
    for (String line : block.split("\n")) {
      if (!line.startsWith("import ") && line.strip().endsWith(";")) {
        n++;
      }
    }
    return n;
  }

  @Test
  void everySnippetCompilesAndRuns() throws Exception {
    List<String> blocks = snippets();
    assertTrue(blocks.size() >= 6, "GMM, PPCA, amortized and per-datapoint LVM, evaluation, funnel: found "
        + blocks.size());
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Path classes = Path.of("target", "classes").toAbsolutePath();
    List<Path> sources = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      Path src = dir.resolve("Snippet" + i + ".java");
      Files.writeString(src, asClass("Snippet" + i, blocks.get(i)));
      sources.add(src);
      int n = statements(blocks.get(i));
      assertTrue(n <= MAX_STATEMENTS, "snippet " + i + " takes " + n + " statements:\n" + blocks.get(i));
    }
    List<String> args = new ArrayList<>(List.of("-d", dir.toString(), "-classpath", classes.toString(),
        "--add-modules", "jdk.incubator.vector", "-proc:none", "-Xlint:none"));
    sources.forEach(s -> args.add(s.toString()));
    StringWriter diagnostics = new StringWriter();
    int rc = javac.getTask(diagnostics, null, null, args.subList(0, 8), null,
        javac.getStandardFileManager(null, null, null).getJavaFileObjectsFromPaths(sources)).call() ? 0 : 1;
    assertEquals(0, rc, "README snippets do not compile:\n" + diagnostics);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      for (int i = 0; i < blocks.size(); i++) {
        Method main = loader.loadClass("Snippet" + i).getMethod("main", String[].class);
        main.invoke(null, (Object) new String[0]);
      }
    }
  }

  /**
   * Each model kind is fitted, scored, sampled and encoded in a block of its own; one block evaluates all four kinds;
   * one trains a funnel surrogate and reads back its model, metrics and per-step log.
   */
  @Test
  void everyJobOfEveryModelKindIsShown() throws IOException {
    List<String> blocks = snippets();
    for (String fit : List.of("GmmDensityModel.fit(", "PpcaDensityModel.fit(", "DeepLvmOptions.defaults().withEpochs(5))",
        "withPerDatapointInference())")) {
      String block = blocks.stream().filter(b -> b.contains(fit) && !b.contains("Evaluation.evaluate")).findFirst()
          .orElseThrow(() -> new AssertionError("no block fits with " + fit));
      for (String job : List.of(".logDensit", ".sample(", ".encode(")) {
        assertTrue(block.contains(job), "the block fitting with " + fit + " does not call " + job + ":\n" + block);
      }
    }
    String evaluation = blocks.stream().filter(b -> b.contains("Evaluation.evaluate")).findFirst().orElseThrow();
    for (String kind : List.of("GmmDensityModel.fit(", "PpcaDensityModel.fit(", "DeepLvmOptions.defaults().withEpochs(2))",
        "withPerDatapointInference())")) {
      assertTrue(evaluation.contains(kind), "evaluation block lacks " + kind + ":\n" + evaluation);
    }
    String funnel = blocks.stream().filter(b -> b.contains("SurrogateTraining.train(")).findFirst().orElseThrow();
    for (String part : List.of(".model().sample(", ".finalMetrics()", ".losses()")) {
      assertTrue(funnel.contains(part), "funnel block lacks " + part + ":\n" + funnel);
    }
  }

  @Test
  void theCheckerSeesABrokenSnippet() {
    String broken = "import java.util.List;\nList<String> x = List.of(1);\n";
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String cls = asClass("Broken", broken);
    assertTrue(cls.startsWith("import java.util.List;\npublic class Broken"), cls);
    javax.tools.SimpleJavaFileObject src = new javax.tools.SimpleJavaFileObject(
        java.net.URI.create("string:///Broken.java"), javax.tools.JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignore) {
        return cls;
      }
    };
    boolean ok = javac.getTask(new StringWriter(), null, null, List.of("-d", dir.toString()), null, List.of(src))
        .call();
    assertTrue(!ok, "a snippet with a type error compiled");
    assertEquals(1, statements(broken));
  }
}
