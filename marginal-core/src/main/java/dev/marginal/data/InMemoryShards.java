package dev.marginal.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** {@link DataShards} held in this JVM: each shard a copy of its rows, tasks run on the calling thread. */
final class InMemoryShards implements DataShards {
  private final List<Shard> shards;
  private final long rows;
  private final int dim;

  private InMemoryShards(List<Shard> shards, long rows, int dim) {
    this.shards = shards;
    this.rows = rows;
    this.dim = dim;
  }

  static InMemoryShards of(Dataset data, int count) {
    if (count < 1 || count > data.rows()) {
      throw new IllegalArgumentException("shards must be in [1, " + data.rows() + "] for " + data.rows()
          + " rows, got " + count);
    }
    int d = data.cols();
    List<Shard> list = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      int m = DataShards.shardRows(data.rows(), count, s);
      float[] v = new float[m * d];
      for (int j = 0; j < m; j++) {
        System.arraycopy(data.values(), (s + j * count) * d, v, j * d, d);
      }
      list.add(new Shard(s, count, Dataset.of(data.source() + " shard " + s + "/" + count, data.columns(), v)));
    }
    return new InMemoryShards(List.copyOf(list), data.rows(), d);
  }

  @Override
  public int shards() {
    return shards.size();
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public <R extends Serializable> List<R> map(Task<R> task) {
    List<R> out = new ArrayList<>(shards.size());
    for (Shard s : shards) {
      out.add(task.apply(s));
    }
    return out;
  }
}
