package dev.marginal.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.density.LvmDensityModel;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Parallel;
import dev.marginal.train.LvmTrainer;
import dev.marginal.train.LvmTrainingOptions;
import dev.marginal.train.Progress;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Deep LVM trainings as Spark tasks equal the same trainings on one machine, bit for bit. */
class MarginalSweepTest {
  /** One configuration of the sweep. */
  record Config(long seed, double learningRate) implements Serializable {}

  /** Trains a small deep LVM on the moons and returns its model file. */
  static byte[] train(Config c) throws Exception {
    Dataset data = ToyData.generate("moons", 200, RngKey.of(1));
    DeepLvm model = DeepLvm.create(new DeepLvm.Config(2, 2, new int[] {16}, Activation.TANH,
        DeepLvm.Decoder.GAUSSIAN), RngKey.of(c.seed()), null);
    LvmTrainingOptions options = LvmTrainingOptions.defaults().withEpochs(3).withBatchSize(20)
        .withLearningRate(c.learningRate()).withSeed(c.seed());
    new LvmTrainer(model, options).fit(data, null, Progress.silent(), () -> false, t -> { });
    return new LvmDensityModel(model, data.columns(), null).toFile(Map.of()).toBytes();
  }

  @Test
  void sweepRunsEqualTheSameRunsOnOneMachine() throws Exception {
    List<Config> configs = List.of(new Config(1, 1e-3), new Config(2, 1e-3), new Config(1, 3e-3));
    SparkSession spark = TestSparkSessions.session("local[2]");
    try {
      List<byte[]> onSpark = MarginalSweep.run(spark, configs, MarginalSweepTest::train);
      assertEquals(configs.size(), onSpark.size());
      for (int i = 0; i < configs.size(); i++) {
        Config c = configs.get(i);
        // On one machine, with two kernel threads: thread counts do not change results.
        byte[] local = Parallel.withThreads(2, () -> {
          try {
            return train(c);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        assertArrayEquals(local, onSpark.get(i), "run " + i);
      }
      assertFalse(Arrays.equals(onSpark.get(0), onSpark.get(1)), "different seeds train different models");
    } finally {
      spark.stop();
    }
  }
}
