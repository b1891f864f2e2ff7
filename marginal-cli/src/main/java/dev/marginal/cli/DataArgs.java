package dev.marginal.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** The data options of the commands that apply a saved model to data: score, encode and eval. */
final class DataArgs {
  @Option(names = "--data", required = true, paramLabel = "SRC",
      description = "Data: a .csv or .csv.gz file, an IDX file, fashion-mnist:train|test or"
          + " toy:NAME[?n=N&seed=S] (NAME: " + ToyNames.LIST + ").")
  String data;

  @Option(names = "--columns", split = ",", paramLabel = "A,B",
      description = "Columns to use, taken as the model's columns in its order (default: the model's columns, by"
          + " name; other columns of the data are ignored).")
  List<String> columns;

  @Option(names = "--limit", paramLabel = "N", description = "Use only the first N rows.")
  Integer limit;
}
