package dev.marginal.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  @Test
  void textIsEscapedEverywhere() {
    String evil = "<script>alert('x')</script> & \"quoted\"";
    String html = HtmlReport.titled(evil).section(evil).paragraph(evil).preformatted(evil)
        .table(List.of(evil), List.of(List.of(evil))).image("a.png", evil, evil).toHtml();
    assertFalse(html.contains("<script"), html);
    assertFalse(html.contains("alert('x')"), "quotes escaped too");
    assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;"));
  }

  @Test
  void pageIsSelfContained() {
    String html = HtmlReport.titled("t").paragraph("p").image("plots/a.png", "alt", "").toHtml();
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertTrue(html.contains("<style>"));
    assertFalse(html.contains("<script"));
    assertFalse(html.contains("http://") || html.contains("https://"), "no external resources");
    assertFalse(html.contains("<figcaption>"), "empty caption omitted");
  }

  @Test
  void missingDirectoryFailsNamingItAndIsNotCreated(@TempDir Path dir) {
    Path page = dir.resolve("site/index.html");
    IOException e = assertThrows(IOException.class, () -> HtmlReport.titled("r").write(page));
    assertEquals("cannot write " + page + ": directory " + page.getParent() + " does not exist", e.getMessage());
    assertFalse(Files.exists(page.getParent()));
  }

  @Test
  void missingImagesFindsExactlyTheAbsentFiles(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("plots"));
    Files.write(dir.resolve("plots/with space & more.png"), new byte[] {0});
    Files.write(dir.resolve("b.png"), new byte[] {0});
    HtmlReport report = HtmlReport.titled("r").image("plots/with space & more.png", "a", "present")
        .image("b.png", "b", "present").image("plots/gone.png", "c", "absent");
    Path page = dir.resolve("index.html");
    report.write(page);
    assertEquals(List.of("plots/with space & more.png", "b.png", "plots/gone.png"), report.imageRefs());
    assertEquals(List.of(dir.resolve("plots/gone.png").toAbsolutePath()), HtmlReport.missingImages(page));
    assertTrue(Files.readString(page).contains("src=\"plots/with%20space%20&amp;%20more.png\""));
  }

  @Test
  void imagePathsMustBeRelative() {
    HtmlReport r = HtmlReport.titled("r");
    assertThrows(IllegalArgumentException.class, () -> r.image("/etc/a.png", "a", ""));
    assertThrows(IllegalArgumentException.class, () -> r.image("https://example.org/a.png", "a", ""));
    assertThrows(IllegalArgumentException.class, () -> r.image("dir\\a.png", "a", ""));
  }

  @Test
  void tableRowsMustMatchHeader() {
    assertThrows(IllegalArgumentException.class,
        () -> HtmlReport.titled("r").table(List.of("a", "b"), List.of(List.of("1"))));
  }

  @Test
  void writeFailureNamesThePage(@TempDir Path dir) throws IOException {
    Path notADir = dir.resolve("file");
    Files.write(notADir, new byte[] {0});
    Path page = notADir.resolve("index.html");
    IOException e = assertThrows(IOException.class, () -> HtmlReport.titled("r").write(page));
    assertTrue(e.getMessage().contains(page.toString()), e.getMessage());
    assertEquals(List.of(notADir), Pictures.filesIn(dir));
  }
}
