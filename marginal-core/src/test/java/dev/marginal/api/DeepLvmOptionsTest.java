package dev.marginal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.config.ParameterException;
import dev.marginal.density.LocalPosteriorFit;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.train.GradientEstimator;
import dev.marginal.train.LvmTrainingOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DeepLvmOptionsTest {
  @Test
  void defaultsAtOneHundredEpochsResolveToTheRecipeThatMetTheTargets() {
    LvmTrainingOptions t = DeepLvmOptions.defaults().withEpochs(100).resolvedTraining();
    assertEquals(0.1, t.lrFloor(), 0.0);
    assertEquals(40, t.warmupEpochs());
    assertEquals(LvmTrainingOptions.Objective.IWAE, t.objective());
    assertEquals(5, t.numSamples());
    assertEquals(1e-3, t.learningRate(), 0.0);
    assertEquals(20, t.batchSize());
  }

  @Test
  void theWarmUpScalesWithTheRunAndExplicitValuesWin() {
    assertEquals(4, DeepLvmOptions.defaults().resolvedTraining().warmupEpochs(), "10 epochs by default");
    assertEquals(12, DeepLvmOptions.defaults().withEpochs(30).resolvedTraining().warmupEpochs());
    assertEquals(7, DeepLvmOptions.defaults().withWarmupEpochs(7).withEpochs(100).resolvedTraining()
        .warmupEpochs());
    assertEquals(0, DeepLvmOptions.defaults().withWarmupEpochs(0).resolvedTraining().warmupEpochs());
    assertEquals(1.0, DeepLvmOptions.defaults().withLrFloor(1).resolvedTraining().lrFloor(), 0.0);
    assertEquals(20, DeepLvmOptions.defaults().withWarmupFraction(0.2).withEpochs(100).resolvedTraining()
        .warmupEpochs());
  }

  @Test
  void objectivesThatCannotBeTemperedResolveToNoWarmUp() {
    assertEquals(0, DeepLvmOptions.defaults().withObjective(LvmTrainingOptions.Objective.SUMO).withEpochs(100)
        .resolvedTraining().warmupEpochs());
    DeepLvmOptions dreg = DeepLvmOptions.defaults().withTraining(DeepLvmOptions.defaults().training()
        .withGradient(GradientEstimator.DREG));
    assertEquals(0, dreg.resolvedTraining().warmupEpochs());
  }

  /** Each shortcut sets what the long form through the architecture or the training options sets, and only that. */
  @Test
  void shortcutsEqualTheLongForms() {
    DeepLvmOptions o = DeepLvmOptions.defaults();
    DeepLvmOptions.Architecture a = o.architecture();
    assertEquals(o.withArchitecture(new DeepLvmOptions.Architecture(a.latentDim(), new int[] {32, 16},
        a.activation(), a.decoder())), o.withHidden(32, 16));
    assertEquals(o.withArchitecture(new DeepLvmOptions.Architecture(a.latentDim(), a.hidden(), Activation.RELU,
        a.decoder())), o.withActivation(Activation.RELU));
    LvmTrainingOptions t = o.training();
    assertEquals(o.withTraining(t.withMinTerms(4)), o.withMinTerms(4));
    assertEquals(o.withTraining(t.withGradient(GradientEstimator.DREG)), o.withGradient(GradientEstimator.DREG));
    assertEquals(o.withTraining(t.withMaxSteps(300)), o.withMaxSteps(300));
    assertEquals(o.withTraining(t.withClipNorm(5)), o.withClipNorm(5));
    assertEquals(o.withTraining(t.withPatience(3)), o.withPatience(3));
    Path ckpt = Path.of("fit.ckpt");
    assertEquals(o.withTraining(t.withCheckpoint(ckpt, 100)), o.withCheckpoint(ckpt, 100));
    assertEquals(ckpt, o.withCheckpoint(ckpt, 100).training().checkpoint());
    ParameterException e = assertThrows(ParameterException.class, () -> o.withHidden(8, 0));
    assertEquals("hidden sizes must be positive, got [8, 0]", e.getMessage());
  }

  @Test
  void badSettingsNameTheirParameter() {
    ParameterException e = assertThrows(ParameterException.class,
        () -> DeepLvmOptions.defaults().withNumSamples(0));
    assertTrue(e.getMessage().startsWith("numSamples must be >= 1"), e.getMessage());
    assertEquals(java.util.List.of("numSamples"), e.parameters());
    e = assertThrows(ParameterException.class,
        () -> DeepLvmOptions.defaults().withStandardize(true).withDecoder(DeepLvm.Decoder.BERNOULLI));
    assertEquals(java.util.List.of("standardize", "decoder"), e.parameters());
  }

  @Test
  void perDatapointInferenceRefusesEncoderGradientsWhicheverIsSetFirst() {
    for (GradientEstimator g : new GradientEstimator[] {GradientEstimator.DREG, GradientEstimator.SCORE}) {
      LvmTrainingOptions t = DeepLvmOptions.defaults().training().withGradient(g);
      ParameterException e = assertThrows(ParameterException.class,
          () -> DeepLvmOptions.defaults().withTraining(t).withPerDatapointInference());
      assertEquals(java.util.List.of("perDatapoint", "gradient"), e.parameters());
      assertTrue(e.getMessage().contains("gradient " + g.id()), e.getMessage());
      assertThrows(ParameterException.class, () -> DeepLvmOptions.defaults().withPerDatapointInference()
          .withTraining(t));
    }
  }

  @Test
  void runsOfNoEpochsAndLocalFitsPastTheirLimitAreRefused() {
    for (int epochs : new int[] {0, -3}) {
      ParameterException e = assertThrows(ParameterException.class,
          () -> DeepLvmOptions.defaults().withEpochs(epochs));
      assertEquals("epochs must be >= 1, got " + epochs, e.getMessage());
      assertEquals(java.util.List.of("epochs"), e.parameters());
    }
    int tooMany = LocalPosteriorFit.MAX_STEPS + 1;
    ParameterException e = assertThrows(ParameterException.class,
        () -> DeepLvmOptions.defaults().withInference(new DeepLvmOptions.Inference(true, tooMany)));
    assertEquals("localSteps must be at most " + LocalPosteriorFit.MAX_STEPS + ", got " + tooMany, e.getMessage());
  }

  @Test
  void architecturesCopyTheirArraysAndCompareByValue() {
    int[] hidden = {8, 8};
    DeepLvmOptions.Architecture a = new DeepLvmOptions.Architecture(2, hidden, dev.marginal.nn.Activation.TANH,
        null);
    hidden[0] = 99;
    assertEquals(8, a.hidden()[0], "the record kept its own copy");
    a.hidden()[1] = 99;
    assertEquals(8, a.hidden()[1], "the accessor returns a copy");
    assertEquals(a, new DeepLvmOptions.Architecture(2, new int[] {8, 8}, dev.marginal.nn.Activation.TANH, null));
    assertEquals(a.hashCode(), new DeepLvmOptions.Architecture(2, new int[] {8, 8}, dev.marginal.nn.Activation.TANH,
        null).hashCode());
  }
}
