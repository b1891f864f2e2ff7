package dev.marginal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.marginal.api.DeepLvmOptions;
import dev.marginal.train.LvmTrainingOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code marginal fit --model lvm} with no schedule options runs the recipe that met the Fashion-MNIST targets
 * (BENCHMARKS.md: {@code --lr-floor 0.1 --warmup 40} at 100 epochs), and explicit options still win.
 */
class LvmDefaultsTest {
  private static LvmTrainingOptions resolved(String... extra) {
    String[] args = new String[6 + extra.length];
    System.arraycopy(new String[] {"fit", "--data", "fashion-mnist", "--model", "lvm", "--out=x.marginal"}, 0, args,
        0, 6);
    System.arraycopy(extra, 0, args, 6, extra.length);
    CommandLine.ParseResult parsed = Cli.newCommandLine().parseArgs(args);
    FitCommand fit = (FitCommand) parsed.subcommand().commandSpec().userObject();
    DeepLvmOptions options = LvmFitter.options(fit.lvm.settings(fit.latent), fit.seed, fit.standardize);
    return options.resolvedTraining();
  }

  @Test
  void aHundredEpochFitWithDefaultOptionsIsTheRecipeThatMetTheTargets() {
    LvmTrainingOptions t = resolved("--epochs", "100");
    assertEquals(0.1, t.lrFloor(), 0.0, "--lr-floor 0.1");
    assertEquals(40, t.warmupEpochs(), "--warmup 40");
    assertEquals(100, t.epochs());
    assertEquals(LvmTrainingOptions.Objective.IWAE, t.objective());
    assertEquals(5, t.numSamples());
  }

  @Test
  void explicitScheduleOptionsOverrideTheDefaults() {
    LvmTrainingOptions t = resolved("--epochs", "100", "--warmup", "10", "--lr-floor", "0.5");
    assertEquals(10, t.warmupEpochs());
    assertEquals(0.5, t.lrFloor(), 0.0);
    assertEquals(0, resolved("--epochs", "100", "--warmup", "0").warmupEpochs());
    assertEquals(0, resolved("--epochs", "100", "--objective", "sumo").warmupEpochs(), "SUMO is not tempered");
  }
}
