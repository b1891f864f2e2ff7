package dev.marginal;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.marginal.math.ProbeAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The package layering of docs/architecture.md, enforced: the package map's rows, top to bottom, are the layers of
 * marginal-core, and a package may depend only on its own layer and the rows above it. The order is read from the
 * document itself, so the prose and the rule cannot drift apart.
 */
class LayeringTest {
  private static final String ROOT = "dev.marginal";
  private static final JavaClasses CORE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(ROOT);

  /** The layers in documented order, lowest first (core packages only: rows naming another module are skipped). */
  static List<String> documentedLayers() throws IOException {
    Path doc = Path.of("..", "docs", "architecture.md");
    if (!Files.exists(doc)) {
      doc = Path.of("docs", "architecture.md");
    }
    String text = Files.readString(doc);
    String map = text.substring(text.indexOf("## Package map"));
    Matcher m = Pattern.compile("(?m)^\\| `([a-z]+)` \\|").matcher(map);
    List<String> layers = new ArrayList<>();
    while (m.find()) {
      layers.add(m.group(1));
    }
    return layers;
  }

  /** The top-level package under {@value #ROOT} of a class ("tensor" for dev.marginal.tensor.Shape), or "". */
  static String layerOf(JavaClass c) {
    String p = c.getPackageName();
    if (!p.startsWith(ROOT + ".")) {
      return p.equals(ROOT) ? "" : null;
    }
    String rest = p.substring(ROOT.length() + 1);
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  /** Every dependency of a class in {@code classes} on a package in a later row than its own. */
  static List<String> upwardDependencies(JavaClasses classes, List<String> layers) {
    List<String> violations = new ArrayList<>();
    for (JavaClass c : classes) {
      String from = layerOf(c);
      if (from == null || from.isEmpty()) {
        continue;
      }
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        String to = layerOf(d.getTargetClass());
        if (to == null || to.isEmpty() || to.equals(from)) {
          continue;
        }
        if (layers.indexOf(to) > layers.indexOf(from)) {
          violations.add(from + " -> " + to + ": " + d.getDescription());
        }
      }
    }
    return violations;
  }

  @Test
  void everyCorePackageIsInThePackageMap() throws IOException {
    List<String> layers = documentedLayers();
    Set<String> missing = new TreeSet<>();
    for (JavaClass c : CORE) {
      String layer = layerOf(c);
      if (layer != null && !layer.isEmpty() && !layers.contains(layer)) {
        missing.add(layer);
      }
    }
    assertTrue(missing.isEmpty(), "core packages missing from docs/architecture.md's package map: " + missing);
  }

  @Test
  void corePackagesDependOnlyOnRowsAboveThem() throws IOException {
    List<String> violations = upwardDependencies(CORE, documentedLayers());
    assertTrue(violations.isEmpty(), violations.size() + " upward dependencies:\n"
        + String.join("\n", violations.subList(0, Math.min(40, violations.size()))));
  }

  @Test
  void corePackagesHaveNoCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CORE);
  }

  @Test
  void theCoreHasNoClassesInTheRootPackage() {
    for (JavaClass c : CORE) {
      assertFalse(ROOT.equals(c.getPackageName()), c.getName() + " sits in the root package, outside every layer");
    }
  }

  /** The probe: a test class in {@code math} that uses {@code train} is reported, naming both packages. */
  @Test
  void anUpwardDependencyIsReported() throws IOException {
    JavaClasses probe = new ClassFileImporter().importClasses(ProbeAccess.probeClass());
    List<String> violations = upwardDependencies(probe, documentedLayers());
    assertFalse(violations.isEmpty(), "the probe's dependency on train was not reported");
    assertTrue(violations.get(0).startsWith("math -> train"), violations.get(0));
  }

  @Test
  void thePackageMapListsTheLowestLayersFirst() throws IOException {
    List<String> layers = documentedLayers();
    assertEquals("tensor", layers.get(0), "the map should start at the bottom layer: " + layers);
    assertTrue(layers.indexOf("models") < layers.indexOf("density")
        && layers.indexOf("density") < layers.indexOf("train"), "models, density, train in that order: " + layers);
  }
}
