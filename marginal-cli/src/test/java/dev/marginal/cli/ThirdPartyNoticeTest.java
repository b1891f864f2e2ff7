package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * THIRD-PARTY.md lists exactly the libraries the runnable jar bundles: every dependency of marginal-cli that is not
 * test-scoped and not marginal's own, at the version the parent POM manages, and nothing else. Direct dependencies
 * only: the shade plugin's log ("Including ... in the shaded jar") shows the transitive ones, of which there are
 * none today (picocli depends on nothing).
 */
class ThirdPartyNoticeTest {
  private static final Path ROOT = Path.of(System.getProperty("basedir", "."), "..");

  private record Library(String coordinates, String version) {}

  private static Element pom(Path file) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile()).getDocumentElement();
  }

  private static String child(Element e, String tag) {
    NodeList list = e.getElementsByTagName(tag);
    return list.getLength() == 0 ? null : list.item(0).getTextContent().strip();
  }

  /** The CLI's bundled (compile or runtime scope) third-party dependencies, versions resolved from the parent. */
  private static List<Library> bundled() throws Exception {
    Element parent = pom(ROOT.resolve("pom.xml"));
    Map<String, String> properties = new HashMap<>();
    NodeList props = ((Element) parent.getElementsByTagName("properties").item(0)).getChildNodes();
    for (int i = 0; i < props.getLength(); i++) {
      if (props.item(i) instanceof Element p) {
        properties.put(p.getTagName(), p.getTextContent().strip());
      }
    }
    Map<String, Element> managed = new HashMap<>();
    NodeList deps = ((Element) parent.getElementsByTagName("dependencyManagement").item(0))
        .getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      managed.put(child(d, "groupId") + ":" + child(d, "artifactId"), d);
    }
    List<Library> out = new ArrayList<>();
    NodeList cli = ((Element) pom(ROOT.resolve("marginal-cli/pom.xml")).getElementsByTagName("dependencies")
        .item(0)).getElementsByTagName("dependency");
    for (int i = 0; i < cli.getLength(); i++) {
      Element d = (Element) cli.item(i);
      String coordinates = child(d, "groupId") + ":" + child(d, "artifactId");
      Element m = managed.get(coordinates);
      String scope = child(d, "scope") != null ? child(d, "scope") : m == null ? null : child(m, "scope");
      if (coordinates.startsWith("dev.marginal:") || "test".equals(scope) || "provided".equals(scope)) {
        continue;
      }
      String version = child(d, "version") != null ? child(d, "version") : child(m, "version");
      Matcher p = Pattern.compile("\\$\\{(.+)}").matcher(version);
      out.add(new Library(coordinates, p.matches() ? properties.get(p.group(1)) : version));
    }
    return out;
  }

  @Test
  void noticeListsExactlyTheBundledLibraries() throws Exception {
    String notice = Files.readString(ROOT.resolve("THIRD-PARTY.md"));
    TreeSet<String> listed = new TreeSet<>();
    Matcher row = Pattern.compile("(?m)^\\| [^|]*\\(`([^`]+)`\\) \\| ([^ |]+) \\|").matcher(notice);
    while (row.find()) {
      listed.add(row.group(1) + " " + row.group(2));
    }
    TreeSet<String> expected = new TreeSet<>();
    for (Library lib : bundled()) {
      expected.add(lib.coordinates() + " " + lib.version());
    }
    assertTrue(!expected.isEmpty() && !listed.isEmpty(), "nothing parsed: " + expected + " / " + listed);
    assertEquals(expected, listed, "THIRD-PARTY.md's table against marginal-cli's bundled dependencies");
  }
}
