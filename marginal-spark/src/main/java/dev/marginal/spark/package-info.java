/**
 * Apache Spark adapters for marginal: Spark ML estimators and models, the executor runtime they share, and the
 * {@code spark-submit} entry point. Only orchestration lives here; every number is computed by marginal-core, in
 * fixed chunks keyed by row id, so results do not depend on how Spark partitions or schedules the work.
 */
package dev.marginal.spark;
