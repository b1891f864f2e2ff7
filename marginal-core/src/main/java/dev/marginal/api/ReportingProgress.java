package dev.marginal.api;

import dev.marginal.train.Progress;
import dev.marginal.train.ReverseKlTrainer;
import dev.marginal.train.SurrogateMetrics;
import dev.marginal.train.SurrogateReport;
import java.util.function.Consumer;

/**
 * Turns a reverse-KL run's steps and evaluations into {@link SurrogateReport}s for the caller's {@link Progress}:
 * it forwards every step, sums the losses since the previous report and times the training between evaluations.
 * The run's own {@code finish()} is held back and given by {@link #close()}, so the report of the final evaluation,
 * which the run makes after finishing its steps, still comes before it.
 */
final class ReportingProgress implements Progress, Consumer<SurrogateMetrics> {
  private final Progress target;
  private final Consumer<SurrogateMetrics> onEvaluation;
  private final ReverseKlTrainer trainer;
  private double lossSum;
  private long losses;
  private long lastExamples;
  private long examplesAtReport;
  private long intervalStart = System.nanoTime();
  private long lastStepAt = intervalStart;

  ReportingProgress(Progress target, Consumer<SurrogateMetrics> onEvaluation, ReverseKlTrainer trainer) {
    this.target = target;
    this.onEvaluation = onEvaluation;
    this.trainer = trainer;
  }

  @Override
  public void update(long step, long examples, double objective) {
    lossSum += objective;
    losses++;
    lastExamples = examples;
    lastStepAt = System.nanoTime();
    target.update(step, examples, objective);
  }

  /** Reports the evaluation with the training since the previous one, then passes it to the run's consumer. */
  @Override
  public void accept(SurrogateMetrics m) {
    double seconds = (lastStepAt - intervalStart) / 1e9;
    long samples = lastExamples - examplesAtReport;
    target.report(new SurrogateReport(m.step(), losses == 0 ? Double.NaN : lossSum / losses,
        trainer.decoderLearningRate(), trainer.encoderLearningRate(),
        losses == 0 ? Double.NaN : samples / Math.max(seconds, 1e-9), m));
    onEvaluation.accept(m);
    lossSum = 0;
    losses = 0;
    examplesAtReport = lastExamples;
    intervalStart = System.nanoTime();
    lastStepAt = intervalStart;
  }

  /** Held back until {@link #close()}. */
  @Override
  public void finish() {}

  /** Ends the run for the caller's listener. */
  void close() {
    target.finish();
  }
}
