package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.api.SurrogateTraining;
import dev.marginal.targets.Targets;
import dev.marginal.train.ReverseKlOptions;
import dev.marginal.train.ReverseKlRun;
import dev.marginal.train.SurrogateMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The funnel section's account of KL estimates below zero, on hand-made evaluations (no training). */
class DemoFunnelTest {
  private static final SurrogateMetrics.Settings SETTINGS = SurrogateMetrics.Settings.quick();

  /** An evaluation with the given KL estimates, each ± 0.1 (so significantly below zero under −0.2). */
  private static SurrogateMetrics evaluation(long step, double klIwae, double klSumo) {
    return new SurrogateMetrics(step, klIwae, 0.1, klSumo, 0.1, 3.2, 0.1, 3.1, new double[] {0.4, 0.1}, 0.05, 0.07,
        true, null, null);
  }

  /** A completed run of two evaluations, the last with both estimates below zero, and its final metrics. */
  private static DemoFunnel.Outcome outcome(boolean freshFinal) {
    SurrogateMetrics first = evaluation(100, 0.5, 0.4);
    SurrogateMetrics second = evaluation(200, -3, -2);
    List<String> warnings = List.of("step 200: the IWAE estimate is below zero",
        "step 200: the SUMO estimate is below zero");
    SurrogateTraining.Result result = new SurrogateTraining.Result(null, ReverseKlRun.Status.COMPLETED, "", 200,
        new float[0], List.of(first, second), warnings, null);
    SurrogateMetrics last = freshFinal ? evaluation(200, -2.5, -1.5) : second;
    DemoFunnel.Run run = new DemoFunnel.Run("IWAE (K=5)", ReverseKlOptions.defaults(), result, last, new float[0],
        1.0);
    return new DemoFunnel.Outcome(Targets.of("funnel"), SETTINGS, SETTINGS, List.of(run));
  }

  @Test
  void oneEvaluationWithTwoEstimatesBelowZeroCountsOnce() {
    DemoFunnel.Outcome o = outcome(false);
    assertEquals(2, o.warnings().size(), o.warnings().toString());
    assertEquals(1, o.negativeEvaluations());
    assertTrue(DemoFunnel.outcomeText(o).endsWith(" 1 evaluation gave a KL estimate significantly below zero."),
        DemoFunnel.outcomeText(o));
  }

  /** The final evaluation, when made afresh with other settings, is one more evaluation and one more warning. */
  @Test
  void aFreshFinalEvaluationBelowZeroCountsAsOneMore() {
    DemoFunnel.Outcome o = outcome(true);
    assertEquals(3, o.warnings().size(), o.warnings().toString());
    assertTrue(o.warnings().get(2).startsWith("IWAE (K=5), final evaluation: "), o.warnings().toString());
    assertEquals(2, o.negativeEvaluations());
    assertTrue(DemoFunnel.outcomeText(o).endsWith(" 2 evaluations gave a KL estimate significantly below zero."),
        DemoFunnel.outcomeText(o));
  }
}
