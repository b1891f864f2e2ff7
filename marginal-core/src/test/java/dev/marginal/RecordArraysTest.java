package dev.marginal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.api.DeepLvmOptions;
import dev.marginal.api.SurrogateTraining;
import dev.marginal.data.Standardizer;
import dev.marginal.density.DensityModel;
import dev.marginal.distributions.GaussianMixture;
import dev.marginal.estimators.Ais;
import dev.marginal.estimators.Estimate;
import dev.marginal.estimators.Iwae;
import dev.marginal.estimators.RobustInterval;
import dev.marginal.estimators.WeightDiagnostics;
import dev.marginal.io.ModelFile;
import dev.marginal.io.Provenance;
import dev.marginal.models.DeepLvm;
import dev.marginal.models.GmmFit;
import dev.marginal.models.GmmOptions;
import dev.marginal.models.LocalPosteriors;
import dev.marginal.models.Ppca;
import dev.marginal.nn.Activation;
import dev.marginal.targets.Modes;
import dev.marginal.train.LogZEstimate;
import dev.marginal.train.ReverseKlOptions;
import dev.marginal.train.ReverseKlRun;
import dev.marginal.train.SurrogateMetrics;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public record of marginal-core that holds an array is a value: it copies its arrays in (the caller may
 * reuse what it passed) and out (a caller cannot change it through an accessor), and {@code equals},
 * {@code hashCode} and {@code toString} look at the arrays' elements. The checks are generic over the record
 * components, so a record that forgets one copy, or compares one array by identity, fails here; and a new public
 * record with an array component fails until it has a sample below.
 */
class RecordArraysTest {
  /** An array's identity in a default toString, e.g. {@code [D@1b6d3586}. */
  private static final Pattern ARRAY_IDENTITY = Pattern.compile("\\[+([BCDFIJSZ]|L[\\w.$]+;)@[0-9a-f]+");
  private static final GaussianMixture MIXTURE = GaussianMixture.ofSpherical(new double[] {0.5, 0.5},
      new double[][] {{0, 0}, {1, 1}}, new double[] {1, 2});
  private static final Provenance PROVENANCE = new Provenance(7, "funnel", 0, List.of(), Map.of(), "test", "17",
      Instant.EPOCH, 1.0, null);
  private static final Map<Class<?>, Supplier<Record>> SAMPLES = new LinkedHashMap<>();

  static {
    SAMPLES.put(Estimate.class, () -> new Estimate(new double[] {1, 2}, new double[] {0.1, 0.2}, 3));
    SAMPLES.put(Iwae.Diagnosed.class, () -> new Iwae.Diagnosed(new double[] {1, 2}, diagnostics()));
    SAMPLES.put(Ais.Result.class, () -> new Ais.Result(new double[] {1, 2}, new double[][] {{1, 2}, {3, 4}}, 0.9));
    SAMPLES.put(DensityModel.LogDensity.class, () -> new DensityModel.LogDensity(new double[] {1, 2},
        new double[] {0.1, 0.2}, "sumo", diagnostics(), new RobustInterval[] {
            new RobustInterval(1, 0, 2, 6, 0.95), new RobustInterval(2, 1, 3, 6, 0.95)}));
    SAMPLES.put(Modes.class, () -> new Modes(new float[][] {{-1, 0}, {1, 0}}, new double[] {0.25, 0.75}));
    SAMPLES.put(DeepLvmOptions.Architecture.class,
        () -> new DeepLvmOptions.Architecture(2, new int[] {8, 4}, Activation.TANH, null));
    SAMPLES.put(ReverseKlOptions.Architecture.class,
        () -> new ReverseKlOptions.Architecture(2, new int[] {8, 4}, Activation.TANH));
    SAMPLES.put(DeepLvm.Config.class,
        () -> new DeepLvm.Config(3, 2, new int[] {8, 4}, Activation.TANH, DeepLvm.Decoder.GAUSSIAN));
    SAMPLES.put(GaussianMixture.Draws.class,
        () -> new GaussianMixture.Draws(new double[][] {{1, 2}, {3, 4}}, new int[] {0, 1}));
    SAMPLES.put(LogZEstimate.class, () -> new LogZEstimate(1, 0.1, 5, 0.2, new double[] {1, 2}));
    SAMPLES.put(SurrogateMetrics.class, () -> new SurrogateMetrics(10, 1, 0.1, 1.1, 0.2, 2, 0.1, 3,
        new double[] {0.1, 0.2}, Double.NaN, Double.NaN, true, null, null));
    SAMPLES.put(ReverseKlRun.Result.class, () -> new ReverseKlRun.Result(ReverseKlRun.Status.COMPLETED, "", 2,
        new float[] {1, 2}, List.of(), List.of()));
    SAMPLES.put(SurrogateTraining.Result.class, () -> new SurrogateTraining.Result(null,
        ReverseKlRun.Status.COMPLETED, "", 2, new float[] {1, 2}, List.of(), List.of(), PROVENANCE));
    SAMPLES.put(Ppca.Posterior.class,
        () -> new Ppca.Posterior(new double[] {1, 2}, new double[][] {{1, 0.5}, {0.5, 2}}));
    SAMPLES.put(Standardizer.class, () -> new Standardizer(new double[] {1, 2}, new double[] {1, 2}));
    SAMPLES.put(ModelFile.Float64.class,
        () -> new ModelFile.Float64(new double[] {1, 2, 3, 4, 5, 6}, new int[] {2, 3}));
    SAMPLES.put(GmmFit.class, () -> new GmmFit(MIXTURE, true, 2, -1, new double[] {-2, -1}, GmmOptions.of(2)));
    SAMPLES.put(LocalPosteriors.Batch.class, () -> new LocalPosteriors.Batch(new int[] {3, 5}, null, null, null));
    SAMPLES.put(dev.marginal.train.LocalSgd.Snapshot.class, () -> new dev.marginal.train.LocalSgd.Snapshot(2, 4, 4, 4,
        80, new float[] {1, 2, 3}, new double[] {-1.5, -1.25}));
  }

  private static WeightDiagnostics[] diagnostics() {
    return new WeightDiagnostics[] {new WeightDiagnostics(5, 0.1, 10), new WeightDiagnostics(6, 0.2, 10)};
  }

  @Test
  void everyPublicRecordWithAnArrayHasASample() throws Exception {
    Path classes = Path.of(Estimate.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Set<String> missing = new TreeSet<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
        String name = classes.relativize(f).toString().replace(f.getFileSystem().getSeparator(), ".");
        Class<?> type = Class.forName(name.substring(0, name.length() - ".class".length()), false,
            getClass().getClassLoader());
        if (type.isRecord() && Modifier.isPublic(type.getModifiers()) && holdsArray(type)
            && !SAMPLES.containsKey(type)) {
          missing.add(type.getName());
        }
      }
    }
    assertTrue(missing.size() < SAMPLES.size(), "the scan found the classes");
    assertTrue(missing.isEmpty(), "public records holding arrays without a sample here: " + missing);
  }

  @Test
  void equalContentsGiveEqualRecordsAndHashCodes() {
    SAMPLES.forEach((type, sample) -> {
      Record a = sample.get();
      Record b = sample.get();
      assertEquals(a, b, type.getName());
      assertEquals(a.hashCode(), b.hashCode(), type.getName());
      assertFalse(ARRAY_IDENTITY.matcher(a.toString()).find(), type.getName() + ": " + a);
    });
  }

  @Test
  void equalsLooksAtEveryArrayElementwise() throws ReflectiveOperationException {
    for (Map.Entry<Class<?>, Supplier<Record>> e : SAMPLES.entrySet()) {
      Record original = e.getValue().get();
      RecordComponent[] components = original.getClass().getRecordComponents();
      for (int i = 0; i < components.length; i++) {
        if (components[i].getType().isArray()) {
          Object[] args = values(original);
          perturb(args[i]);
          assertNotEquals(original, construct(original, args), e.getKey().getName() + "." + components[i].getName());
        }
      }
    }
  }

  @Test
  void accessorsReturnCopies() throws ReflectiveOperationException {
    for (Map.Entry<Class<?>, Supplier<Record>> e : SAMPLES.entrySet()) {
      Record r = e.getValue().get();
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        if (c.getType().isArray()) {
          Object out = c.getAccessor().invoke(r);
          assertNotSame(out, c.getAccessor().invoke(r), e.getKey().getName() + "." + c.getName());
          perturb(out);
          assertEquals(e.getValue().get(), r, e.getKey().getName() + "." + c.getName() + " changed through its accessor");
        }
      }
    }
  }

  @Test
  void constructorsCopyTheirArrays() throws ReflectiveOperationException {
    for (Map.Entry<Class<?>, Supplier<Record>> e : SAMPLES.entrySet()) {
      Record original = e.getValue().get();
      Object[] args = values(original);
      Record r = construct(original, args);
      RecordComponent[] components = original.getClass().getRecordComponents();
      for (int i = 0; i < components.length; i++) {
        if (components[i].getType().isArray()) {
          perturb(args[i]);
          assertEquals(original, r, e.getKey().getName() + "." + components[i].getName()
              + " changed through the array passed in");
        }
      }
    }
  }

  private static boolean holdsArray(Class<?> type) {
    return Arrays.stream(type.getRecordComponents()).anyMatch(c -> c.getType().isArray());
  }

  private static Object[] values(Record r) throws ReflectiveOperationException {
    RecordComponent[] components = r.getClass().getRecordComponents();
    Object[] out = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      out[i] = components[i].getAccessor().invoke(r);
    }
    return out;
  }

  private static Record construct(Record like, Object[] args) throws ReflectiveOperationException {
    Class<?>[] types = Arrays.stream(like.getClass().getRecordComponents()).map(RecordComponent::getType)
        .toArray(Class<?>[]::new);
    Constructor<?> canonical = like.getClass().getDeclaredConstructor(types);
    try {
      return (Record) canonical.newInstance(args);
    } catch (InvocationTargetException e) {
      throw new AssertionError(like.getClass().getName() + " rejected " + Arrays.deepToString(args), e.getCause());
    }
  }

  /**
   * Changes an array in place, keeping what the records validate (lengths, a shape's product, positive sizes): the
   * first element of a number array grows by one, except that an int array with two different leading elements
   * swaps them; an array of arrays changes its first row; an array of values swaps its first two elements.
   */
  private static void perturb(Object array) {
    Class<?> element = array.getClass().getComponentType();
    if (element.isArray()) {
      perturb(Array.get(array, 0));
    } else if (element == double.class) {
      ((double[]) array)[0] += 1;
    } else if (element == float.class) {
      ((float[]) array)[0] += 1;
    } else if (element == int.class) {
      int[] a = (int[]) array;
      if (a.length > 1 && a[0] != a[1]) {
        int t = a[0];
        a[0] = a[1];
        a[1] = t;
      } else {
        a[0] += 1;
      }
    } else if (!element.isPrimitive()) {
      Object[] a = (Object[]) array;
      assertNotEquals(a[0], a[1], "a sample needs two different leading elements");
      Object t = a[0];
      a[0] = a[1];
      a[1] = t;
    } else {
      throw new AssertionError("no perturbation for " + array.getClass());
    }
  }
}
