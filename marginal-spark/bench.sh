#!/usr/bin/env bash
# Spark local[2] against in-process work on two threads (see OverheadBench). Usage, from the repository root:
#   marginal-spark/bench.sh [scoring|gmm|ppca|all] [repeats]
#   marginal-spark/bench.sh scaling|rounds [repeats]     # per-job and per-round constants (docs/spark-cost-model.md)
#   MASTER=local[2] marginal-spark/bench.sh main VERB ... # SparkMain (fit, score, encode, eval) on MASTER
# Needs Fashion-MNIST (apt-get install dataset-fashion-mnist) and about 6 GB of heap.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl marginal-core,marginal-spark test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/marginal-spark/target/bench-classpath.txt" -Dmdep.includeScope=test >/dev/null
opens=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
    java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens="$opens --add-opens=java.base/$p=ALL-UNNAMED"
done
export SPARK_LOCAL_IP=127.0.0.1
main=dev.marginal.spark.bench.OverheadBench
if [ "${1:-}" = main ]; then
  main=dev.marginal.spark.SparkMain; shift
fi
exec java -Dspark.master="${MASTER:-local[2]}" -Dspark.driver.host=127.0.0.1 -Dspark.ui.enabled=false -Xmx6g -Xmn1g -XX:+UseParallelGC -XX:PerMethodTrapLimit=10000 -XX:+UseCountedLoopSafepoints -XX:LoopStripMiningIter=1000 --add-modules jdk.incubator.vector -Dmarginal.kernels=vector $opens \
  -cp "marginal-spark/target/test-classes:marginal-spark/target/classes:$(cat marginal-spark/target/bench-classpath.txt)" \
  "$main" "$@"
