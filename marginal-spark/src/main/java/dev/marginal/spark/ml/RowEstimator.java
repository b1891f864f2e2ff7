package dev.marginal.spark.ml;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * What every marginal estimator shares: its uid, the three parameters that say where the rows' features and ids
 * are ({@code featuresCol}, or {@code inputCols} instead; {@code idCol}) and {@code standardize}, with their setters
 * typed as the estimator itself, and the hand-over of those columns to the fitted {@link MarginalDensityModel}.
 * {@code standardize} fits the model to (x − mean) / sd of each column, the means and population standard deviations
 * taken over all rows from per-chunk (per-shard) sums in two passes; the model scores in the data's units, as
 * {@code marginal fit --standardize} does. The estimators' numeric and
 * named parameters carry validators: a value out of range is refused when it is set, in one line naming the
 * parameter ("components must be >= 1, got 0"); what depends on the data (PPCA's latentDim below d, more rows than
 * shards) is checked by the fit.
 *
 * @param <S> the estimator's own class
 */
public abstract class RowEstimator<S extends RowEstimator<S>> extends Estimator<MarginalDensityModel> {
  private static final long serialVersionUID = 1L;

  private final String uid;
  /** Features: a vector or an array of numbers (default "features"). */
  protected final Param<String> featuresCol;
  /** Numeric feature columns, used instead of {@link #featuresCol} when not empty. */
  protected final StringArrayParam inputCols;
  /** The unique row id (long or int), by which rows are ordered (default "id"). */
  protected final Param<String> idCol;
  /** Whether to fit standardized columns (default false). */
  protected final BooleanParam standardize;

  /**
   * @param uid the estimator's uid
   * @param idDoc what the estimator does with the id, for the parameter's documentation
   */
  protected RowEstimator(String uid, String idDoc) {
    this.uid = uid;
    featuresCol = new Param<>(this, "featuresCol", "features: a vector or an array of numbers");
    inputCols = new StringArrayParam(this, "inputCols", "numeric feature columns (instead of featuresCol)");
    idCol = new Param<>(this, "idCol", "unique row id (long or int): " + idDoc);
    setDefault(featuresCol, "features");
    setDefault(inputCols, new String[0]);
    standardize = new BooleanParam(this, "standardize", "fit standardized columns, (x - mean) / sd over all rows "
        + "(scores stay in the data's units)");
    setDefault(idCol, "id");
    setDefault(standardize, false);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public StringArrayParam inputCols() {
    return inputCols;
  }

  public Param<String> idCol() {
    return idCol;
  }

  public BooleanParam standardize() {
    return standardize;
  }

  @SuppressWarnings("unchecked")
  public S setStandardize(boolean v) {
    return (S) set(standardize, v);
  }

  @SuppressWarnings("unchecked")
  public S setFeaturesCol(String v) {
    return (S) set(featuresCol, v);
  }

  @SuppressWarnings("unchecked")
  public S setInputCols(String[] v) {
    return (S) set(inputCols, v);
  }

  @SuppressWarnings("unchecked")
  public S setIdCol(String v) {
    return (S) set(idCol, v);
  }

  /** {@code out} reading its rows from this estimator's columns, with this estimator as its parent. */
  protected MarginalDensityModel withRowColumns(MarginalDensityModel out) {
    return out.setFeaturesCol($(featuresCol)).setInputCols($(inputCols)).setIdCol($(idCol)).setParent(this);
  }
}
