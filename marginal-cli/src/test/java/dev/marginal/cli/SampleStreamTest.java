package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.CsvWriter;
import dev.marginal.data.Dataset;
import dev.marginal.density.DensityModel;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.models.GmmOptions;
import dev.marginal.random.RngKey;
import dev.marginal.train.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stream of samples reports its progress as rows are written, and writes the same file as before. */
class SampleStreamTest {
  @TempDir Path dir;

  /** Rows of 32 values: {@link SampleStream#reportRows} reports several times a piece. */
  private static final int DIM = 32;

  private static DensityModel wideModel() {
    List<String> columns = IntStream.range(0, DIM).mapToObj(j -> "x" + j).toList();
    Dataset data = Dataset.of("normals", columns, RngKey.of(1).normals(200 * DIM));
    return GmmDensityModel.fit(data, GmmOptions.of(1), false).model();
  }

  @Test
  void progressMovesWithinAPieceAndEndsAtN() throws IOException {
    DensityModel m = wideModel();
    long n = SampleStream.CHUNK_ROWS + 1000;
    List<Long> rows = new ArrayList<>();
    boolean[] finished = {false};
    Progress progress = new Progress() {
      @Override
      public void update(long step, long examples, double objective) {
        assertEquals(step, examples);
        assertTrue(Double.isNaN(objective));
        rows.add(step);
      }

      @Override
      public void finish() {
        finished[0] = true;
      }
    };
    Path out = dir.resolve("s.csv");
    SampleStream.write(m, RngKey.of(4), n, out, progress);

    assertTrue(finished[0]);
    assertEquals(n, rows.get(rows.size() - 1));
    for (int i = 1; i < rows.size(); i++) {
      assertTrue(rows.get(i) > rows.get(i - 1), rows.toString());
    }
    long withinFirstPiece = rows.stream().filter(r -> r < SampleStream.CHUNK_ROWS).count();
    assertTrue(withinFirstPiece >= 4, rows.toString());
    assertEquals(SampleStream.reportRows(DIM), rows.get(0));

    // The same bytes as the two pieces written whole: piece 0 with the seed's key, piece 1 with foldIn(1).
    float[] head = m.sample(RngKey.of(4), SampleStream.CHUNK_ROWS).values();
    float[] tail = m.sample(RngKey.of(4).foldIn(1), 1000).values();
    float[] all = new float[head.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    Path whole = dir.resolve("whole.csv");
    CsvWriter.write(whole, m.sample(RngKey.of(4), 1).columns(), all);
    assertEquals(-1, Files.mismatch(whole, out));
  }

  @Test
  void imageRowsMoveTheLineManyTimesAPiece() {
    assertTrue(SampleStream.reportRows(784) * 100 < SampleStream.CHUNK_ROWS);
    assertEquals(SampleStream.CHUNK_ROWS, SampleStream.reportRows(2));
    assertEquals(1, SampleStream.reportRows(Integer.MAX_VALUE));
  }
}
