package dev.marginal.train;

import dev.marginal.autodiff.Parameter;
import dev.marginal.data.Batches;
import dev.marginal.data.Binarization;
import dev.marginal.data.DataShards;
import dev.marginal.data.Dataset;
import dev.marginal.models.DeepLvm;
import dev.marginal.random.RngKey;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one {@link LocalSgd} replica, or of their average, as one flat vector: the model's parameters in
 * {@link DeepLvm#parameters()} order, then the decoder optimizer's (m, v) per decoder parameter, then the
 * encoder optimizer's (m, v) per encoder parameter; with the local step count and each optimizer's step count.
 *
 * @param step local steps done
 * @param decoderSteps the decoder optimizer's step count t
 * @param encoderSteps the encoder optimizer's step count t
 * @param values the flat vector (3 floats per model parameter element)
 * @param objectiveSum the sum of the round's batch objectives (0 for an average)
 * @param examples rows the round processed (0 for an average)
 * @param finite false if the round's objective became non-finite
 */
record ReplicaState(long step, long decoderSteps, long encoderSteps, float[] values, double objectiveSum,
    long examples, boolean finite) implements Serializable {

  /** The state before training: {@code model}'s parameters, zero moments, no steps. */
  static ReplicaState initial(DeepLvm model) {
    int n = 0;
    for (Parameter p : model.parameters()) {
      n += p.size();
    }
    float[] v = new float[3 * n];
    int at = 0;
    for (Parameter p : model.parameters()) {
      System.arraycopy(p.value().buffer(), 0, v, at, p.size());
      at += p.size();
    }
    return new ReplicaState(0, 0, 0, v, 0, 0, true);
  }

  /**
   * The mean of {@code replicas}, summed in double in list order and rounded to float once.
   *
   * @throws IllegalStateException if the replicas are at different steps
   */
  static ReplicaState average(List<ReplicaState> replicas) {
    ReplicaState first = replicas.get(0);
    double[] sum = new double[first.values.length];
    for (ReplicaState r : replicas) {
      if (r.step != first.step || r.decoderSteps != first.decoderSteps || r.encoderSteps != first.encoderSteps
          || r.values.length != sum.length) {
        throw new IllegalStateException("replicas disagree on their step counts or sizes");
      }
      for (int i = 0; i < sum.length; i++) {
        sum[i] += r.values[i];
      }
    }
    float[] mean = new float[sum.length];
    for (int i = 0; i < sum.length; i++) {
      mean[i] = (float) (sum[i] / replicas.size());
    }
    return new ReplicaState(first.step, first.decoderSteps, first.encoderSteps, mean, 0, 0, true);
  }

  /** A model with this state's parameters. */
  DeepLvm toModel(DeepLvm.Config config) {
    DeepLvm model = DeepLvm.create(config, RngKey.of(0), null);
    int at = 0;
    for (Parameter p : model.parameters()) {
      System.arraycopy(values, at, p.value().buffer(), 0, p.size());
      at += p.size();
    }
    return model;
  }

  /** One replica's round: {@code round.steps()} steps of an {@link LvmTrainer} on the shard, from this state. */
  static ReplicaState runRound(LocalSgd.ReplicaRound round, DataShards.Shard shard) {
    LvmTrainingOptions options = round.options();
    ReplicaState start = round.start();
    DeepLvm replica = start.toModel(round.config());
    LvmTrainer trainer = new LvmTrainer(replica, options);
    int paramsEnd = parameterCount(replica);
    trainer.resumeFrom(new TrainingState(0, 0, start.step, List.of(), Double.NaN, 0, TrainingState.Status.RUNNING,
        ""), start.moments(replica.decoderParameters(), paramsEnd, start.decoderSteps),
        start.moments(replica.encoderParameters(), paramsEnd + 2 * size(replica.decoderParameters()),
            start.encoderSteps));
    trainer.drive(round.schedule());
    Dataset rows = prepare(shard, options);
    RngKey root = LocalSgd.shardRoot(options.seed(), shard.index());
    RngKey shuffle = root.foldIn(LvmTrainer.SHUFFLE_STREAM);
    int n = rows.rows();
    int batch = options.batchSize();
    int perEpoch = Batches.count(n, batch);
    int[] order = null;
    long orderEpoch = -1;
    double sum = 0;
    long examples = 0;
    for (int h = 0; h < round.steps(); h++) {
      long t = start.step + h;
      long epoch = t / perEpoch;
      int inEpoch = (int) (t % perEpoch);
      if (epoch != orderEpoch) {
        order = Batches.permutation(n, shuffle.foldIn(epoch));
        orderEpoch = epoch;
      }
      int[] idx = Arrays.copyOfRange(order, inEpoch * batch, Math.min(n, inEpoch * batch + batch));
      double value = round.standardizer() == null ? trainer.advance(rows, idx, root.foldIn(epoch).foldIn(inEpoch))
          : trainer.advance(round.standardizer().apply(rows.subset(idx)), firstRows(idx.length),
              root.foldIn(epoch).foldIn(inEpoch));
      if (!Double.isFinite(value)) {
        return new ReplicaState(t, 0, 0, start.values, value, examples, false);
      }
      sum += value;
      examples += idx.length;
    }
    return new ReplicaState(start.step + round.steps(), stepCount(trainer.decoderOptimizerState()),
        stepCount(trainer.encoderOptimizerState()), pack(replica, trainer), sum, examples, true);
  }

  private static int[] firstRows(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  /**
   * The shard's rows as the replica trains on them: a fixed binarization draws each row with the stream values of
   * its rank, exactly as binarizing the whole set at once with {@code RngKey.of(seed).foldIn(0x42)} would
   * ({@code DeepLvmFit}); a threshold is applied; dynamic binarization happens per batch.
   */
  private static Dataset prepare(DataShards.Shard shard, LvmTrainingOptions options) {
    Dataset rows = shard.rows();
    return switch (options.binarization()) {
      case FIXED -> rows.withValues(Binarization.binarizeRows(rows.values(), rows.cols(), shard.ranks(),
          RngKey.of(options.seed()).foldIn(0x42)));
      case THRESHOLD -> rows.withValues(Binarization.threshold(rows.values()));
      case DYNAMIC, NONE -> rows;
    };
  }

  private Map<String, float[]> moments(List<Parameter> params, int from, long t) {
    Map<String, float[]> m = new LinkedHashMap<>();
    m.put("t", new float[] {Float.intBitsToFloat((int) (t >>> 32)), Float.intBitsToFloat((int) t)});
    int at = from;
    for (Parameter p : params) {
      m.put("m/" + p.name(), Arrays.copyOfRange(values, at, at + p.size()));
      m.put("v/" + p.name(), Arrays.copyOfRange(values, at + p.size(), at + 2 * p.size()));
      at += 2 * p.size();
    }
    return m;
  }

  private static float[] pack(DeepLvm model, LvmTrainer trainer) {
    int n = parameterCount(model);
    float[] v = new float[3 * n];
    int at = 0;
    for (Parameter p : model.parameters()) {
      System.arraycopy(p.value().buffer(), 0, v, at, p.size());
      at += p.size();
    }
    at = packMoments(model.decoderParameters(), trainer.decoderOptimizerState(), v, at);
    packMoments(model.encoderParameters(), trainer.encoderOptimizerState(), v, at);
    return v;
  }

  private static int packMoments(List<Parameter> params, Map<String, float[]> state, float[] out, int at) {
    for (Parameter p : params) {
      System.arraycopy(state.get("m/" + p.name()), 0, out, at, p.size());
      System.arraycopy(state.get("v/" + p.name()), 0, out, at + p.size(), p.size());
      at += 2 * p.size();
    }
    return at;
  }

  private static long stepCount(Map<String, float[]> adamState) {
    float[] t = adamState.get("t");
    return ((long) Float.floatToRawIntBits(t[0]) << 32) | (Float.floatToRawIntBits(t[1]) & 0xFFFFFFFFL);
  }

  private static int parameterCount(DeepLvm model) {
    return size(model.parameters());
  }

  private static int size(List<Parameter> params) {
    int n = 0;
    for (Parameter p : params) {
      n += p.size();
    }
    return n;
  }
}
