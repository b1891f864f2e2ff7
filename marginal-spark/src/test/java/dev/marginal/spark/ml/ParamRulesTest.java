package dev.marginal.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.data.ToyData;
import dev.marginal.density.DensityModel;
import dev.marginal.density.GmmDensityModel;
import dev.marginal.distributions.CovarianceType;
import dev.marginal.models.DeepLvm;
import dev.marginal.models.GmmOptions;
import dev.marginal.random.RngKey;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.param.ParamMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every numeric or named parameter of the marginal stages is refused when it is set, naming the parameter. */
class ParamRulesTest {
  private static MarginalDensityModel mixture() {
    return new MarginalDensityModel(GmmDensityModel.fit(ToyData.generate("moons", 50, RngKey.of(4)),
        GmmOptions.of(2), true).model().toFile(Map.of()).toBytes());
  }

  @Test
  void badValuesAreRefusedWhenSetWithAOneLineMessageNamingTheParameter() {
    MarginalGmm gmm = new MarginalGmm();
    MarginalPpca ppca = new MarginalPpca();
    MarginalLvm lvm = new MarginalLvm();
    MarginalDensityModel model = mixture();
    Map<String, Executable> cases = new LinkedHashMap<>();
    cases.put("components must be >= 1, got 0", () -> gmm.setComponents(0));
    cases.put("covarianceType must be full, diag or spherical, got 'tied'", () -> gmm.setCovarianceType("tied"));
    cases.put("regCovar must be finite and >= 0, got -1.0E-6", () -> gmm.setRegCovar(-1e-6));
    cases.put("regCovar must be finite and >= 0, got NaN", () -> gmm.setRegCovar(Double.NaN));
    cases.put("tol must be finite and >= 0, got Infinity", () -> gmm.setTol(Double.POSITIVE_INFINITY));
    cases.put("maxIter must be >= 1, got 0", () -> gmm.setMaxIter(0));
    cases.put("nInit must be >= 1, got -2", () -> gmm.setNInit(-2));
    cases.put("lloydIterations must be >= 0, got -1", () -> gmm.setLloydIterations(-1));
    cases.put("latentDim must be >= 1, got 0", () -> ppca.setLatentDim(0));
    cases.put("hidden sizes must be >= 1, got [200, 0]", () -> lvm.setHidden(new int[] {200, 0}));
    cases.put("latentDim must be >= 0, got -1", () -> lvm.setLatentDim(-1));
    cases.put("decoder must be bernoulli, gaussian, gaussian-tied or auto, got 'beta'", () -> lvm.setDecoder("beta"));
    cases.put("objective must be elbo, iwae or sumo, got 'vae'", () -> lvm.setObjective("vae"));
    cases.put("numSamples must be >= 1, got 0", () -> lvm.setNumSamples(0));
    cases.put("batchSize must be >= 1, got 0", () -> lvm.setBatchSize(0));
    cases.put("learningRate must be > 0 and within float32's range (1.17549435E-38 to 3.4028235E38: training runs in float32), got 0.0", () -> lvm.setLearningRate(0));
    cases.put("learningRate must be > 0 and within float32's range (1.17549435E-38 to 3.4028235E38: training runs in float32), got NaN", () -> lvm.setLearningRate(Double.NaN));
    cases.put("learningRate must be > 0 and within float32's range (1.17549435E-38 to 3.4028235E38: training runs in float32), got 1.0E39", () -> lvm.setLearningRate(1e39));
    cases.put("epochs must be >= 1, got 0", () -> lvm.setEpochs(0));
    cases.put("shards must be >= 1, got 0", () -> lvm.setShards(0));
    cases.put("roundSteps must be >= 1, got -5", () -> lvm.setRoundSteps(-5));
    cases.put("estimator must be auto, exact, elbo, iwae or sumo, got 'is'", () -> model.setEstimator("is"));
    cases.put("numSamples must be >= 1, got -1", () -> model.setNumSamples(-1));
    cases.put("minTerms must be >= 1, got 0", () -> model.setMinTerms(0));
    cases.put("repeats must be >= 1, got 0", () -> model.setRepeats(0));
    cases.put("batchRows must be >= 1, got 0", () -> model.setBatchRows(0));
    cases.put("decoder must be bernoulli, gaussian, gaussian-tied or auto, got null", () -> lvm.setDecoder(null));
    for (Map.Entry<String, Executable> c : cases.entrySet()) {
      assertEquals(c.getKey(), assertThrows(IllegalArgumentException.class, c.getValue()).getMessage());
    }
    // Nothing was set by a refused call.
    assertEquals(1, gmm.getOrDefault(gmm.components()));
    assertTrue(!gmm.isSet(gmm.components()) && !lvm.isSet(lvm.decoder()) && !model.isSet(model.batchRows()));
  }

  @Test
  void valuesAtTheEdgesOfTheirRangesAreTaken() {
    GmmOptions gmm = new MarginalGmm().setComponents(1).setCovarianceType(" Diag ").setRegCovar(0).setTol(0)
        .setMaxIter(1).setNInit(1).setLloydIterations(0).options();
    assertEquals(CovarianceType.DIAG, gmm.covarianceType());
    assertEquals(0, gmm.lloydIterations());
    MarginalPpca ppca = new MarginalPpca().setLatentDim(1);
    assertEquals(1, ppca.getOrDefault(ppca.latentDim()));
    MarginalLvm lvm = new MarginalLvm().setHidden(new int[] {1}).setLatentDim(0).setDecoder("Gaussian-Tied")
        .setObjective(" SUMO").setNumSamples(1).setBatchSize(1).setLearningRate(Float.MIN_NORMAL).setEpochs(1)
        .setShards(1).setRoundSteps(1);
    assertEquals(DeepLvm.Decoder.GAUSSIAN_TIED, lvm.options().architecture().decoder());
    MarginalDensityModel model = mixture().setEstimator(" AUTO ").setNumSamples(1).setMinTerms(1).setRepeats(1)
        .setBatchRows(1);
    // "auto" is read as the validator reads it: ignoring case and spaces.
    assertEquals(DensityModel.Estimator.EXACT, PartitionScorer.options(model.model(), model.getOrDefault(
        model.estimator()), 1, 1, 1).estimator());
  }

  @Test
  void sparksOwnPathsRefuseBadValuesToo() {
    MarginalGmm gmm = new MarginalGmm();
    assertEquals(false, gmm.components().isValid().apply(0));
    assertEquals(true, gmm.components().isValid().apply(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> gmm.copy(new ParamMap().put(gmm.components(), 0)));
    assertTrue(e.getMessage().contains("parameter components given invalid value 0"), e.getMessage());
  }
}
