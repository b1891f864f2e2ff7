package dev.marginal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

class VersionTest {
  /** The version in the parent POM's own {@code <version>} element, read independently of the build's filtering. */
  private static String pomVersion() throws Exception {
    Path pom = Path.of(System.getProperty("basedir", "."), "..", "pom.xml");
    Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile())
        .getDocumentElement();
    for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals("version")) {
        return e.getTextContent().strip();
      }
    }
    throw new AssertionError("no <version> in " + pom);
  }

  @Test
  void builtVersionIsThePomVersion() throws Exception {
    assertEquals(pomVersion(), Version.get());
    assertEquals(pomVersion(), Version.fromResource(), "the build filters version.properties");
  }
}
