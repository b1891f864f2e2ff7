package dev.marginal.density;

import dev.marginal.data.Dataset;
import dev.marginal.random.RngKey;

/**
 * A density model with continuous latents z ~ N(0, I) and a decoder p(x | z): probabilistic PCA
 * ({@link PpcaDensityModel}) and the deep LVM ({@link LvmDensityModel}). Beside drawing x, it gives the mean of
 * p(x | z) for codes of its own choosing ({@link #decode}) or for draws of the prior ({@link #sampleMeans}): the
 * reconstructions of encoded rows, the decoder's pictures without the observation noise (a Bernoulli decoder's
 * pixel probabilities rather than binary draws).
 *
 * <p>The mean is taken where the decoder works and mapped into the data's space as a draw would be: through the
 * standardization the model was fitted with (an affine map, so the mean stays the mean), and for a model of data
 * on a bounded or positive support through its transform too. A transform is not affine, so there the value is the
 * transform of the decoder's mean (its image in the data's space), not the mean of x given z.
 */
public interface LatentDecoder extends DensityModel {
  /** The number q of latent dimensions, the width of a code. */
  int latentDim();

  /**
   * The mean of p(x | z) for each row of {@code codes}, in the data's space (see the class comment), with
   * {@link #columns()} as its columns. The codes are the columns {@code z0 .. z(q−1)} of {@code codes} when it has
   * them all, by name (so {@link #encode} output, with its {@code var_z} columns, decodes as it is: to the
   * reconstructions of the encoded rows' posterior means); otherwise {@code codes} must have exactly q columns,
   * taken in order.
   *
   * @throws dev.marginal.data.DataException if the codes have neither the named nor q columns, hold a NaN or an
   *     infinity (naming the row and column), or decode to a value beyond a float (naming the row, by file and line
   *     where it has them)
   */
  Dataset decode(Dataset codes);

  /**
   * {@code n} draws z ~ N(0, I), each decoded to the mean of p(x | z) as {@link #decode} does: row i is the mean of
   * the distribution that row i of {@code sample(key, n)} is drawn from, the same z.
   *
   * @throws dev.marginal.config.ParameterException for {@code n} below 0 or too large to hold
   * @throws dev.marginal.data.DataException if a mean lies beyond a float (naming the draw and column)
   */
  Dataset sampleMeans(RngKey key, int n);
}
