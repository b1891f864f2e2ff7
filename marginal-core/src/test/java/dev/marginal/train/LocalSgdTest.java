package dev.marginal.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.autodiff.Parameter;
import dev.marginal.config.ParameterException;
import dev.marginal.data.Binarization;
import dev.marginal.data.DataShards;
import dev.marginal.data.Dataset;
import dev.marginal.data.ToyData;
import dev.marginal.models.DeepLvm;
import dev.marginal.nn.Activation;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Parallel;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Local SGD: one shard is exactly an {@link LvmTrainer} run; more shards average replicas in shard order. */
class LocalSgdTest {
  static final Dataset MOONS = ToyData.generate("moons", 200, RngKey.of(3));
  static final DeepLvm.Config GAUSSIAN = new DeepLvm.Config(2, 2, new int[] {16}, Activation.TANH,
      DeepLvm.Decoder.GAUSSIAN);

  static LvmTrainingOptions options() {
    return LvmTrainingOptions.defaults().withBatchSize(20).withEpochs(3).withLearningRate(3e-3).withLrFloor(0.1)
        .withWarmupEpochs(1).withBinarization(Binarization.NONE).withSeed(11);
  }

  static float[] bits(DeepLvm m) {
    List<Float> all = new ArrayList<>();
    for (Parameter p : m.parameters()) {
      for (float v : p.value().toArray()) {
        all.add(v);
      }
    }
    float[] out = new float[all.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = all.get(i);
    }
    return out;
  }

  static void assertSameBits(float[] a, float[] b, String what) {
    assertEquals(a.length, b.length, what);
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
        throw new AssertionError(what + ": element " + i + " differs: " + a[i] + " vs " + b[i]);
      }
    }
  }

  @Test
  void oneShardIsAnLvmTrainerRunAcrossRoundBoundaries() throws IOException {
    // 3 epochs of 10 steps in rounds of 7: the optimizer state crosses four round boundaries, the last round short.
    DeepLvm reference = DeepLvm.create(GAUSSIAN, RngKey.of(5), null);
    new LvmTrainer(reference, options()).fit(MOONS, null, Progress.silent(), () -> false, t -> { });
    LocalSgd.Result run = new LocalSgd(GAUSSIAN, options(), 7).fit(DataShards.inMemory(MOONS, 1),
        DeepLvm.create(GAUSSIAN, RngKey.of(5), null), Progress.silent());
    assertEquals(30, run.steps());
    assertEquals(5, run.rounds());
    assertEquals(600, run.examples());
    assertSameBits(bits(reference), bits(run.model()), "one shard vs LvmTrainer");
  }

  @Test
  void oneShardWithFixedBinarizationBinarizesLikeTheWholeSet() throws IOException {
    float[] u = new float[300 * 6];
    dev.marginal.random.Samplers.uniforms(RngKey.of(8), u, 0, u.length);
    Dataset grey = Dataset.of("grey", List.of("a", "b", "c", "d", "e", "f"), u);
    DeepLvm.Config config = new DeepLvm.Config(6, 2, new int[] {8}, Activation.TANH, DeepLvm.Decoder.BERNOULLI);
    LvmTrainingOptions o = options().withBinarization(Binarization.FIXED).withEpochs(2);
    DeepLvm reference = DeepLvm.create(config, RngKey.of(5), null);
    Dataset fixed = Binarization.FIXED.prepare(grey, RngKey.of(o.seed()).foldIn(0x42));
    new LvmTrainer(reference, o).fit(fixed, null, Progress.silent(), () -> false, t -> { });
    LocalSgd.Result run = new LocalSgd(config, o, 4).fit(DataShards.inMemory(grey, 1),
        DeepLvm.create(config, RngKey.of(5), null), Progress.silent());
    assertSameBits(bits(reference), bits(run.model()), "fixed binarization by rank");
  }

  @Test
  void aRoundAveragesReplicasThatEachAreAnLvmTrainerOnTheirShard() throws IOException {
    // One round of 8 steps on 2 shards, constant rate: replica 0 is LvmTrainer on the even rows with the run's seed.
    LvmTrainingOptions o = options().withLrFloor(1).withWarmupEpochs(0).withMaxSteps(8);
    DeepLvm initial = DeepLvm.create(GAUSSIAN, RngKey.of(5), null);
    DataShards shards = DataShards.inMemory(MOONS, 2);
    LvmSchedule schedule = new LvmSchedule(o.learningRate(), 1, 8, 0);
    List<ReplicaState> replicas = shards.map(new LocalSgd.ReplicaRound(GAUSSIAN, o, schedule,
        ReplicaState.initial(initial), 8, null));
    int[] even = new int[100];
    for (int i = 0; i < even.length; i++) {
      even[i] = 2 * i;
    }
    DeepLvm alone = DeepLvm.create(GAUSSIAN, RngKey.of(5), null);
    new LvmTrainer(alone, o).fit(MOONS.subset(even), null, Progress.silent(), () -> false, t -> { });
    assertSameBits(bits(alone), bits(replicas.get(0).toModel(GAUSSIAN)), "replica 0 vs LvmTrainer on shard 0");
    float[] a = bits(replicas.get(0).toModel(GAUSSIAN));
    float[] b = bits(replicas.get(1).toModel(GAUSSIAN));
    assertFalse(java.util.Arrays.equals(a, b), "the replicas saw different rows and keys");
    float[] mean = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      mean[i] = (float) (((double) a[i] + b[i]) / 2);
    }
    LocalSgd.Result run = new LocalSgd(GAUSSIAN, o, 8).fit(shards, initial, Progress.silent());
    assertEquals(1, run.rounds());
    assertSameBits(mean, bits(run.model()), "the run's model is the replicas' mean");
  }

  /** Shards computed in reverse order, each with two kernel threads: the combination is still in shard order. */
  record Reversed(DataShards inner) implements DataShards {
    @Override
    public int shards() {
      return inner.shards();
    }

    @Override
    public long rows() {
      return inner.rows();
    }

    @Override
    public int dim() {
      return inner.dim();
    }

    @Override
    public <R extends Serializable> List<R> map(Task<R> task) {
      List<R> out = new ArrayList<>();
      List<Integer> order = new ArrayList<>();
      inner.map(s -> s.index()).forEach(order::add);
      Collections.reverse(order);
      List<R> backwards = Parallel.withThreads(2, () -> {
        List<R> rs = new ArrayList<>();
        for (int s : order) {
          rs.add(inner.map(sh -> sh.index() == s ? task.apply(sh) : null).get(s));
        }
        return rs;
      });
      for (int i = backwards.size() - 1; i >= 0; i--) {
        out.add(backwards.get(i));
      }
      return out;
    }
  }

  @Test
  void manyShardsGiveTheSameBitsInAnyOrderAndThreadCountAndStillTrain() {
    LocalSgd sgd = new LocalSgd(GAUSSIAN, options().withEpochs(6), 5);
    DeepLvm initial = DeepLvm.create(GAUSSIAN, RngKey.of(5), null);
    LocalSgd.Result a = sgd.fit(DataShards.inMemory(MOONS, 3), initial, Progress.silent());
    LocalSgd.Result b = sgd.fit(new Reversed(DataShards.inMemory(MOONS, 3)), initial, Progress.silent());
    assertSameBits(bits(a.model()), bits(b.model()), "reversed shard order, two threads");
    assertEquals(24, a.steps(), "6 epochs of the largest shard (67 rows, 4 batches)");
    LvmTrainingOptions plain = options().withLrFloor(1).withWarmupEpochs(0).withLearningRate(1e-2);
    double before = new LvmTrainer(initial, plain).evaluate(MOONS);
    double after = new LvmTrainer(new LocalSgd(GAUSSIAN, plain.withEpochs(10), 5).fit(DataShards.inMemory(MOONS, 3),
        initial, Progress.silent()).model(), plain).evaluate(MOONS);
    assertTrue(after > before + 0.5, "IWAE objective went from " + before + " to " + after);
    float[] fewer = bits(sgd.fit(DataShards.inMemory(MOONS, 2), initial, Progress.silent()).model());
    assertFalse(java.util.Arrays.equals(bits(a.model()), fewer), "the shard count is part of the algorithm");
  }

  @Test
  void unsupportedSettingsAreRefused() {
    assertThrows(ParameterException.class, () -> new LocalSgd(GAUSSIAN, options(), 0));
    assertThrows(ParameterException.class, () -> new LocalSgd(GAUSSIAN, options().withPatience(2), 5));
    assertThrows(IllegalArgumentException.class, () -> DataShards.inMemory(MOONS, 201));
  }
}
