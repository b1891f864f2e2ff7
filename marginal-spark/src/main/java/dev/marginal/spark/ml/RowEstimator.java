package dev.marginal.spark.ml;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * What every marginal estimator shares: its uid and the three parameters that say where the rows' features and ids
 * are ({@code featuresCol}, or {@code inputCols} instead; {@code idCol}), with their setters typed as the estimator
 * itself, and the hand-over of those columns to the fitted {@link MarginalDensityModel}. The estimators' numeric and
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
    setDefault(idCol, "id");
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
