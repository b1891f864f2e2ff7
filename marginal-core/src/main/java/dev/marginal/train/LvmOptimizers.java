package dev.marginal.train;

import dev.marginal.autodiff.Parameter;
import dev.marginal.models.DeepLvm;
import dev.marginal.optim.Adam;
import dev.marginal.optim.GradientClipping;
import dev.marginal.optim.LearningRate;
import java.util.List;
import java.util.Map;

/**
 * The decoder's (θ) and encoder's (φ) Adam optimizers of a density-estimation run, with the global-norm clipping
 * each applies to its own gradients first.
 */
final class LvmOptimizers {
  final List<Parameter> decoderParams;
  final List<Parameter> encoderParams;
  final Adam decoder;
  final Adam encoder;
  private final double clipNorm;

  LvmOptimizers(DeepLvm model, LearningRate rate, double clipNorm) {
    this.decoderParams = model.decoderParameters();
    this.encoderParams = model.encoderParameters();
    this.decoder = new Adam(decoderParams, rate);
    this.encoder = new Adam(encoderParams, rate);
    this.clipNorm = clipNorm;
  }

  /** The clipping bound (0 = none). */
  double clipNorm() {
    return clipNorm;
  }

  /** Clips the decoder's gradients (when clipping) and steps its optimizer only. */
  void stepDecoder() {
    if (clipNorm > 0) {
      GradientClipping.clipByGlobalNormInPlace(decoderParams, clipNorm);
    }
    decoder.step();
  }

  /** Clips both gradient sets (when clipping) and steps both optimizers. */
  void stepBoth() {
    if (clipNorm > 0) {
      GradientClipping.clipByGlobalNormInPlace(decoderParams, clipNorm);
      GradientClipping.clipByGlobalNormInPlace(encoderParams, clipNorm);
    }
    Adam.stepTogether(decoder, encoder);
  }

  void restore(Map<String, float[]> decoderState, Map<String, float[]> encoderState) {
    decoder.restore(decoderState);
    encoder.restore(encoderState);
  }
}
