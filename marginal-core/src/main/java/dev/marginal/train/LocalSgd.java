package dev.marginal.train;

import dev.marginal.config.ParameterException;
import dev.marginal.data.DataShards;
import dev.marginal.data.Standardizer;
import dev.marginal.models.DeepLvm;
import dev.marginal.random.RngKey;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Data-parallel training of a {@link DeepLvm} by local SGD with parameter averaging: the rows lie in S fixed
 * logical shards ({@link DataShards}), each shard trains its own replica, and every H steps the replicas are
 * averaged.
 *
 * <p>A round: every replica starts from the global state (parameters and both Adam optimizers' moments and step
 * count), takes H minibatch Adam steps of {@link LvmTrainer} on its own shard, and returns its state; the new
 * global state is the mean of the S replica states, summed in double in shard order and rounded to float (moments
 * included, so the optimizer state stays one state). Shard s keeps its own epochs: its epoch e visits its rows in
 * the order {@code Batches.permutation(m_s, k_s.foldIn(SHUFFLE).foldIn(e))} and its step j of epoch e uses the key
 * {@code k_s.foldIn(e).foldIn(j)}, with {@code k_0 = RngKey.of(seed)} (so one shard is exactly an
 * {@link LvmTrainer} run) and {@code k_s = RngKey.of(seed).foldIn(SHARD_STREAM).foldIn(s)} for s ≥ 1. A run lasts
 * {@code epochs · ⌈⌈n/S⌉ / B⌉} local steps per shard (or {@code maxSteps}); the learning-rate schedule and the KL
 * warm-up run on that local step count. With S shards, each local step is a batch of B rows per shard, so a run of
 * E epochs takes about 1/S of the sequential steps of a one-machine run of E epochs.
 *
 * <p>Every replica round is a pure function of (global state, shard, round), and the average is taken in shard
 * order, so the result is bit for bit the same wherever the shards are computed (in this JVM, on any Spark
 * partitioning or master, with retried or speculative tasks).
 *
 * <p>With a {@link #withStandardizer standardizer} every replica trains on its batches standardized as they are drawn
 * (the same values as standardizing the whole shard first), so no shard is copied.
 *
 * <p>Not supported: per-datapoint posteriors, early stopping (no validation rows), checkpoints.
 *
 * <p>References: Stich, "Local SGD converges fast and communicates little", ICLR 2019 (arXiv:1805.09767); Lin et
 * al., "Don't use large mini-batches, use local SGD", ICLR 2020 (arXiv:1808.07217).
 */
public final class LocalSgd {
  /** Key stream of the shards other than shard 0. */
  static final long SHARD_STREAM = 0x5348415244L;

  private final DeepLvm.Config config;
  private final LvmTrainingOptions options;
  private final int roundSteps;
  private final Standardizer standardizer;

  /**
   * @param config the networks
   * @param options objective, schedule, batch size, epochs (or maxSteps), seed and binarization of every replica
   * @param roundSteps H, the local steps between averages, at least 1
   * @throws ParameterException for early stopping, checkpoints or a non-positive {@code roundSteps}
   */
  public LocalSgd(DeepLvm.Config config, LvmTrainingOptions options, int roundSteps) {
    ParameterException.atLeast("roundSteps", roundSteps, 1);
    if (options.patience() > 0) {
      throw ParameterException.of("patience", "local SGD has no validation rows to stop early on");
    }
    if (options.checkpoint() != null || options.checkpointEvery() > 0) {
      throw ParameterException.of("checkpoint", "local SGD runs do not write checkpoints");
    }
    this.config = config;
    this.options = options;
    this.roundSteps = roundSteps;
    this.standardizer = null;
  }

  private LocalSgd(LocalSgd base, Standardizer standardizer) {
    this.config = base.config;
    this.options = base.options;
    this.roundSteps = base.roundSteps;
    this.standardizer = standardizer;
  }

  /**
   * The same run on standardized rows: every batch a replica draws is mapped by {@code standardizer} before its step,
   * so the model is of standardized units, as {@code DeepLvmFit}'s with {@code standardize} is.
   *
   * @param standardizer the map of the shards' columns, or null for the rows as they are
   */
  public LocalSgd withStandardizer(Standardizer standardizer) {
    if (standardizer != null && standardizer.cols() != config.dataDim()) {
      throw new IllegalArgumentException("a standardizer of " + standardizer.cols() + " columns for a model of "
          + config.dataDim());
    }
    return new LocalSgd(this, standardizer);
  }

  /**
   * How a run ended.
   *
   * @param model the averaged model after the last round (the last good one if a replica diverged)
   * @param rounds rounds completed
   * @param steps local steps per shard completed
   * @param examples rows processed by all replicas together
   * @param roundObjectives per round, the mean over shards of each replica's mean batch objective (nats per row)
   * @param diverged whether a replica's objective became non-finite (the run then stopped)
   * @param message why it stopped early, or empty
   */
  public record Result(DeepLvm model, long rounds, long steps, long examples, List<Double> roundObjectives,
      boolean diverged, String message) {
    public Result {
      roundObjectives = List.copyOf(roundObjectives);
    }
  }

  /** The local steps per shard of a run on {@code shards}: epochs of the largest shard, or maxSteps. */
  public long totalSteps(DataShards shards) {
    return totalSteps(options, shards);
  }

  /** The local steps per shard of a run with {@code options} on {@code shards}: as {@link #totalSteps(DataShards)}. */
  public static long totalSteps(LvmTrainingOptions options, DataShards shards) {
    return options.maxSteps() > 0 ? options.maxSteps() : (long) stepsPerEpoch(options, shards) * options.epochs();
  }

  private int stepsPerEpoch(DataShards shards) {
    return stepsPerEpoch(options, shards);
  }

  private static int stepsPerEpoch(LvmTrainingOptions options, DataShards shards) {
    return dev.marginal.data.Batches.count(DataShards.shardRows(shards.rows(), shards.shards(), 0),
        options.batchSize());
  }

  /**
   * A run's state between two rounds, all that the rounds after it depend on: the global parameters and both
   * optimizers' moments as one vector (the model's parameters in {@link DeepLvm#parameters()} order, then the decoder
   * optimizer's (m, v) per decoder parameter, then the encoder's), the step counts, and the record so far.
   *
   * @param rounds rounds done
   * @param step local steps per shard done
   * @param decoderSteps the decoder optimizer's step count
   * @param encoderSteps the encoder optimizer's step count
   * @param examples rows processed by all replicas together
   * @param values the vector, 3 floats per model parameter element
   * @param objectives the per-round objectives so far, one per round
   */
  public record Snapshot(long rounds, long step, long decoderSteps, long encoderSteps, long examples, float[] values,
      double[] objectives) {
    /** Copies the arrays. */
    public Snapshot {
      values = values.clone();
      objectives = objectives.clone();
    }

    @Override
    public float[] values() {
      return values.clone();
    }

    @Override
    public double[] objectives() {
      return objectives.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Snapshot s && rounds == s.rounds && step == s.step && decoderSteps == s.decoderSteps
          && encoderSteps == s.encoderSteps && examples == s.examples && java.util.Arrays.equals(values, s.values)
          && java.util.Arrays.equals(objectives, s.objectives);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(rounds, step, decoderSteps, encoderSteps, examples,
          java.util.Arrays.hashCode(values), java.util.Arrays.hashCode(objectives));
    }

    @Override
    public String toString() {
      return "Snapshot[rounds=" + rounds + ", step=" + step + ", decoderSteps=" + decoderSteps + ", encoderSteps="
          + encoderSteps + ", examples=" + examples + ", values=" + java.util.Arrays.toString(values)
          + ", objectives=" + java.util.Arrays.toString(objectives) + "]";
    }
  }

  /**
   * Trains from {@code initial} (not modified) on {@code shards}.
   *
   * @param progress receives the global local-step count, the examples so far and the round's mean objective after
   *     every round
   */
  public Result fit(DataShards shards, DeepLvm initial, Progress progress) {
    return fit(shards, initial, progress, null, 0, s -> {});
  }

  /**
   * {@link #fit(DataShards, DeepLvm, Progress)} continued from {@code resume} (a snapshot of the same run), handing a
   * snapshot to {@code checkpoint} after every {@code everyRounds} rounds that leave steps to take: a run resumed
   * from any of them ends with the uninterrupted run's parameters, bit for bit.
   *
   * @param resume the state to continue from, or null to start from {@code initial}
   * @param everyRounds rounds between snapshots, 0 for none
   * @throws IllegalArgumentException if {@code resume} does not fit this run: a vector of another length, counters
   *     that disagree with its rounds (step, optimizer steps, objectives), or a step beyond the run's length
   */
  public Result fit(DataShards shards, DeepLvm initial, Progress progress, Snapshot resume, int everyRounds,
      java.util.function.Consumer<Snapshot> checkpoint) {
    if (shards.dim() != config.dataDim()) {
      throw new IllegalArgumentException(shards.dim() + " columns, the model expects " + config.dataDim());
    }
    ParameterException.atLeast("everyRounds", everyRounds, 0);
    long total = totalSteps(shards);
    LvmSchedule schedule = new LvmSchedule(options.learningRate(), options.lrFloor(), total,
        (long) stepsPerEpoch(shards) * options.warmupEpochs());
    ReplicaState global = ReplicaState.initial(initial);
    List<Double> objectives = new ArrayList<>();
    long examples = 0;
    long rounds = 0;
    if (resume != null) {
      checkSnapshot(resume, global.values().length, total);
      global = new ReplicaState(resume.step(), resume.decoderSteps(), resume.encoderSteps(), resume.values(), 0, 0,
          true);
      for (double o : resume.objectives()) {
        objectives.add(o);
      }
      examples = resume.examples();
      rounds = resume.rounds();
    }
    while (global.step() < total) {
      int steps = (int) Math.min(roundSteps, total - global.step());
      ReplicaRound round = new ReplicaRound(config, options, schedule, global, steps, standardizer);
      List<ReplicaState> replicas = shards.map(round);
      double objective = 0;
      for (ReplicaState r : replicas) {
        if (!r.finite()) {
          progress.finish();
          return new Result(global.toModel(config), rounds, global.step(), examples, objectives, true,
              "training diverged: a replica's objective became non-finite in round " + rounds
                  + "; the model is the last average");
        }
        objective += r.objectiveSum() / steps;
        examples += r.examples();
      }
      global = ReplicaState.average(replicas);
      objectives.add(objective / replicas.size());
      rounds++;
      progress.update(global.step(), examples, objective / replicas.size());
      if (everyRounds > 0 && rounds % everyRounds == 0 && global.step() < total) {
        double[] o = new double[objectives.size()];
        for (int i = 0; i < o.length; i++) {
          o[i] = objectives.get(i);
        }
        checkpoint.accept(new Snapshot(rounds, global.step(), global.decoderSteps(), global.encoderSteps(), examples,
            global.values(), o));
      }
    }
    progress.finish();
    return new Result(global.toModel(config), rounds, global.step(), examples, objectives, false, "");
  }

  /** The model of a snapshot's parameters. */
  public DeepLvm modelOf(Snapshot s) {
    return new ReplicaState(s.step(), s.decoderSteps(), s.encoderSteps(), s.values, 0, 0, true).toModel(config);
  }

  /** Refuses a snapshot that cannot be one of this run's: see {@link #fit(DataShards, DeepLvm, Progress, Snapshot,
   * int, java.util.function.Consumer)}. */
  private void checkSnapshot(Snapshot s, int length, long total) {
    if (s.values.length != length) {
      throw new IllegalArgumentException("the checkpoint's state has " + s.values.length + " values, this model "
          + length);
    }
    long expected = Math.min(s.rounds() * (long) roundSteps, total);
    if (s.rounds() < 1 || s.rounds() > total || s.step() != expected) {
      throw new IllegalArgumentException("the checkpoint's step " + s.step() + " does not match its " + s.rounds()
          + " rounds of " + roundSteps + " steps (a run of " + total + " steps)");
    }
    if (s.step() >= total) {
      throw new IllegalArgumentException("the checkpoint's run had ended (step " + s.step() + " of " + total + ")");
    }
    if (s.decoderSteps() < 0 || s.decoderSteps() > s.step() || s.encoderSteps() < 0 || s.encoderSteps() > s.step()
        || s.examples() < 0) {
      throw new IllegalArgumentException("the checkpoint's optimizer steps (" + s.decoderSteps() + ", "
          + s.encoderSteps() + ") or examples (" + s.examples() + ") do not fit its step " + s.step());
    }
    if (s.objectives.length != s.rounds()) {
      throw new IllegalArgumentException("the checkpoint records " + s.objectives.length + " round objectives for "
          + s.rounds() + " rounds");
    }
  }

  /** The key root of shard {@code s}: the run's own root for shard 0, a stream of it for the others. */
  static RngKey shardRoot(long seed, int s) {
    RngKey root = RngKey.of(seed);
    return s == 0 ? root : root.foldIn(SHARD_STREAM).foldIn(s);
  }

  /** One round of one replica, as a task that can travel to where the shard is. */
  record ReplicaRound(DeepLvm.Config config, LvmTrainingOptions options, LvmSchedule schedule, ReplicaState start,
      int steps, Standardizer standardizer) implements DataShards.Task<ReplicaState>, Serializable {
    @Override
    public ReplicaState apply(DataShards.Shard shard) {
      return ReplicaState.runRound(this, shard);
    }
  }
}
