package dev.marginal.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marginal.math.LogSpace;
import dev.marginal.tensor.Tensor;
import org.junit.jupiter.api.Test;

class UserTargetTest {
  /** Has a constructor, but not a no-argument one. */
  public static final class NeedsArgument extends ExampleUserTarget {
    public NeedsArgument(int unused) {}
  }

  /** Not a target. */
  public static final class NotATarget {
    public NotATarget() {}
  }

  /** Abstract. */
  public abstract static class AbstractTarget extends ExampleUserTarget {}

  /** Fails while being built. */
  public static final class Throws extends ExampleUserTarget {
    public Throws() {
      throw new IllegalStateException("no data\nfile");
    }
  }

  private static String failure(String spec) {
    String message = assertThrows(IllegalArgumentException.class, () -> Targets.of(spec)).getMessage();
    assertFalse(message.contains("\n"), () -> "not one line: " + message);
    return message;
  }

  @Test
  void loadsAUserClassByName() {
    Target t = Targets.of("class:dev.marginal.targets.ExampleUserTarget");
    assertInstanceOf(ExampleUserTarget.class, t);
    assertEquals(3, t.dim());
    double lp = t.logDensity(Tensor.zeros(1, 3)).item();
    assertEquals(-1.5 * LogSpace.LOG_2PI, lp, 1e-6);
    assertFalse(t.hasSampler());
    assertTrue(t.logZ().isEmpty());
    assertEquals(4.0, t.box()[1]);
  }

  @Test
  void loadsANestedClassByItsBinaryName() {
    assertInstanceOf(ExampleUserTarget.class, UserTarget.load(ExampleUserTarget.class.getName()));
  }

  @Test
  void reportsAMissingClass() {
    String m = failure("class:com.example.Missing");
    assertEquals("target class com.example.Missing not found on the class path", m);
  }

  @Test
  void reportsAMissingNoArgumentConstructor() {
    String m = failure("class:" + NeedsArgument.class.getName());
    assertTrue(m.endsWith("has no public no-argument constructor"), m);
  }

  @Test
  void reportsAClassThatIsNotATarget() {
    String m = failure("class:" + NotATarget.class.getName());
    assertTrue(m.endsWith("does not implement dev.marginal.targets.Target"), m);
  }

  @Test
  void reportsAnAbstractClass() {
    String m = failure("class:" + AbstractTarget.class.getName());
    assertTrue(m.contains("is abstract"), m);
  }

  @Test
  void reportsAConstructorThatThrows() {
    String m = failure("class:" + Throws.class.getName());
    assertTrue(m.contains("threw in its constructor: IllegalStateException: no data file"), m);
  }

  @Test
  void reportsAnEmptyClassName() {
    assertTrue(failure("class:").contains("empty"));
  }

  @Test
  void userLogDensityIsDifferentiable() {
    Target t = UserTarget.load(ExampleUserTarget.class.getName());
    double[] g = TargetChecks.gradient(t, Tensor.of(new float[] {1f, -2f, 0.5f}, 1, 3));
    assertEquals(-1.0, g[0], 1e-6);
    assertEquals(2.0, g[1], 1e-6);
  }
}
