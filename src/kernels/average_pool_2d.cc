// AVERAGE_POOL_2D: the mean of each window over the positions inside the
// input (padding is not counted), SAME/VALID padding, strides, fused
// activation. float32; uint8, int8, int16 with TFLite's integer rounding
// (uint8: (sum + n/2) / n; int8/int16: half away from zero), on the raw
// quantized values (input and output share their quantization). Runs as in
// kernels/internal/conv_pool.h.
//
// xnnpack flavor (float32): the nodes TFLite's XNNPACK delegate takes, with
// XNNPACK's arithmetic: a 1x1 filter is a clamp (a copy); a window covering
// the whole (padded) input is its global average pooling (xnn::GlobalSumF32
// times 1 / (height * width)); any other window sums its taps in XNNPACK's
// order (xnn::AvgPoolSumF32) and multiplies by 1.0f / count, count the taps
// inside the input; then the fused activation as XNNPACK's clamp.
#include <algorithm>
#include <type_traits>
#include <vector>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/conv_pool.h"
#include "kernels/internal/xnnpack_f32.h"

namespace tfd {
namespace {

struct Average {
  template <typename T>
  static conv::PoolAcc<T> Start() {
    return 0;
  }
  template <typename T>
  static conv::PoolAcc<T> Add(conv::PoolAcc<T> sum, T value) {
    return sum + value;
  }
  static void CheckCount(const KernelContext& ctx, int count) {
    if (count == 0) ctx.Fail("a pooling window lies entirely outside the input");
  }
  template <typename T>
  static conv::PoolAcc<T> Result(conv::PoolAcc<T> sum, int count) {
    if constexpr (std::is_same_v<T, float>) {
      return sum / static_cast<float>(count);
    } else if constexpr (std::is_same_v<T, uint8_t>) {
      return (sum + count / 2) / count;
    } else {
      return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
    }
  }
};

void Prepare(KernelContext& ctx) { ctx.state = conv::PreparePool(ctx); }
void Eval(KernelContext& ctx) { conv::EvalPool<Average>(ctx); }

// ---- xnnpack flavor ----

// The delegate's VisitAveragePool2DNode: float32 in and out, positive
// strides and filter sizes, neither stride above its filter size, SAME or
// VALID padding, an activation XNNPACK clamps to.
bool XnnpackAccepts(const KernelContext& ctx) {
  if (ctx.inputs.size() != 1 || ctx.outputs.size() != 1) return false;
  const RuntimeTensor* in = ctx.inputs[0];
  const RuntimeTensor* out = ctx.outputs[0];
  if (in == nullptr || out == nullptr || in->dtype != DType::FLOAT32 || out->dtype != DType::FLOAT32) return false;
  if (in->rank() != 4) return false;
  const auto o = ctx.options_or_default<tflite::Pool2DOptionsT>();
  if (o.stride_h <= 0 || o.stride_w <= 0 || o.filter_height <= 0 || o.filter_width <= 0) return false;
  // A stride beyond the filter (which includes a 1x1 filter with a stride)
  // is refused (XNNPACK's pooling requires stride <= pooling size).
  if (o.stride_h > o.filter_height || o.stride_w > o.filter_width) return false;
  if (o.padding != tflite::Padding::SAME && o.padding != tflite::Padding::VALID) return false;
  xnn::F32Clamp clamp;
  return xnn::F32ActivationClamp(o.fused_activation_function, &clamp);
}

struct XnnpackState : conv::PoolState {
  xnn::F32Clamp clamp;
};

void XnnpackPrepare(KernelContext& ctx) {
  std::unique_ptr<conv::PoolState> base = conv::PreparePool(ctx);
  auto s = std::make_unique<XnnpackState>();
  static_cast<conv::PoolState&>(*s) = std::move(*base);
  xnn::F32ActivationClamp(ctx.options_or_default<tflite::Pool2DOptionsT>().fused_activation_function, &s->clamp);
  ctx.state = std::move(s);
}

void EvalXnnpack(KernelContext& ctx) {
  const auto& s = ctx.state_as<XnnpackState>();
  const float* in = ctx.input(0).As<float>();
  float* out = ctx.output(0).As<float>();
  const int C = s.channels;
  const int64_t in_image = static_cast<int64_t>(s.in_h) * s.in_w * C;
  const int64_t out_image = static_cast<int64_t>(s.out_h) * s.out_w * C;
  if (s.filter_h == 1 && s.filter_w == 1) {
    for (int64_t i = 0; i < s.batches * out_image; ++i) out[i] = s.clamp.Apply(in[i]);
    return;
  }
  // XNNPACK's padded input: TFLite's padding before, the rest of the total after.
  const int padded_h = std::max((s.out_h - 1) * s.stride_h + s.filter_h, s.in_h);
  const int padded_w = std::max((s.out_w - 1) * s.stride_w + s.filter_w, s.in_w);
  const bool global = padded_h == s.filter_h && padded_w == s.filter_w;
  std::vector<float> taps(static_cast<size_t>(s.filter_h) * static_cast<size_t>(s.filter_w));
  for (int b = 0; b < s.batches; ++b, in += in_image, out += out_image) {
    if (global) {
      const int64_t pixels = static_cast<int64_t>(s.in_h) * s.in_w;
      const float scale = 1.0f / static_cast<float>(static_cast<int32_t>(pixels));
      for (int c = 0; c < C; ++c) out[c] = s.clamp.Apply(xnn::GlobalSumF32(in + c, pixels, C) * scale);
      continue;
    }
    for (int oy = 0; oy < s.out_h; ++oy) {
      const int iy0 = oy * s.stride_h - s.window.pad_height;
      const int rows = std::min(iy0 + s.filter_h, s.in_h) - std::max(iy0, 0);
      for (int ox = 0; ox < s.out_w; ++ox) {
        const int ix0 = ox * s.stride_w - s.window.pad_width;
        const int cols = std::min(ix0 + s.filter_w, s.in_w) - std::max(ix0, 0);
        const float multiplier = 1.0f / static_cast<float>(rows * cols);
        float* o = out + (static_cast<int64_t>(oy) * s.out_w + ox) * C;
        for (int c = 0; c < C; ++c) {
          size_t k = 0;
          for (int fx = 0; fx < s.filter_w; ++fx)
            for (int fy = 0; fy < s.filter_h; ++fy) {
              const int iy = iy0 + fy, ix = ix0 + fx;
              const bool inside = iy >= 0 && iy < s.in_h && ix >= 0 && ix < s.in_w;
              taps[k++] = inside ? in[(static_cast<int64_t>(iy) * s.in_w + ix) * C + c] : 0.0f;
            }
          o[c] = s.clamp.Apply(xnn::AvgPoolSumF32(taps.data(), static_cast<int64_t>(taps.size())) * multiplier);
        }
      }
    }
  }
}

}  // namespace

TFD_REGISTER_KERNEL(AVERAGE_POOL_2D, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(AVERAGE_POOL_2D, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(AVERAGE_POOL_2D, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(AVERAGE_POOL_2D, DType::INT16, Prepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(AVERAGE_POOL_2D, DType::FLOAT32, XnnpackAccepts, XnnpackPrepare, EvalXnnpack);

}  // namespace tfd
