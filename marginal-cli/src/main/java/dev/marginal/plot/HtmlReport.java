package dev.marginal.plot;

import dev.marginal.io.AtomicFiles;
import dev.marginal.io.IoErrors;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A static HTML page: title, sections, paragraphs, tables, images and preformatted text, with a little inline CSS
 * and no script or external resource, so it opens from disk anywhere. All text is escaped. Images are referenced
 * by paths relative to the page; {@link #missingImages} checks a written page for broken references. Immutable:
 * each adding method returns a new report.
 *
 * <pre>{@code
 * HtmlReport.titled("banana: IWAE vs SUMO").section("Fit").paragraph("Seed 7, 2000 steps.")
 *     .table(List.of("estimator", "log p(x)"), rows).image("compare.png", "densities", "target | surrogate")
 *     .write(dir.resolve("index.html"));
 * }</pre>
 */
public final class HtmlReport {
  private static final String CSS = String.join("\n",
      "body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:1100px;",
      "margin:2em auto;padding:0 1em;color:#222;line-height:1.45}",
      "h1{font-size:1.6em;border-bottom:1px solid #ddd;padding-bottom:.3em}",
      "h2{font-size:1.25em;margin-top:1.8em}",
      "table{border-collapse:collapse;margin:1em 0;font-size:.92em}",
      "th,td{border:1px solid #ccc;padding:.3em .7em;text-align:left}",
      "th{background:#f3f3f3}",
      "tr:nth-child(even) td{background:#fafafa}",
      "figure{margin:1.2em 0}",
      "figure img{max-width:100%;height:auto;border:1px solid #eee}",
      "figcaption{font-size:.9em;color:#555;margin-top:.3em}",
      "pre{background:#f6f6f6;border:1px solid #e3e3e3;padding:.8em;overflow-x:auto;font-size:.88em}");
  private static final Pattern SRC = Pattern.compile("src=\"([^\"]*)\"");

  /** One element of the page, written as escaped HTML. */
  private sealed interface Block {
    void appendTo(StringBuilder sb);
  }

  private record Heading(String text) implements Block {
    @Override
    public void appendTo(StringBuilder sb) {
      sb.append("<h2>").append(escape(text)).append("</h2>\n");
    }
  }

  private record Paragraph(String text) implements Block {
    @Override
    public void appendTo(StringBuilder sb) {
      sb.append("<p>").append(escape(text)).append("</p>\n");
    }
  }

  private record Preformatted(String text) implements Block {
    @Override
    public void appendTo(StringBuilder sb) {
      sb.append("<pre>").append(escape(text)).append("</pre>\n");
    }
  }

  private record Image(String path, String alt, String caption) implements Block {
    @Override
    public void appendTo(StringBuilder sb) {
      sb.append("<figure>\n<img src=\"").append(escape(encodePath(path))).append("\" alt=\"")
          .append(escape(alt)).append("\">\n");
      if (!caption.isEmpty()) {
        sb.append("<figcaption>").append(escape(caption)).append("</figcaption>\n");
      }
      sb.append("</figure>\n");
    }
  }

  private record Table(List<String> header, List<List<String>> rows) implements Block {
    @Override
    public void appendTo(StringBuilder sb) {
      sb.append("<table>\n<thead><tr>");
      for (String h : header) {
        sb.append("<th>").append(escape(h)).append("</th>");
      }
      sb.append("</tr></thead>\n<tbody>\n");
      for (List<String> row : rows) {
        sb.append("<tr>");
        for (String cell : row) {
          sb.append("<td>").append(escape(cell)).append("</td>");
        }
        sb.append("</tr>\n");
      }
      sb.append("</tbody>\n</table>\n");
    }
  }

  private final String title;
  private final List<Block> blocks;

  private HtmlReport(String title, List<Block> blocks) {
    this.title = title;
    this.blocks = List.copyOf(blocks);
  }

  /** An empty report with a page title, shown as the top heading. */
  public static HtmlReport titled(String title) {
    return new HtmlReport(Objects.requireNonNull(title), List.of());
  }

  /** Starts a section with a heading. */
  public HtmlReport section(String heading) {
    return with(new Heading(Objects.requireNonNull(heading)));
  }

  /** Adds a paragraph of plain text. */
  public HtmlReport paragraph(String text) {
    return with(new Paragraph(Objects.requireNonNull(text)));
  }

  /**
   * Adds a table.
   *
   * @param header column names
   * @param rows cells, each row as long as the header
   */
  public HtmlReport table(List<String> header, List<List<String>> rows) {
    List<List<String>> copy = new ArrayList<>();
    for (List<String> row : rows) {
      if (row.size() != header.size()) {
        throw new IllegalArgumentException("table row has " + row.size() + " cells, header has " + header.size());
      }
      copy.add(List.copyOf(row));
    }
    return with(new Table(List.copyOf(header), List.copyOf(copy)));
  }

  /**
   * Adds an image with a caption.
   *
   * @param relativePath the image's path relative to the page's directory, with {@code /} separators
   * @param alt text shown in place of the image
   * @param caption text under the image; empty for none
   */
  public HtmlReport image(String relativePath, String alt, String caption) {
    if (relativePath.isEmpty() || relativePath.startsWith("/") || relativePath.contains("\\")
        || relativePath.contains(":")) {
      throw new IllegalArgumentException("image path must be relative with '/' separators: " + relativePath);
    }
    return with(new Image(relativePath, Objects.requireNonNull(alt), Objects.requireNonNull(caption)));
  }

  /** Adds preformatted text (a log, a configuration, a command line), shown in a monospaced font. */
  public HtmlReport preformatted(String text) {
    return with(new Preformatted(Objects.requireNonNull(text)));
  }

  /** The image paths the page refers to, relative to its directory, in order. */
  public List<String> imageRefs() {
    return blocks.stream().filter(b -> b instanceof Image).map(b -> ((Image) b).path()).toList();
  }

  /** The page as HTML text. */
  public String toHtml() {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    sb.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    sb.append("<title>").append(escape(title)).append("</title>\n");
    sb.append("<style>\n").append(CSS).append("\n</style>\n</head>\n<body>\n");
    sb.append("<h1>").append(escape(title)).append("</h1>\n");
    for (Block b : blocks) {
      b.appendTo(sb);
    }
    return sb.append("</body>\n</html>\n").toString();
  }

  /**
   * Writes the page as UTF-8, atomically, in a directory that must exist (a missing one is not created). Images are
   * not checked; see {@link #missingImages}.
   */
  public void write(Path page) throws IOException {
    try {
      AtomicFiles.writeString(page, toHtml());
    } catch (IOException e) {
      throw new IOException("cannot write " + page + ": " + IoErrors.reason(e), e);
    }
  }

  /**
   * The images a written page refers to that do not exist: every {@code src="..."} is resolved against the
   * page's directory.
   *
   * @return the missing files, in order of reference; empty if all are present
   */
  public static List<Path> missingImages(Path page) throws IOException {
    String html = Files.readString(page);
    Path dir = page.toAbsolutePath().getParent();
    List<Path> missing = new ArrayList<>();
    Matcher m = SRC.matcher(html);
    while (m.find()) {
      Path file = dir.resolve(decodePath(unescape(m.group(1)))).normalize();
      if (!Files.isRegularFile(file)) {
        missing.add(file);
      }
    }
    return missing;
  }

  private HtmlReport with(Block block) {
    List<Block> more = new ArrayList<>(blocks);
    more.add(block);
    return new HtmlReport(title, more);
  }

  /** Escapes the five characters with meaning in HTML text and attribute values. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String unescape(String s) {
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
        .replace("&amp;", "&");
  }

  /** Percent-encodes what a URL path cannot hold as is (spaces, {@code #}, {@code ?}, non-ASCII). */
  private static String encodePath(String path) {
    try {
      return new URI(null, null, path, null).toASCIIString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a usable image path: " + path, e);
    }
  }

  private static String decodePath(String ref) {
    try {
      return new URI(ref).getPath();
    } catch (URISyntaxException e) {
      return ref;
    }
  }
}
