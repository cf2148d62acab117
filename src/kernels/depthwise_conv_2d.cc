// DEPTHWISE_CONV_2D: each input channel convolved with its own
// depth_multiplier filters (filter [1, H, W, in_channels * multiplier],
// output channel = in_channel * multiplier + m); SAME/VALID padding, strides,
// dilation, fused activation.
//
// float32; uint8 (per-tensor weights with a zero point); int8 (per-channel
// symmetric weights, int32 bias); int16 activations with int8 weights (int64
// bias); hybrid: float input with int8 per-channel weights, the input
// quantized asymmetrically per batch as TFLite's EvalHybridPerChannel.
//
// xnnpack flavor (float32, uint8, int8): the nodes TFLite's XNNPACK delegate
// takes, with XNNPACK's float requantization (kernels/internal/xnnpack.h) or
// its float32 summation order (kernels/internal/xnnpack_f32.h).
#include "graph/dtype.h"
#include "interpreter/kernel_registry.h"
#include "kernels/internal/activation.h"
#include "kernels/internal/conv_util.h"
#include "kernels/internal/fast8.h"
#include "kernels/internal/fast_f32.h"
#include "kernels/internal/xnnpack.h"
#include "util/thread_pool.h"
#include "kernels/internal/xnnpack_f32.h"

namespace tfd {
namespace {

enum class Kind { kFloat, kUint8, kInt8, kInt16, kHybrid };

// Sizes, quantization, xnnpack and hybrid state: see conv::Conv2DState.
struct DepthwiseState : conv::Conv2DState {
  Kind kind = Kind::kFloat;
  int multiplier = 1;
  // xnnpack flavor, float32: `zeros` stands in for a pixel outside the input
  // (XNNPACK still adds its products).
  std::vector<float> zeros;
  // Per output position: the input pixel's channels widened (each repeated
  // `multiplier` times) and the accumulators of every output channel.
  std::vector<int16_t> pixel16;
  std::vector<int32_t> acc32;
  std::vector<int64_t> acc64;
  std::vector<float> accf;
  // Fast 8-bit path (multiplier 1): weights widened once.
  std::unique_ptr<fast8::Depthwise> fast;
  // Fast float32 path (multiplier 1): taps in the exact kernel's order.
  bool fastf = false;
  fast8::Isa isa = fast8::Isa::kPortable;
};

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 3, 1);
  const RuntimeTensor& input = ctx.input(0);
  const RuntimeTensor& filter = ctx.input(1);
  const RuntimeTensor* bias = ctx.optional_input(2);
  const RuntimeTensor& output = ctx.output(0);
  if (input.rank() != 4) ctx.Fail("input must be 4-D (NHWC), has shape {}", ShapeString(input.shape));
  if (filter.rank() != 4 || filter.dim(0) != 1)
    ctx.Fail("filter must be [1, H, W, channels], has shape {}", ShapeString(filter.shape));
  const auto options = ctx.options_or_default<tflite::DepthwiseConv2DOptionsT>();
  auto s = std::make_unique<DepthwiseState>();
  conv::ReadInputSizes(input, *s);
  s->filter_h = filter.dim(1);
  s->filter_w = filter.dim(2);
  s->out_c = filter.dim(3);
  // TFLite derives the multiplier from the shapes (the option is redundant).
  if (s->in_c <= 0 || s->out_c % s->in_c != 0)
    ctx.Fail("filter channels ({}) must be a multiple of the input channels ({})", s->out_c, s->in_c);
  s->multiplier = s->out_c / s->in_c;
  conv::ComputeConv2DWindow(ctx, options, *s);
  conv::RequireBiasPerChannel(ctx, bias, s->out_c);
  conv::RequireOutputTypeOfInput(ctx, input, output);
  const Activation act = options.fused_activation_function;
  switch (input.dtype) {
    case DType::FLOAT32:
      s->float_range = FloatActivationRange(ctx, act);
      conv::RequireBiasType(ctx, input, bias, DType::FLOAT32);
      if (filter.dtype == DType::FLOAT32) {
        s->kind = Kind::kFloat;
      } else if (filter.dtype == DType::INT8) {
        // TFLite's hybrid depthwise is per-channel only: one scale per channel.
        conv::RequireQuantized(ctx, filter, "hybrid filter");
        if (static_cast<int>(filter.quant()->scale.size()) != s->out_c)
          ctx.Fail("hybrid depthwise needs one filter scale per output channel ({}), has {}", s->out_c,
                   filter.quant()->scale.size());
        s->channel_scales = conv::FilterScales(ctx, filter, s->out_c, 3, "hybrid filter");
        conv::RequireZeroPoints(ctx, filter, "hybrid int8 filter");
        s->kind = Kind::kHybrid;
        conv::PrepareHybridInput(input, *s);
      } else {
        ctx.Fail("float32 input with {} filter is not supported (float32, or int8 for hybrid)",
                 DTypeName(filter.dtype));
      }
      break;
    case DType::UINT8:
      conv::PrepareUint8(ctx, input, filter, bias, output, act, *s);
      s->kind = Kind::kUint8;
      break;
    case DType::INT8:
    case DType::INT16:
      if (filter.dtype != DType::INT8)
        ctx.Fail("{} input needs an int8 filter, got {}", DTypeName(input.dtype), DTypeName(filter.dtype));
      conv::RequireQuantized(ctx, input, "input");
      conv::RequireQuantized(ctx, output, "output");
      s->requant = conv::PerChannelRequant(ctx, input, filter, output, s->out_c, 3);
      s->quant_range = QuantActivationRange(ctx, act, output);
      if (input.dtype == DType::INT8) {
        conv::RequireBiasType(ctx, input, bias, DType::INT32);
        s->kind = Kind::kInt8;
        s->input_offset = -input.zero_point();
        s->output_offset = output.zero_point();
      } else {
        conv::RequireBiasType(ctx, input, bias, DType::INT64);
        conv::RequireInt16ZeroPoints(ctx, input, output);
        s->kind = Kind::kInt16;
      }
      break;
    default:
      ctx.Fail("unsupported input type {} (float32, uint8, int8, int16)", DTypeName(input.dtype));
  }
  s->pixel16.resize(static_cast<size_t>(s->out_c));
  if (s->kind == Kind::kInt16) {
    s->acc64.resize(static_cast<size_t>(s->out_c));
  } else if (s->kind == Kind::kFloat) {
    s->accf.resize(static_cast<size_t>(s->out_c));
  } else {
    s->acc32.resize(static_cast<size_t>(s->out_c));
  }
  ctx.ResizeOutput(0, {s->batches, s->out_h, s->out_w, s->out_c});
  ctx.state = std::move(s);
}

// For every output position, visits the taps inside the input:
// tap(input_pixel_offset, filter_tap_index, batch) then finish(out_offset, batch).
// Taps outside the input are skipped, as in TFLite.
template <typename Tap, typename Finish>
void ForEachOutput(const DepthwiseState& s, Tap&& tap, Finish&& finish) {
  for (int b = 0; b < s.batches; ++b)
    for (int oy = 0; oy < s.out_h; ++oy)
      for (int ox = 0; ox < s.out_w; ++ox) {
        const int iy0 = oy * s.stride_h - s.window.pad_height;
        const int ix0 = ox * s.stride_w - s.window.pad_width;
        for (int fy = 0; fy < s.filter_h; ++fy) {
          const int iy = iy0 + fy * s.dilation_h;
          if (iy < 0 || iy >= s.in_h) continue;
          for (int fx = 0; fx < s.filter_w; ++fx) {
            const int ix = ix0 + fx * s.dilation_w;
            if (ix < 0 || ix >= s.in_w) continue;
            tap(((static_cast<int64_t>(b) * s.in_h + iy) * s.in_w + ix) * s.in_c, fy * s.filter_w + fx, b);
          }
        }
        finish(((static_cast<int64_t>(b) * s.out_h + oy) * s.out_w + ox) * s.out_c, b);
      }
}

// The input pixel's channels, each repeated `multiplier` times, plus offset.
template <typename T>
void WidenPixel(const DepthwiseState& s, const T* pixel, int32_t offset, int16_t* out) {
  if (s.multiplier == 1) {
    for (int c = 0; c < s.in_c; ++c) out[c] = static_cast<int16_t>(pixel[c] + offset);
    return;
  }
  for (int c = 0; c < s.in_c; ++c) {
    const int16_t v = static_cast<int16_t>(pixel[c] + offset);
    for (int m = 0; m < s.multiplier; ++m) out[c * s.multiplier + m] = v;
  }
}

void EvalFloat(KernelContext& ctx, DepthwiseState& s) {
  const float* input = ctx.input(0).As<float>();
  const float* filter = ctx.input(1).As<float>();
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  const float* bias = bias_t ? bias_t->As<float>() : nullptr;
  float* out = ctx.output(0).As<float>();
  float* acc = s.accf.data();
  const int mult = s.multiplier;
  std::fill(acc, acc + s.out_c, 0.0f);
  ForEachOutput(
      s,
      [&](int64_t pixel, int tap, int) {
        const float* x = input + pixel;
        const float* f = filter + static_cast<int64_t>(tap) * s.out_c;
        if (mult == 1) {
          conv::MulAccF(acc, x, f, s.in_c);
          return;
        }
        for (int c = 0; c < s.in_c; ++c)
          for (int m = 0; m < mult; ++m) acc[c * mult + m] += x[c] * f[c * mult + m];
      },
      [&](int64_t at, int) {
        for (int oc = 0; oc < s.out_c; ++oc) {
          out[at + oc] = s.float_range.Apply(acc[oc] + (bias ? bias[oc] : 0.0f));
          acc[oc] = 0.0f;
        }
      });
}

// XNNPACK: accumulators start at the bias; every tap of the window adds its
// products (a padded tap reads zeros). With multiplier 1 and a window of 3, 4,
// 9 or 25 taps (its single-pass DWCONV sizes) the node runs XNNPACK's DWCONV,
// whose packed taps go column by column (x outer); otherwise it is a grouped
// IGEMM, taps row by row (7x7 measured against the runtime so).
void EvalFloatXnnpack(KernelContext& ctx, DepthwiseState& s) {
  const float* input = ctx.input(0).As<float>();
  const float* filter = ctx.input(1).As<float>();
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  const float* bias = bias_t ? bias_t->As<float>() : nullptr;
  float* out = ctx.output(0).As<float>();
  float* acc = s.accf.data();
  const int taps = s.filter_h * s.filter_w;
  const bool columns_first = s.multiplier == 1 && (taps == 3 || taps == 4 || taps == 9 || taps == 25);
  for (int b = 0; b < s.batches; ++b)
    for (int oy = 0; oy < s.out_h; ++oy)
      for (int ox = 0; ox < s.out_w; ++ox) {
        const int iy0 = oy * s.stride_h - s.window.pad_height;
        const int ix0 = ox * s.stride_w - s.window.pad_width;
        for (int oc = 0; oc < s.out_c; ++oc) acc[oc] = bias ? bias[oc] : 0.0f;
        auto tap = [&](int fy, int fx) {
          const int iy = iy0 + fy * s.dilation_h;
          const int ix = ix0 + fx * s.dilation_w;
          const bool inside = iy >= 0 && iy < s.in_h && ix >= 0 && ix < s.in_w;
          const float* x =
              inside ? input + ((static_cast<int64_t>(b) * s.in_h + iy) * s.in_w + ix) * s.in_c : s.zeros.data();
          xnn::MulAddChannelsF32(acc, x, filter + static_cast<int64_t>(fy * s.filter_w + fx) * s.out_c, s.in_c,
                                 s.multiplier);
        };
        if (columns_first) {
          for (int fx = 0; fx < s.filter_w; ++fx)
            for (int fy = 0; fy < s.filter_h; ++fy) tap(fy, fx);
        } else {
          for (int fy = 0; fy < s.filter_h; ++fy)
            for (int fx = 0; fx < s.filter_w; ++fx) tap(fy, fx);
        }
        float* o = out + ((static_cast<int64_t>(b) * s.out_h + oy) * s.out_w + ox) * s.out_c;
        for (int oc = 0; oc < s.out_c; ++oc) o[oc] = s.xnn_clamp.Apply(acc[oc]);
      }
}

template <typename T, bool kXnnpack>
void EvalQuantized8(KernelContext& ctx, DepthwiseState& s) {
  const T* input = ctx.input(0).As<T>();
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  const int32_t* bias = bias_t ? bias_t->As<int32_t>() : nullptr;
  T* out = ctx.output(0).As<T>();
  int32_t* acc = s.acc32.data();
  std::fill(acc, acc + s.out_c, 0);
  ForEachOutput(
      s,
      [&](int64_t pixel, int tap, int) {
        WidenPixel(s, input + pixel, s.input_offset, s.pixel16.data());
        conv::MulAccI16(acc, s.pixel16.data(), s.filter16.data() + static_cast<int64_t>(tap) * s.out_c, s.out_c);
      },
      [&](int64_t at, int) {
        for (int oc = 0; oc < s.out_c; ++oc) {
          out[at + oc] = s.Requantize8<T, kXnnpack>(conv::AddBias(acc[oc], bias ? bias[oc] : 0), oc);
          acc[oc] = 0;
        }
      });
}

void EvalInt16(KernelContext& ctx, DepthwiseState& s) {
  const int16_t* input = ctx.input(0).As<int16_t>();
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  const int64_t* bias = bias_t ? bias_t->As<int64_t>() : nullptr;
  int16_t* out = ctx.output(0).As<int16_t>();
  int64_t* acc = s.acc64.data();
  std::fill(acc, acc + s.out_c, 0);
  ForEachOutput(
      s,
      [&](int64_t pixel, int tap, int) {
        WidenPixel(s, input + pixel, 0, s.pixel16.data());
        conv::MulAccI16Wide(acc, s.pixel16.data(), s.filter16.data() + static_cast<int64_t>(tap) * s.out_c,
                            s.out_c);
      },
      [&](int64_t at, int) {
        for (int oc = 0; oc < s.out_c; ++oc) {
          const int64_t v = conv::AddBias(static_cast<int64_t>(acc[oc]), bias ? bias[oc] : int64_t{0});
          out[at + oc] = conv::Requantize<int16_t>(v, s.requant, oc, 0, s.quant_range);
          acc[oc] = 0;
        }
      });
}

void EvalHybrid(KernelContext& ctx, DepthwiseState& s) {
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  const float* bias = bias_t ? bias_t->As<float>() : nullptr;
  float* out = ctx.output(0).As<float>();
  conv::QuantizeHybridInput(ctx.input(0), /*symmetric=*/false, s);
  const int8_t* q = s.quantized_input.data();
  int32_t* acc = s.acc32.data();
  std::fill(acc, acc + s.out_c, 0);
  ForEachOutput(
      s,
      [&](int64_t pixel, int tap, int b) {
        WidenPixel(s, q + pixel, -s.batch_zero_points[b], s.pixel16.data());
        conv::MulAccI16(acc, s.pixel16.data(), s.filter16.data() + static_cast<int64_t>(tap) * s.out_c, s.out_c);
      },
      [&](int64_t at, int b) {
        for (int oc = 0; oc < s.out_c; ++oc) {
          // As TFLite's optimized kernel (the one its runtime runs; its
          // reference kernel multiplies by the product of the two scales):
          // acc * input_scale * per_channel_scale, left to right. One ulp
          // here flips the next layer's on-the-fly quantization now and then,
          // and deep hybrid models drift by percents.
          float v = static_cast<float>(acc[oc]) * s.batch_scales[b] * s.channel_scales[oc];
          if (bias) v += bias[oc];
          out[at + oc] = s.float_range.Apply(v);
          acc[oc] = 0;
        }
      });
}

void Eval(KernelContext& ctx) {
  auto& s = ctx.state_as<DepthwiseState>();
  if (s.kind != Kind::kFloat) conv::UpdateFilter16(ctx.input(1), s);
  switch (s.kind) {
    case Kind::kFloat: return s.xnn_float ? EvalFloatXnnpack(ctx, s) : EvalFloat(ctx, s);
    case Kind::kUint8:
      return s.xnn_scale.empty() ? EvalQuantized8<uint8_t, false>(ctx, s) : EvalQuantized8<uint8_t, true>(ctx, s);
    case Kind::kInt8:
      return s.xnn_scale.empty() ? EvalQuantized8<int8_t, false>(ctx, s) : EvalQuantized8<int8_t, true>(ctx, s);
    case Kind::kInt16: return EvalInt16(ctx, s);
    case Kind::kHybrid: return EvalHybrid(ctx, s);
  }
}

// ---- xnnpack flavor ----

// The delegate's VisitDepthwiseConv2DNode: 4-D input and output of one type
// (float32 or 8-bit), constant weights of that type (int8 per-channel along
// dim 3, zero points 0), a constant bias (required: float32, or int32 for
// 8-bit), an activation XNNPACK can clamp and a depth multiplier that divides
// the output channels.
bool XnnpackAccepts(const KernelContext& ctx) {
  const auto o = ctx.options_or_default<tflite::DepthwiseConv2DOptionsT>();
  if (!xnn::AcceptsConvolution(ctx, {o.stride_h, o.stride_w, o.dilation_h_factor, o.dilation_w_factor,
                                     o.fused_activation_function, /*filter_channel_axis=*/3}))
    return false;
  return o.depth_multiplier > 0 && ctx.inputs[1]->dim(3) % o.depth_multiplier == 0;
}

void XnnpackPrepare(KernelContext& ctx) {
  Prepare(ctx);
  auto& s = ctx.state_as<DepthwiseState>();
  conv::PrepareXnnpack(ctx, ctx.options_or_default<tflite::DepthwiseConv2DOptionsT>().fused_activation_function,
                       s.kind == Kind::kFloat, s);
  if (s.kind == Kind::kFloat) s.zeros.assign(static_cast<size_t>(s.in_c), 0.0f);
}

// ---- fast 8-bit path (both profiles) ----

// The profile's Prepare, then the widened weights when the node is 8-bit
// with multiplier 1 and constant weights and bias.
template <void (*BasePrepare)(KernelContext&)>
void FastPrepare(KernelContext& ctx) {
  BasePrepare(ctx);
  auto& s = ctx.state_as<DepthwiseState>();
  const RuntimeTensor& filter = ctx.input(1);
  const RuntimeTensor* bias = ctx.optional_input(2);
  if (s.multiplier != 1) return;
  if (s.kind == Kind::kFloat) {
    s.fastf = true;
    s.isa = fast8::SelectIsa();
    if (s.xnn_float && s.zeros.empty()) s.zeros.assign(static_cast<size_t>(s.in_c), 0.0f);
    return;
  }
  if (s.kind != Kind::kUint8 && s.kind != Kind::kInt8) return;
  if (!filter.is_constant() || (bias != nullptr && !bias->is_constant())) return;
  if (!fast8::PaddingIsAByte(s.input_offset, s.kind == Kind::kInt8)) return;
  s.fast = std::make_unique<fast8::Depthwise>();
  s.fast->Prepare(filter.data, filter.dtype == DType::INT8, s.kind == Kind::kInt8,
                  bias ? bias->As<int32_t>() : nullptr, s.out_c, s.filter_h * s.filter_w, s.input_offset,
                  s.filter_offset, s, s.kind == Kind::kInt8);
}

// The taps ForEachOutput visits, the same sums (see fast8::Depthwise).
// Output rows (batch, y) per thread: about 100k multiply-adds each.
int64_t RowsPerChunk(const DepthwiseState& s) {
  const int64_t per_row = std::max<int64_t>(1, static_cast<int64_t>(s.out_w) * s.out_c * s.filter_h * s.filter_w);
  return std::max<int64_t>(1, 100000 / per_row);
}

// Float32, multiplier 1: EvalFloat's taps (inside the input, rows first,
// from 0, bias and clamp after) or EvalFloatXnnpack's (every tap, zeros
// outside, its column or row order, from the bias, its clamp). In a row
// whose filter rows are all inside the input, the pixels whose filter
// columns are too take one tap list for all (fastf32::DepthwiseInterior).
void FastEvalFloat(KernelContext& ctx, DepthwiseState& s) {
  const float* input = ctx.input(0).As<float>();
  const float* filter = ctx.input(1).As<float>();
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  const float* bias = bias_t ? bias_t->As<float>() : nullptr;
  float* out = ctx.output(0).As<float>();
  const int taps = s.filter_h * s.filter_w;
  const bool columns_first = s.xnn_float && (taps == 3 || taps == 4 || taps == 9 || taps == 25);
  const fastf32::Epilogue epilogue{s.xnn_float, s.xnn_float ? s.xnn_clamp.min : s.float_range.min,
                                   s.xnn_float ? s.xnn_clamp.max : s.float_range.max};
  const float* init = s.xnn_float ? bias : nullptr;
  const float* post = s.xnn_float ? nullptr : bias;
  const int C = s.out_c;
  // Pixels whose every filter column is inside: ox in [ox_lo, ox_hi).
  const int reach = (s.filter_w - 1) * s.dilation_w;
  const int ox_lo = std::min(s.out_w, (s.window.pad_width + s.stride_w - 1) / s.stride_w);
  const int last = s.in_w - 1 - reach + s.window.pad_width;
  const int ox_hi = std::max(ox_lo, std::min(s.out_w, last < 0 ? 0 : last / s.stride_w + 1));
  // The interior's taps in the profile's order: offsets from a pixel's
  // first tap, and weight rows.
  std::vector<int64_t> off;
  std::vector<const float*> wrows;
  auto interior_tap = [&](int fy, int fx) {
    off.push_back((static_cast<int64_t>(fy) * s.dilation_h * s.in_w + static_cast<int64_t>(fx) * s.dilation_w) * C);
    wrows.push_back(filter + static_cast<int64_t>(fy * s.filter_w + fx) * C);
  };
  if (columns_first) {
    for (int fx = 0; fx < s.filter_w; ++fx)
      for (int fy = 0; fy < s.filter_h; ++fy) interior_tap(fy, fx);
  } else {
    for (int fy = 0; fy < s.filter_h; ++fy)
      for (int fx = 0; fx < s.filter_w; ++fx) interior_tap(fy, fx);
  }
  ParallelFor(static_cast<int64_t>(s.batches) * s.out_h, RowsPerChunk(s), [&](int64_t begin, int64_t end) {
    std::vector<const float*> xs(static_cast<size_t>(taps)), ws(static_cast<size_t>(taps));
    for (int64_t line = begin; line < end; ++line) {
      const int b = static_cast<int>(line / s.out_h), oy = static_cast<int>(line % s.out_h);
      const int iy0 = oy * s.stride_h - s.window.pad_height;
      const bool rows_inside = iy0 >= 0 && iy0 + (s.filter_h - 1) * s.dilation_h < s.in_h;
      auto pixel = [&](int ox) {
        const int ix0 = ox * s.stride_w - s.window.pad_width;
        int count = 0;
        auto tap = [&](int fy, int fx) {
          const int iy = iy0 + fy * s.dilation_h;
          const int ix = ix0 + fx * s.dilation_w;
          const bool inside = iy >= 0 && iy < s.in_h && ix >= 0 && ix < s.in_w;
          if (!inside && !s.xnn_float) return;
          xs[count] =
              inside ? input + ((static_cast<int64_t>(b) * s.in_h + iy) * s.in_w + ix) * s.in_c : s.zeros.data();
          ws[count++] = filter + static_cast<int64_t>(fy * s.filter_w + fx) * s.out_c;
        };
        if (columns_first) {
          for (int fx = 0; fx < s.filter_w; ++fx)
            for (int fy = 0; fy < s.filter_h; ++fy) tap(fy, fx);
        } else {
          for (int fy = 0; fy < s.filter_h; ++fy)
            for (int fx = 0; fx < s.filter_w; ++fx) tap(fy, fx);
        }
        float* o = out + ((static_cast<int64_t>(b) * s.out_h + oy) * s.out_w + ox) * s.out_c;
        fastf32::DepthwisePixel(s.isa, xs.data(), ws.data(), count, init, post, epilogue, s.out_c, o);
      };
      if (!rows_inside || ox_hi <= ox_lo) {
        for (int ox = 0; ox < s.out_w; ++ox) pixel(ox);
        continue;
      }
      for (int ox = 0; ox < ox_lo; ++ox) pixel(ox);
      const float* x0 =
          input + ((static_cast<int64_t>(b) * s.in_h + iy0) * s.in_w + (ox_lo * s.stride_w - s.window.pad_width)) * C;
      fastf32::DepthwiseInterior(s.isa, x0, static_cast<int64_t>(s.stride_w) * C, off.data(), wrows.data(), taps, init,
                                 post, epilogue, C, ox_hi - ox_lo,
                                 out + ((static_cast<int64_t>(b) * s.out_h + oy) * s.out_w + ox_lo) * C);
      for (int ox = ox_hi; ox < s.out_w; ++ox) pixel(ox);
    }
  });
}

void FastEval(KernelContext& ctx) {
  auto& s = ctx.state_as<DepthwiseState>();
  if (s.fastf) return FastEvalFloat(ctx, s);
  if (!s.fast) return Eval(ctx);
  const uint8_t* input = ctx.input(0).data;
  uint8_t* out = ctx.output(0).data;
  const fast8::Patches p = fast8::PatchesOf(s);
  ParallelFor(static_cast<int64_t>(s.batches) * s.out_h, RowsPerChunk(s), [&](int64_t begin, int64_t end) {
    for (int64_t line = begin; line < end; ++line) {
      const int b = static_cast<int>(line / s.out_h), oy = static_cast<int>(line % s.out_h);
      s.fast->Row(p, input, b, oy, out + line * s.out_w * s.out_c);
    }
  });
}

}  // namespace

TFD_REGISTER_KERNEL(DEPTHWISE_CONV_2D, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(DEPTHWISE_CONV_2D, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(DEPTHWISE_CONV_2D, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(DEPTHWISE_CONV_2D, DType::INT16, Prepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(DEPTHWISE_CONV_2D, DType::FLOAT32, XnnpackAccepts, XnnpackPrepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(DEPTHWISE_CONV_2D, DType::UINT8, XnnpackAccepts, XnnpackPrepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(DEPTHWISE_CONV_2D, DType::INT8, XnnpackAccepts, XnnpackPrepare, Eval);

TFD_REGISTER_FAST_KERNEL(DEPTHWISE_CONV_2D, DType::FLOAT32, FastPrepare<Prepare>, FastEval);
TFD_REGISTER_XNNPACK_FAST_KERNEL(DEPTHWISE_CONV_2D, DType::FLOAT32, XnnpackAccepts, FastPrepare<XnnpackPrepare>,
                                 FastEval);
TFD_REGISTER_FAST_KERNEL(DEPTHWISE_CONV_2D, DType::UINT8, FastPrepare<Prepare>, FastEval);
TFD_REGISTER_FAST_KERNEL(DEPTHWISE_CONV_2D, DType::INT8, FastPrepare<Prepare>, FastEval);
TFD_REGISTER_XNNPACK_FAST_KERNEL(DEPTHWISE_CONV_2D, DType::UINT8, XnnpackAccepts, FastPrepare<XnnpackPrepare>,
                                 FastEval);
TFD_REGISTER_XNNPACK_FAST_KERNEL(DEPTHWISE_CONV_2D, DType::INT8, XnnpackAccepts, FastPrepare<XnnpackPrepare>,
                                 FastEval);

}  // namespace tfd
