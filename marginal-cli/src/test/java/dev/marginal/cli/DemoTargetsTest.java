package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.plot.Box;
import dev.marginal.targets.Target;
import dev.marginal.targets.Targets;
import org.junit.jupiter.api.Test;

/** The pictures of the demo's target section, checked without training. */
class DemoTargetsTest {
  /**
   * U2's sample panel shows its support a tenth wider on each side; the target panel beside it shows the same
   * region, with zero density (−∞) outside the support and the target's log density inside.
   */
  @Test
  void boundedTargetPanelCoversTheSamplePanelsBoxWithZeroDensityOutside() {
    Target u2 = Targets.of("u2");
    Box box = DemoTargets.shownBox(u2);
    assertEquals(new Box(-4.8, 4.8, -4.8, 4.8), box);
    double[][] grid = DemoTargets.targetGrid(u2, box);
    int n = grid.length;
    for (int r = 0; r < n; r++) {
      double y = box.ymin() + (r + 0.5) * box.height() / n;
      for (int c = 0; c < grid[r].length; c++) {
        double x = box.xmin() + (c + 0.5) * box.width() / grid[r].length;
        boolean inside = Math.abs(x) <= 4 && Math.abs(y) <= 4;
        assertEquals(inside, Double.isFinite(grid[r][c]), "cell at " + x + ", " + y + ": " + grid[r][c]);
        assertTrue(inside || grid[r][c] == Double.NEGATIVE_INFINITY, "zero density outside at " + x + ", " + y);
      }
    }
  }
}
