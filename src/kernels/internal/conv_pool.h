#pragma once
// Shared by AVERAGE_POOL_2D and MAX_POOL_2D: option checks, output size, the
// window walk and Eval. A window covers the filter positions inside the input
// (padding is never read, as in TFLite).
#include <algorithm>
#include <memory>
#include <type_traits>
#include <vector>

#include "graph/dtype.h"
#include "interpreter/kernel.h"
#include "kernels/internal/activation.h"
#include "kernels/internal/conv_util.h"
#include "kernels/internal/quant_math.h"

namespace tfd::conv {

struct PoolState : KernelState {
  int batches = 0, in_h = 0, in_w = 0, channels = 0;
  int out_h = 0, out_w = 0;
  int filter_h = 0, filter_w = 0, stride_h = 1, stride_w = 1;
  Window window;
  FloatRange float_range;
  QuantRange quant_range;
  // Per-channel running sums or maxima of the current window.
  std::vector<int64_t> acc_int;
  std::vector<float> acc_float;
};

// Checks the pool's tensors (input NHWC of float32, uint8, int8 or int16; the
// same type out) and computes the window and activation range.
inline std::unique_ptr<PoolState> PreparePool(KernelContext& ctx) {
  ctx.CheckArity(1, 1, 1);
  const RuntimeTensor& input = ctx.input(0);
  const RuntimeTensor& output = ctx.output(0);
  if (input.rank() != 4) ctx.Fail("input must be 4-D (NHWC), has shape {}", ShapeString(input.shape));
  RequireOutputTypeOfInput(ctx, input, output);
  const auto options = ctx.options_or_default<tflite::Pool2DOptionsT>();
  auto s = std::make_unique<PoolState>();
  s->batches = input.dim(0);
  s->in_h = input.dim(1);
  s->in_w = input.dim(2);
  s->channels = input.dim(3);
  s->filter_h = options.filter_height;
  s->filter_w = options.filter_width;
  s->stride_h = options.stride_h;
  s->stride_w = options.stride_w;
  s->window = ComputeWindow(ctx, options.padding, s->stride_h, s->stride_w, 1, 1, s->in_h, s->in_w, s->filter_h,
                            s->filter_w);
  s->out_h = s->window.out_height;
  s->out_w = s->window.out_width;
  const Activation act = options.fused_activation_function;
  switch (input.dtype) {
    case DType::FLOAT32: s->float_range = FloatActivationRange(ctx, act); break;
    case DType::INT16:
      if (input.zero_point() != 0 || output.zero_point() != 0)
        ctx.Fail("int16 pooling needs zero points of 0 (input {}, output {})", input.zero_point(),
                 output.zero_point());
      [[fallthrough]];
    case DType::UINT8:
    case DType::INT8:
      RequireQuantized(ctx, input, "input");
      RequireQuantized(ctx, output, "output");
      s->quant_range = QuantActivationRange(ctx, act, output);
      break;
    default: ctx.Fail("unsupported type {} (float32, uint8, int8, int16)", DTypeName(input.dtype));
  }
  s->acc_int.resize(static_cast<size_t>(s->channels));
  s->acc_float.resize(static_cast<size_t>(s->channels));
  ctx.ResizeOutput(0, {s->batches, s->out_h, s->out_w, s->channels});
  return s;
}

// For each output position: start(), then visit(input_pixel_offset) for every
// filter position inside the input, then finish(output_offset, count).
template <typename Start, typename Visit, typename Finish>
void ForEachWindow(const PoolState& s, Start&& start, Visit&& visit, Finish&& finish) {
  for (int b = 0; b < s.batches; ++b)
    for (int oy = 0; oy < s.out_h; ++oy) {
      const int iy0 = oy * s.stride_h - s.window.pad_height;
      const int fy_begin = std::max(0, -iy0), fy_end = std::min(s.filter_h, s.in_h - iy0);
      for (int ox = 0; ox < s.out_w; ++ox) {
        const int ix0 = ox * s.stride_w - s.window.pad_width;
        const int fx_begin = std::max(0, -ix0), fx_end = std::min(s.filter_w, s.in_w - ix0);
        start();
        int count = 0;
        for (int fy = fy_begin; fy < fy_end; ++fy)
          for (int fx = fx_begin; fx < fx_end; ++fx, ++count)
            visit(((static_cast<int64_t>(b) * s.in_h + iy0 + fy) * s.in_w + ix0 + fx) * s.channels);
        finish(((static_cast<int64_t>(b) * s.out_h + oy) * s.out_w + ox) * s.channels, count);
      }
    }
}

// What a pool accumulates a window in: float for float32, int64 for the
// quantized types (read raw: input and output share their quantization).
template <typename T>
using PoolAcc = std::conditional_t<std::is_same_v<T, float>, float, int64_t>;

// Runs a pool whose window reduction `Pool` gives (per channel):
//   template <typename T> static PoolAcc<T> Start()         before the first value
//   template <typename T> static PoolAcc<T> Add(PoolAcc<T>, T value)
//   static void CheckCount(const KernelContext&, int count)  once per window
//   template <typename T> static PoolAcc<T> Result(PoolAcc<T>, int count)
// The result then takes the fused activation: clamped to the float range, or
// narrowed to int32 and clamped to the quantized range.
template <typename Pool, typename T>
void EvalPoolAs(KernelContext& ctx, PoolState& s, PoolAcc<T>* acc) {
  const T* in = ctx.input(0).As<T>();
  T* out = ctx.output(0).As<T>();
  const int channels = s.channels;
  ForEachWindow(
      s, [&] { std::fill(acc, acc + channels, Pool::template Start<T>()); },
      [&](int64_t pixel) {
        for (int c = 0; c < channels; ++c) acc[c] = Pool::template Add<T>(acc[c], in[pixel + c]);
      },
      [&](int64_t at, int count) {
        Pool::CheckCount(ctx, count);
        for (int c = 0; c < channels; ++c) {
          if constexpr (std::is_same_v<T, float>) {
            out[at + c] = s.float_range.Apply(Pool::template Result<T>(acc[c], count));
          } else {
            out[at + c] = qmath::Clamp<T>(static_cast<int32_t>(Pool::template Result<T>(acc[c], count)),
                                          s.quant_range.min, s.quant_range.max);
          }
        }
      });
}

template <typename Pool>
void EvalPool(KernelContext& ctx) {
  auto& s = ctx.state_as<PoolState>();
  switch (ctx.input(0).dtype) {
    case DType::FLOAT32: return EvalPoolAs<Pool, float>(ctx, s, s.acc_float.data());
    case DType::UINT8: return EvalPoolAs<Pool, uint8_t>(ctx, s, s.acc_int.data());
    case DType::INT8: return EvalPoolAs<Pool, int8_t>(ctx, s, s.acc_int.data());
    case DType::INT16: return EvalPoolAs<Pool, int16_t>(ctx, s, s.acc_int.data());
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.input(0).dtype));
  }
}

}  // namespace tfd::conv
