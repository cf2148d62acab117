#pragma once
// The scatter loop of a transposed convolution (TRANSPOSE_CONV and MediaPipe's
// Convolution2DTransposeBias): every input pixel adds input . weights[oc, fy,
// fx, :] into output (y * stride - pad + fy, x * stride - pad + fx, oc) where
// that lies inside the output. Weights are OHWI.
#include <cstdint>

#include "kernels/internal/conv_util.h"

namespace tfd::conv {

struct TransposeGeometry {
  int batches = 0, in_h = 0, in_w = 0, in_c = 0;
  int out_h = 0, out_w = 0, out_c = 0;
  int filter_h = 0, filter_w = 0;
  int stride_h = 1, stride_w = 1;
  int pad_h = 0, pad_w = 0;
};

// out (NHWC, already initialized) += transposed convolution of input.
// Dot(x, w, n) returns the partial sum over input channels; Acc is the output
// accumulator type.
template <typename In, typename W, typename Acc, typename Dot>
void TransposeConvAccumulate(const TransposeGeometry& g, const In* input, const W* weights, Acc* out, Dot&& dot) {
  const int64_t weight_row = static_cast<int64_t>(g.filter_h) * g.filter_w * g.in_c;
  for (int b = 0; b < g.batches; ++b)
    for (int iy = 0; iy < g.in_h; ++iy)
      for (int ix = 0; ix < g.in_w; ++ix) {
        const In* x = input + ((static_cast<int64_t>(b) * g.in_h + iy) * g.in_w + ix) * g.in_c;
        const int oy0 = iy * g.stride_h - g.pad_h;
        const int ox0 = ix * g.stride_w - g.pad_w;
        for (int fy = 0; fy < g.filter_h; ++fy) {
          const int oy = oy0 + fy;
          if (oy < 0 || oy >= g.out_h) continue;
          for (int fx = 0; fx < g.filter_w; ++fx) {
            const int ox = ox0 + fx;
            if (ox < 0 || ox >= g.out_w) continue;
            Acc* o = out + ((static_cast<int64_t>(b) * g.out_h + oy) * g.out_w + ox) * g.out_c;
            const W* w = weights + (static_cast<int64_t>(fy) * g.filter_w + fx) * g.in_c;
            for (int oc = 0; oc < g.out_c; ++oc) o[oc] += dot(x, w + oc * weight_row, g.in_c);
          }
        }
      }
}

}  // namespace tfd::conv
