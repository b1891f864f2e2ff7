package dev.marginal.cli;

import dev.marginal.io.ModelFile;
import dev.marginal.density.DensityModel;
import dev.marginal.density.Models;
import dev.marginal.train.LvmCheckpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marginal info}: what a model file holds and how it was made. */
@Command(name = "info", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Show a model's kind, dimensions, columns, parameters and provenance, and whether the file is a "
        + "checkpoint (with its step).",
    footer = {"", "Example:", "  marginal info --model moons.marginal"})
final class InfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file.")
  Path model;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    ModelFile file = Commands.readModelFile(model);
    Map<String, Object> about = new LinkedHashMap<>();
    try {
      DensityModel m = Models.fromFile(file);
      about.put("kind", m.kind());
      about.put("dim", m.dim());
      about.putAll(m.describe());
      about.putAll(LvmCheckpoint.describe(file));
    } catch (IllegalArgumentException e) {
      throw UserInputException.about(model, e);
    }
    if (output.json) {
      Map<String, Object> all = new LinkedHashMap<>(about);
      all.put("provenance", file.provenance());
      Commands.print(spec.commandLine().getOut(), output, null, all);
      return 0;
    }
    Commands.print(spec.commandLine().getOut(), output, model.toString(), shortColumns(about));
    Commands.print(spec.commandLine().getOut(), output, "provenance", shortColumns(file.provenance()));
    return 0;
  }

  /** Image data have hundreds of columns: the text report names a few of them (--json lists them all). */
  private static Map<String, Object> shortColumns(Map<String, Object> report) {
    Map<String, Object> copy = new LinkedHashMap<>(report);
    if (copy.get("columns") instanceof java.util.List<?> columns) {
      copy.put("columns", Commands.abbreviate(columns.stream().map(String::valueOf).toList()));
    }
    return copy;
  }
}
