package dev.marginal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.random.RngKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchesTest {
  private static List<int[]> all(Batches b) {
    List<int[]> out = new ArrayList<>();
    b.forEachRemaining(out::add);
    return out;
  }

  @Test
  void everyIndexAppearsExactlyOncePerEpoch() {
    RngKey root = RngKey.of(11);
    for (int epoch = 0; epoch < 5; epoch++) {
      List<int[]> batches = all(Batches.shuffled(103, 10, root, epoch));
      assertEquals(Batches.count(103, 10), batches.size());
      assertEquals(11, batches.size());
      int[] seen = new int[103];
      for (int b = 0; b < batches.size(); b++) {
        assertEquals(b < 10 ? 10 : 3, batches.get(b).length, "fixed size, last partial batch kept");
        for (int i : batches.get(b)) {
          seen[i]++;
        }
      }
      for (int count : seen) {
        assertEquals(1, count);
      }
    }
  }

  @Test
  void orderIsDeterministicPerEpochAndChangesBetweenEpochs() {
    RngKey root = RngKey.of(11);
    int[] e0 = Batches.shuffled(50, 50, root, 0).next();
    assertArrayEquals(e0, Batches.shuffled(50, 50, root, 0).next());
    assertArrayEquals(Batches.permutation(50, root.foldIn(0)), e0);
    assertFalse(java.util.Arrays.equals(e0, Batches.shuffled(50, 50, root, 1).next()));
  }

  @Test
  void inOrderBatchesFollowRowOrder() {
    List<int[]> batches = all(Batches.inOrder(5, 2));
    assertArrayEquals(new int[] {0, 1}, batches.get(0));
    assertArrayEquals(new int[] {4}, batches.get(2));
    assertFalse(Batches.inOrder(0, 2).hasNext());
  }

  @Test
  void permutationIsUniform() {
    // Where element 0 lands: each of 5 positions with probability 1/5 over many keys.
    int keys = 20_000;
    int[] counts = new int[5];
    RngKey root = RngKey.of(2);
    for (int k = 0; k < keys; k++) {
      int[] perm = Batches.permutation(5, root.foldIn(k));
      for (int pos = 0; pos < 5; pos++) {
        if (perm[pos] == 0) {
          counts[pos]++;
        }
      }
    }
    double expected = keys / 5.0;
    double sd = Math.sqrt(keys * 0.2 * 0.8);
    for (int c : counts) {
      double z = (c - expected) / sd;
      assertTrue(Math.abs(z) <= 4, "position count " + c + ", z = " + z);
    }
  }
}
