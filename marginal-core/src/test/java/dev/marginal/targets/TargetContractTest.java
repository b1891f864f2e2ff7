package dev.marginal.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.marginal.autodiff.Var;
import dev.marginal.random.RngKey;
import dev.marginal.tensor.Tensor;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class TargetContractTest {
  /** A 2-D standard normal whose optional declaration {@code fault} is broken. */
  private record Broken(String fault) implements Target {
    @Override
    public String name() {
      return "broken";
    }

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public Var logDensity(Var x) {
      return x.square().sum(1, false).mul(-0.5f);
    }

    @Override
    public Support support() {
      return switch (fault) {
        case "support 3-D" -> Support.box(3, -1, 1);
        case "support null" -> null;
        default -> Support.real(2);
      };
    }

    @Override
    public double[] box() {
      return switch (fault) {
        case "box short" -> new double[] {-1, 1};
        case "box inverted" -> new double[] {1, -1, -1, 1};
        case "box NaN" -> new double[] {-1, 1, Double.NaN, 1};
        default -> new double[] {-4, 4, -4, 4};
      };
    }

    @Override
    public OptionalDouble logZ() {
      return fault.equals("logZ NaN") ? OptionalDouble.of(Double.NaN) : OptionalDouble.of(Math.log(2 * Math.PI));
    }

    @Override
    public OptionalDouble entropy() {
      return fault.equals("entropy infinite") ? OptionalDouble.of(Double.POSITIVE_INFINITY) : OptionalDouble.empty();
    }

    @Override
    public Optional<Modes> modes() {
      return fault.equals("modes 3-D")
          ? Optional.of(new Modes(new float[][] {{0, 0, 0}}, new double[] {1})) : Optional.empty();
    }

    @Override
    public Optional<HardRegion> hardRegion() {
      return fault.equals("region column 7")
          ? Optional.of(new HardRegion("far", 0.1, 7, 0.0)) : Optional.empty();
    }

    @Override
    public boolean hasSampler() {
      return true;
    }

    @Override
    public Tensor sample(RngKey key, int n) {
      return switch (fault) {
        case "sample 3-D" -> Tensor.zeros(n, 3);
        case "sample NaN" -> Tensor.zeros(n, 2).add(Float.NaN);
        case "sample throws" -> throw new IllegalStateException("no draws today");
        default -> Tensor.zeros(n, 2);
      };
    }
  }

  @Test
  void brokenDeclarationsAreRefusedNamingTheTargetAndTheMethod() {
    List<List<String>> cases = List.of(
        List.of("support 3-D", "target broken: support() is 3-D for a 2-D target"),
        List.of("support null", "target broken: support() must not return null"),
        List.of("box short", "target broken: box() must hold 4 bounds {xmin, xmax, ymin, ymax}, got 2"),
        List.of("box inverted", "target broken: box() must hold finite bounds {xmin, xmax, ymin, ymax} with each "
            + "minimum below its maximum, got [1.0, -1.0, -1.0, 1.0]"),
        List.of("box NaN", "target broken: box() must hold finite bounds {xmin, xmax, ymin, ymax} with each minimum "
            + "below its maximum, got [-1.0, 1.0, NaN, 1.0]"),
        List.of("logZ NaN", "target broken: logZ() must be finite where given, got NaN"),
        List.of("entropy infinite", "target broken: entropy() must be finite where given, got Infinity"),
        List.of("modes 3-D", "target broken: modes() has a centre of 3 coordinates for a 2-D target"),
        List.of("region column 7", "target broken: hardRegion() names column 7 of a 2-D target"),
        List.of("sample 3-D", "target broken: sample(key, 2) must return shape [2, 2], got [2, 3]"),
        List.of("sample NaN", "target broken: sample(key, 2) returned a value that is NaN or infinite"),
        List.of("sample throws",
            "target broken: sample failed for 2 draws: java.lang.IllegalStateException: no draws today"));
    for (List<String> c : cases) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TargetContract.check(new Broken(c.get(0))), c.get(0));
      assertEquals(c.get(1), e.getMessage(), c.get(0));
    }
    Target fine = new Broken("none");
    assertSame(fine, TargetContract.check(fine));
  }

  @Test
  void everyBuiltInTargetKeepsTheContract() {
    for (String name : List.of("funnel", "neal-funnel:3", "mixture", "u1", "u2", "u3", "u4", "two-moons", "gmm40",
        "many-well:4")) {
      Target t = Targets.of(name);
      assertSame(t, TargetContract.check(t), name);
    }
  }
}
