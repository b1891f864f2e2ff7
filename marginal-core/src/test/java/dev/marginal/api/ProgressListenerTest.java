package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.targets.Targets;
import dev.marginal.train.EpochMetrics;
import dev.marginal.train.Progress;
import dev.marginal.train.ReverseKlOptions;
import dev.marginal.train.SurrogateMetrics;
import dev.marginal.train.SurrogateReport;
import dev.marginal.train.TrainingState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Java caller gets a run's per-epoch and per-evaluation metrics through its {@link Progress}, in order. */
class ProgressListenerTest {
  private static final Dataset MOONS = ToyData.generate("moons", 200, RngKey.of(3));

  /** Records every call, in order. */
  private static final class Recorder implements Progress {
    final List<String> calls = new ArrayList<>();
    final List<EpochMetrics> epochs = new ArrayList<>();
    final List<SurrogateReport> reports = new ArrayList<>();
    long steps;

    @Override
    public void update(long step, long examples, double objective) {
      steps++;
      assertEquals(steps, step, "steps arrive one by one");
    }

    @Override
    public void epoch(EpochMetrics m) {
      calls.add("epoch " + m.epoch());
      epochs.add(m);
    }

    @Override
    public void report(SurrogateReport r) {
      calls.add("report " + r.step());
      reports.add(r);
    }

    @Override
    public void finish() {
      calls.add("finish");
    }
  }

  @Test
  void aDeepLvmFitReportsEveryEpochInOrderWithFiniteMetrics() {
    Recorder listener = new Recorder();
    DeepLvmOptions o = DeepLvmOptions.defaults().withEpochs(4).withValidationFraction(0.2).withSeed(5)
        .withArchitecture(new DeepLvmOptions.Architecture(2, new int[] {8}, Activation.TANH, null));
    DeepLvmFit.Result fit = DeepLvmFit.fit(MOONS, o, DeepLvmFit.Control.none().withProgress(listener));
    List<TrainingState.EpochRecord> history = fit.state().history();
    assertEquals(4, history.size());
    assertEquals(List.of("epoch 0", "epoch 1", "epoch 2", "epoch 3", "finish"), listener.calls);
    long previousStep = 0;
    for (int e = 0; e < 4; e++) {
      EpochMetrics m = listener.epochs.get(e);
      assertEquals(history.get(e).step(), m.step(), "epoch " + e);
      assertTrue(m.step() > previousStep, "steps grow: " + m);
      previousStep = m.step();
      assertEquals(history.get(e).train(), m.trainingObjective(), 0.0, "the history's training objective");
      assertEquals(history.get(e).validation(), m.validationObjective(), 0.0, "the history's validation objective");
      assertTrue(m.hasValidation() && Double.isFinite(m.trainingObjective())
          && Double.isFinite(m.validationObjective()), m.toString());
      assertTrue(m.learningRate() > 0 && m.learningRate() <= o.training().learningRate(), m.toString());
      assertTrue(m.examplesPerSecond() > 0 && Double.isFinite(m.examplesPerSecond()), m.toString());
    }
    assertEquals(previousStep, listener.steps, "every step was reported");
    EpochMetrics last = listener.epochs.get(3);
    assertTrue(last.learningRate() < listener.epochs.get(0).learningRate(), "the cosine schedule decays: " + last);
  }

  @Test
  void aDeepLvmFitWithoutValidationRowsReportsNaNForIt() {
    Recorder listener = new Recorder();
    DeepLvmOptions o = DeepLvmOptions.defaults().withEpochs(1).withValidationFraction(0).withArchitecture(
        new DeepLvmOptions.Architecture(2, new int[] {8}, Activation.TANH, null));
    DeepLvmFit.fit(MOONS, o, DeepLvmFit.Control.none().withProgress(listener));
    assertEquals(1, listener.epochs.size());
    assertTrue(!listener.epochs.get(0).hasValidation() && Double.isFinite(listener.epochs.get(0).trainingObjective()));
  }

  @Test
  void surrogateTrainingReportsEveryEvaluationBeforeFinishing() {
    Recorder listener = new Recorder();
    List<SurrogateMetrics> seen = new ArrayList<>();
    ReverseKlOptions o = ReverseKlOptions.defaults().withIterations(30)
        .withArchitecture(2, new int[] {8}, Activation.TANH);
    SurrogateTraining.Result r = SurrogateTraining.train(Targets.of("funnel"), o, SurrogateTraining.Control.none()
        .withEvaluation(10, new SurrogateMetrics.Settings(20, 10, 4, 100, 200, 20)).withProgress(listener)
        .withOnEvaluation(seen::add));
    assertEquals(List.of("report 10", "report 20", "report 30", "finish"), listener.calls);
    assertEquals(r.evaluations(), seen, "the evaluation consumer still sees every evaluation");
    float[] losses = r.losses();
    for (int i = 0; i < 3; i++) {
      SurrogateReport rep = listener.reports.get(i);
      assertEquals(r.evaluations().get(i), rep.evaluation());
      double mean = 0;
      for (int s = 10 * i; s < 10 * i + 10; s++) {
        mean += losses[s];
      }
      assertEquals(mean / 10, rep.trainingLoss(), 1e-5 * (1 + Math.abs(mean / 10)), "the mean of the 10 losses");
      assertTrue(rep.decoderLearningRate() > 0 && rep.encoderLearningRate() > 0, rep.toString());
      assertTrue(rep.samplesPerSecond() > 0 && Double.isFinite(rep.samplesPerSecond()), rep.toString());
    }
    assertEquals(30, listener.steps);
  }
}
