#pragma once
// Sample-rate conversion by band-limited (windowed-sinc) interpolation.
#include <cstdint>
#include <vector>

namespace tfd {

// `in` at `from_hz` as samples at `to_hz`: each output sample is the sum of
// the input around its time weighted by a Blackman-windowed sinc whose
// cut-off is the lower rate's Nyquist frequency (no aliasing when going
// down). Equal rates return the input unchanged.
std::vector<float> Resample(const std::vector<float>& in, uint32_t from_hz, uint32_t to_hz);

}  // namespace tfd
