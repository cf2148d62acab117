#pragma once
// Cross-layer equalization (Nagel et al., "Data-Free Quantization Through
// Weight Equalization and Bias Correction", 2019): for two consecutive
// convolutions A -> B (CONV_2D or DEPTHWISE_CONV_2D, A's output read by B
// alone), output channel c of A is divided by s_c and input channel c of B
// multiplied by it, which leaves the float function unchanged through a
// ReLU (positive scaling commutes with max(x, 0)) while moving the
// channels' weight ranges toward each other: s_c = sqrt(r1_c / r2_c) makes
// A's channel range r1_c / s_c equal B's r2_c * s_c. Per-tensor weights
// then lose far less of their small channels (depthwise layers' channel
// ranges spread over two to three orders of magnitude in MobileNet).
//
// ReLU6 does not commute with scaling: min(max(x, 0), 6) / s clips at 6 / s.
// The literature replaces ReLU6 by ReLU before equalizing, which changes the
// model; here instead the calibration data decides per channel: a channel
// whose calibrated max came within half of the clip (max_c >= 3) keeps
// s = 1, and one that stayed below may be scaled down freely and up only
// while its calibrated max stays below 3 (s >= max_c / 3), so that the clip
// engages neither on the calibration data nor on inputs driving a channel up
// to twice what calibration saw: the model's function is unchanged there.
// Beyond that, the clip of a channel scaled by s falls at 6 * s instead of 6.
#include <cstddef>

#include "graph/model.h"
#include "quantize/calibration.h"

namespace tfd::quantize {

struct EqualizeSummary {
  size_t pairs = 0;           // A -> B pairs equalized
  size_t held_channels = 0;   // channels left unscaled: A's ReLU6 output came within half of its clip
  size_t bounded_channels = 0;  // channels whose scale the ReLU6 bound limited
  size_t sweeps = 0;          // passes over the pairs until the scales settled
};

// `model`: a folded float model (float32 constant weights); `calibration`:
// from running it (per-channel maxima of every activation). The model
// returned computes the same function on the calibration data.
Model EqualizeCrossLayer(const Model& model, const Calibration& calibration, EqualizeSummary* summary = nullptr);

}  // namespace tfd::quantize
