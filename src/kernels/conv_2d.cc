// CONV_2D: 2-D convolution of an NHWC input with OHWI filters; SAME/VALID
// padding, strides, dilation, fused activation, and grouped convolution
// (input channels = groups * filter input channels, output channels split
// evenly between groups).
//
// float32; uint8 (per-tensor weights with a zero point, the legacy scheme);
// int8 (per-channel symmetric weights, int32 bias); int16 activations with
// int8 weights (int64 bias, or int32 bias with a 32-bit accumulator as in
// TFLite); hybrid: float input with int8 weights, the input quantized per
// batch on the fly (symmetric with per-tensor weights, asymmetric with
// per-channel weights), as TFLite's EvalHybrid / EvalHybridPerChannel.
// The bias may be omitted (TFLite Micro allows it; TFLite itself requires one).
//
// xnnpack flavor (float32, uint8, int8): the nodes TFLite's XNNPACK delegate
// takes, with XNNPACK's float requantization (kernels/internal/xnnpack.h) or
// its float32 summation order (kernels/internal/xnnpack_f32.h).
#include <cstring>

#include "graph/dtype.h"
#include "interpreter/kernel_registry.h"
#include "kernels/internal/activation.h"
#include "kernels/internal/conv_util.h"
#include "kernels/internal/fast8.h"
#include "kernels/internal/fast_f32.h"
#include "kernels/internal/xnnpack.h"
#include "kernels/internal/xnnpack_f32.h"
#include "util/thread_pool.h"

namespace tfd {
namespace {

enum class Kind { kFloat, kUint8, kInt8, kInt16, kHybridSymmetric, kHybridPerChannel };

// Sizes, quantization, xnnpack and hybrid state: see conv::Conv2DState.
struct ConvState : conv::Conv2DState {
  Kind kind = Kind::kFloat;
  int filter_c = 0;
  int groups = 1, filters_per_group = 0;
  bool bias_int64 = false;
  // One im2col row (all taps of one output position and group).
  std::vector<int16_t> patch16;
  std::vector<float> patchf;
  // Float filters packed for EvalFloat: per group, blocks of kFloatBlock
  // output channels, tap-major ([block][tap][channel in block]), zero-padded.
  std::vector<float> packedf;
  bool packedf_ready = false;
  // Fast 8-bit path (kernel "fast"): weights packed once, im2col rows of
  // u8 and their byte sums.
  std::unique_ptr<fast8::Gemm> fast;
  std::vector<uint8_t> fast_a;
  std::vector<uint8_t> fast_u8;  // an int8 input as the GEMM's unsigned values
  std::vector<int32_t> fast_rowsum;
  // Fast float32 path: filters packed once, im2col rows.
  std::unique_ptr<fastf32::Gemm> fastf;
  std::vector<float> fast_af;

  int patch_size() const { return filter_h * filter_w * filter_c; }
};

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 3, 1);
  const RuntimeTensor& input = ctx.input(0);
  const RuntimeTensor& filter = ctx.input(1);
  const RuntimeTensor* bias = ctx.optional_input(2);
  const RuntimeTensor& output = ctx.output(0);
  if (input.rank() != 4) ctx.Fail("input must be 4-D (NHWC), has shape {}", ShapeString(input.shape));
  if (filter.rank() != 4) ctx.Fail("filter must be 4-D (OHWI), has shape {}", ShapeString(filter.shape));
  const auto options = ctx.options_or_default<tflite::Conv2DOptionsT>();
  auto s = std::make_unique<ConvState>();
  conv::ReadInputSizes(input, *s);
  s->out_c = filter.dim(0);
  s->filter_h = filter.dim(1);
  s->filter_w = filter.dim(2);
  s->filter_c = filter.dim(3);
  if (s->filter_c <= 0 || s->in_c < s->filter_c || s->in_c % s->filter_c != 0)
    ctx.Fail("input channels ({}) must be a multiple of the filter's input channels ({})", s->in_c, s->filter_c);
  s->groups = s->in_c / s->filter_c;
  if (s->out_c % s->groups != 0)
    ctx.Fail("grouped convolution: {} output channels do not split into {} groups", s->out_c, s->groups);
  s->filters_per_group = s->out_c / s->groups;
  conv::ComputeConv2DWindow(ctx, options, *s);
  conv::RequireBiasPerChannel(ctx, bias, s->out_c);
  conv::RequireOutputTypeOfInput(ctx, input, output);
  const Activation act = options.fused_activation_function;

  switch (input.dtype) {
    case DType::FLOAT32:
      s->float_range = FloatActivationRange(ctx, act);
      if (filter.dtype == DType::FLOAT32) {
        s->kind = Kind::kFloat;
      } else if (filter.dtype == DType::INT8) {
        // Hybrid: TFLite takes the per-channel (asymmetric) path when the
        // scales differ between channels. It has no grouped hybrid kernel
        // (its runtime fails on one), so neither do we.
        if (s->groups != 1)
          ctx.Fail("hybrid convolution (float32 input, int8 filter) cannot be grouped ({} groups)", s->groups);
        const std::vector<float> scales = conv::FilterScales(ctx, filter, s->out_c, 0);
        bool per_channel = false;
        for (float v : scales) per_channel |= v != scales[0];
        s->kind = per_channel ? Kind::kHybridPerChannel : Kind::kHybridSymmetric;
        s->channel_scales = scales;
        conv::RequireZeroPoints(ctx, filter, "hybrid int8 filter");
        conv::PrepareHybridInput(input, *s);
      } else {
        ctx.Fail("float32 input with {} filter is not supported (float32, or int8 for hybrid)",
                 DTypeName(filter.dtype));
      }
      conv::RequireBiasType(ctx, input, bias, DType::FLOAT32);
      break;
    case DType::UINT8:
      conv::PrepareUint8(ctx, input, filter, bias, output, act, *s);
      s->kind = Kind::kUint8;
      break;
    case DType::INT8:
    case DType::INT16: {
      if (filter.dtype != DType::INT8)
        ctx.Fail("{} input needs an int8 filter, got {}", DTypeName(input.dtype), DTypeName(filter.dtype));
      conv::RequireQuantized(ctx, input, "input");
      conv::RequireQuantized(ctx, output, "output");
      conv::RequireZeroPoints(ctx, filter, "int8 filter");
      s->requant = conv::PerChannelRequant(ctx, input, filter, output, s->out_c, 0);
      s->quant_range = QuantActivationRange(ctx, act, output);
      if (input.dtype == DType::INT8) {
        conv::RequireBiasType(ctx, input, bias, DType::INT32);
        s->kind = Kind::kInt8;
        s->input_offset = -input.zero_point();
        s->output_offset = output.zero_point();
      } else {
        conv::RequireInt16ZeroPoints(ctx, input, output);
        if (bias != nullptr && bias->dtype != DType::INT64 && bias->dtype != DType::INT32)
          ctx.Fail("int16 input needs an int64 or int32 bias, got {}", DTypeName(bias->dtype));
        s->kind = Kind::kInt16;
        // TFLite takes its int32-accumulator path unless the bias is int64.
        s->bias_int64 = bias != nullptr && bias->dtype == DType::INT64;
      }
      break;
    }
    default:
      ctx.Fail("unsupported input type {} (float32, uint8, int8, int16)", DTypeName(input.dtype));
  }
  s->patch16.resize(static_cast<size_t>(s->patch_size()));
  if (s->kind == Kind::kFloat) s->patchf.resize(static_cast<size_t>(s->patch_size()));
  ctx.ResizeOutput(0, {s->batches, s->out_h, s->out_w, s->out_c});
  ctx.state = std::move(s);
}

// One im2col row: the taps of output (b, oy, ox) for `group`, as
// int16(value + offset), with 0 where the window leaves the input (so padded
// taps add nothing, like TFLite's skipped taps).
template <typename T, typename P>
void FillPatch(const ConvState& s, const T* input, int32_t offset, int b, int oy, int ox, int group, P* patch) {
  const int iy0 = oy * s.stride_h - s.window.pad_height;
  const int ix0 = ox * s.stride_w - s.window.pad_width;
  const int fc = s.filter_c;
  P* p = patch;
  for (int fy = 0; fy < s.filter_h; ++fy) {
    const int iy = iy0 + fy * s.dilation_h;
    for (int fx = 0; fx < s.filter_w; ++fx, p += fc) {
      const int ix = ix0 + fx * s.dilation_w;
      if (iy < 0 || iy >= s.in_h || ix < 0 || ix >= s.in_w) {
        std::fill(p, p + fc, P(0));
        continue;
      }
      const T* src = input + ((static_cast<int64_t>(b) * s.in_h + iy) * s.in_w + ix) * s.in_c + group * fc;
      for (int c = 0; c < fc; ++c) p[c] = static_cast<P>(src[c] + offset);
    }
  }
}

// Runs the convolution: for each output position and group, fills the patch
// (fill(b, oy, ox, group)) and calls finish(out_pointer, channel, batch) for
// each output channel of the group.
template <typename Fill, typename Finish>
void ForEachOutput(const ConvState& s, Fill&& fill, Finish&& finish) {
  for (int b = 0; b < s.batches; ++b)
    for (int oy = 0; oy < s.out_h; ++oy)
      for (int ox = 0; ox < s.out_w; ++ox) {
        const int64_t out_base = ((static_cast<int64_t>(b) * s.out_h + oy) * s.out_w + ox) * s.out_c;
        for (int g = 0; g < s.groups; ++g) {
          fill(b, oy, ox, g);
          const int first = g * s.filters_per_group;
          for (int oc = first; oc < first + s.filters_per_group; ++oc) finish(out_base + oc, oc, b);
        }
      }
}

// Output channels computed together by EvalFloat.
constexpr int kFloatBlock = 16;

int FloatBlocksPerGroup(const ConvState& s) { return (s.filters_per_group + kFloatBlock - 1) / kFloatBlock; }

void PackFloatFilter(const RuntimeTensor& filter, ConvState& s) {
  if (s.packedf_ready && filter.is_constant()) return;
  const float* w = filter.As<float>();
  const int k = s.patch_size(), blocks = FloatBlocksPerGroup(s);
  s.packedf.assign(static_cast<size_t>(s.groups) * blocks * k * kFloatBlock, 0.0f);
  for (int g = 0; g < s.groups; ++g)
    for (int blk = 0; blk < blocks; ++blk) {
      float* dst = s.packedf.data() + (static_cast<int64_t>(g) * blocks + blk) * k * kFloatBlock;
      for (int j = 0; j < kFloatBlock; ++j) {
        const int oc_in_group = blk * kFloatBlock + j;
        if (oc_in_group >= s.filters_per_group) break;
        const float* src = w + static_cast<int64_t>(g * s.filters_per_group + oc_in_group) * k;
        for (int i = 0; i < k; ++i) dst[static_cast<int64_t>(i) * kFloatBlock + j] = src[i];
      }
    }
  s.packedf_ready = true;
}

// Each output is 0 + p[0]*w[0] + p[1]*w[1] + ... in tap order, then + bias,
// exactly as one dot product per output would sum it; the block only lets
// kFloatBlock independent sums share each patch value (SIMD across output
// channels, no reassociation).
TFD_VECTORIZE void DotBlockF(const float* patch, const float* packed, int k, float* acc) {
  for (int j = 0; j < kFloatBlock; ++j) acc[j] = 0.0f;
  for (int i = 0; i < k; ++i) {
    const float p = patch[i];
    const float* w = packed + static_cast<int64_t>(i) * kFloatBlock;
    for (int j = 0; j < kFloatBlock; ++j) acc[j] += p * w[j];
  }
}

void EvalFloat(KernelContext& ctx, ConvState& s) {
  const float* input = ctx.input(0).As<float>();
  PackFloatFilter(ctx.input(1), s);
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  const float* bias = bias_t ? bias_t->As<float>() : nullptr;
  float* out = ctx.output(0).As<float>();
  const int k = s.patch_size(), blocks = FloatBlocksPerGroup(s);
  float acc[kFloatBlock];
  for (int b = 0; b < s.batches; ++b)
    for (int oy = 0; oy < s.out_h; ++oy)
      for (int ox = 0; ox < s.out_w; ++ox) {
        const int64_t out_base = ((static_cast<int64_t>(b) * s.out_h + oy) * s.out_w + ox) * s.out_c;
        for (int g = 0; g < s.groups; ++g) {
          FillPatch(s, input, 0, b, oy, ox, g, s.patchf.data());
          for (int blk = 0; blk < blocks; ++blk) {
            DotBlockF(s.patchf.data(), s.packedf.data() + (static_cast<int64_t>(g) * blocks + blk) * k * kFloatBlock, k,
                      acc);
            const int first = g * s.filters_per_group + blk * kFloatBlock;
            const int count = std::min(kFloatBlock, s.filters_per_group - blk * kFloatBlock);
            for (int j = 0; j < count; ++j)
              out[out_base + first + j] = s.float_range.Apply(acc[j] + (bias ? bias[first + j] : 0.0f));
          }
        }
      }
}

// XNNPACK's IGEMM/GEMM order: the bias, then the patch (kernel positions row
// by row, channels inner, padded taps as zeros) one rounded product at a time.
void EvalFloatXnnpack(KernelContext& ctx, ConvState& s) {
  const float* input = ctx.input(0).As<float>();
  const float* filter = ctx.input(1).As<float>();
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  const float* bias = bias_t ? bias_t->As<float>() : nullptr;
  float* out = ctx.output(0).As<float>();
  const int k = s.patch_size();
  ForEachOutput(
      s, [&](int b, int oy, int ox, int g) { FillPatch(s, input, 0, b, oy, ox, g, s.patchf.data()); },
      [&](int64_t at, int oc, int) {
        const float acc = xnn::MulAddF32(bias ? bias[oc] : 0.0f, s.patchf.data(),
                                         filter + static_cast<int64_t>(oc) * k, k);
        out[at] = s.xnn_clamp.Apply(acc);
      });
}

template <typename T, bool kXnnpack>
void EvalQuantized8(KernelContext& ctx, ConvState& s) {
  const T* input = ctx.input(0).As<T>();
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  const int32_t* bias = bias_t ? bias_t->As<int32_t>() : nullptr;
  T* out = ctx.output(0).As<T>();
  const int k = s.patch_size();
  ForEachOutput(
      s, [&](int b, int oy, int ox, int g) { FillPatch(s, input, s.input_offset, b, oy, ox, g, s.patch16.data()); },
      [&](int64_t at, int oc, int) {
        int32_t acc = conv::DotI16(s.patch16.data(), s.filter16.data() + static_cast<int64_t>(oc) * k, k);
        if (bias) acc = conv::AddBias(acc, bias[oc]);
        out[at] = s.Requantize8<T, kXnnpack>(acc, oc);
      });
}

void EvalInt16(KernelContext& ctx, ConvState& s) {
  const int16_t* input = ctx.input(0).As<int16_t>();
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  int16_t* out = ctx.output(0).As<int16_t>();
  const int k = s.patch_size();
  auto fill = [&](int b, int oy, int ox, int g) { FillPatch(s, input, 0, b, oy, ox, g, s.patch16.data()); };
  if (s.bias_int64) {
    const int64_t* bias = bias_t ? bias_t->As<int64_t>() : nullptr;
    ForEachOutput(s, fill, [&](int64_t at, int oc, int) {
      int64_t acc = conv::DotI16Wide(s.patch16.data(), s.filter16.data() + static_cast<int64_t>(oc) * k, k);
      if (bias) acc = conv::AddBias(acc, bias[oc]);
      out[at] = conv::Requantize<int16_t>(acc, s.requant, oc, 0, s.quant_range);
    });
  } else {
    // int32 bias (or none): TFLite accumulates in int32 and uses the 32-bit rescale.
    const int32_t* bias = bias_t ? bias_t->As<int32_t>() : nullptr;
    ForEachOutput(s, fill, [&](int64_t at, int oc, int) {
      const int64_t wide = conv::DotI16Wide(s.patch16.data(), s.filter16.data() + static_cast<int64_t>(oc) * k, k);
      const uint32_t b = bias ? static_cast<uint32_t>(bias[oc]) : 0u;
      const int32_t acc = static_cast<int32_t>(static_cast<uint32_t>(wide) + b);
      out[at] = conv::Requantize<int16_t>(acc, s.requant, oc, 0, s.quant_range);
    });
  }
}

void EvalHybrid(KernelContext& ctx, ConvState& s) {
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  const float* bias = bias_t ? bias_t->As<float>() : nullptr;
  float* out = ctx.output(0).As<float>();
  const bool per_channel = s.kind == Kind::kHybridPerChannel;
  // TFLite: asymmetric inputs with per-channel weights, else symmetric.
  conv::QuantizeHybridInput(ctx.input(0), /*symmetric=*/!per_channel, s);
  const int k = s.patch_size();
  const int8_t* q = s.quantized_input.data();
  ForEachOutput(
      s,
      [&](int b, int oy, int ox, int g) {
        FillPatch(s, q, -s.batch_zero_points[b], b, oy, ox, g, s.patch16.data());
      },
      [&](int64_t at, int oc, int b) {
        const int32_t acc = conv::DotI16(s.patch16.data(), s.filter16.data() + static_cast<int64_t>(oc) * k, k);
        // Same float operation order as TFLite's optimized kernels (what its
        // runtime runs): per-channel, acc * (filter_scale * input_scale).
        float value = per_channel ? static_cast<float>(acc) * (s.channel_scales[oc] * s.batch_scales[b])
                                  : static_cast<float>(acc) * s.batch_scales[b];
        if (bias) value += bias[oc];
        out[at] = s.float_range.Apply(value);
      });
}

void Eval(KernelContext& ctx) {
  auto& s = ctx.state_as<ConvState>();
  if (s.kind != Kind::kFloat) conv::UpdateFilter16(ctx.input(1), s);
  switch (s.kind) {
    case Kind::kFloat: return s.xnn_float ? EvalFloatXnnpack(ctx, s) : EvalFloat(ctx, s);
    case Kind::kUint8:
      return s.xnn_scale.empty() ? EvalQuantized8<uint8_t, false>(ctx, s) : EvalQuantized8<uint8_t, true>(ctx, s);
    case Kind::kInt8:
      return s.xnn_scale.empty() ? EvalQuantized8<int8_t, false>(ctx, s) : EvalQuantized8<int8_t, true>(ctx, s);
    case Kind::kInt16: return EvalInt16(ctx, s);
    case Kind::kHybridSymmetric:
    case Kind::kHybridPerChannel: return EvalHybrid(ctx, s);
  }
}

// ---- xnnpack flavor ----

// The delegate's VisitConv2DNode: 4-D input and output of one type (float32
// or 8-bit), constant weights of that type (int8 per-channel along dim 0, zero
// points 0), a constant bias (required: float32, or int32 for 8-bit), and an
// activation XNNPACK can clamp.
bool XnnpackAccepts(const KernelContext& ctx) {
  const auto o = ctx.options_or_default<tflite::Conv2DOptionsT>();
  return xnn::AcceptsConvolution(ctx, {o.stride_h, o.stride_w, o.dilation_h_factor, o.dilation_w_factor,
                                       o.fused_activation_function, /*filter_channel_axis=*/0});
}

void XnnpackPrepare(KernelContext& ctx) {
  Prepare(ctx);
  auto& s = ctx.state_as<ConvState>();
  conv::PrepareXnnpack(ctx, ctx.options_or_default<tflite::Conv2DOptionsT>().fused_activation_function,
                       s.kind == Kind::kFloat, s);
}

// ---- fast path (both profiles): 8-bit and float32 ----

// The profile's Prepare, then the packed weights when the node is 8-bit or
// float32, ungrouped, with constant weights and bias.
template <void (*BasePrepare)(KernelContext&)>
void FastPrepare(KernelContext& ctx) {
  BasePrepare(ctx);
  auto& s = ctx.state_as<ConvState>();
  const RuntimeTensor& filter = ctx.input(1);
  const RuntimeTensor* bias = ctx.optional_input(2);
  if (s.groups != 1 || !filter.is_constant() || (bias != nullptr && !bias->is_constant())) return;
  if (s.kind == Kind::kFloat) {
    s.fastf = std::make_unique<fastf32::Gemm>();
    s.fastf->Prepare(filter.As<float>(), bias ? bias->As<float>() : nullptr, s.out_c, s.patch_size(), s.xnn_float,
                     s.xnn_float ? s.xnn_clamp.min : s.float_range.min,
                     s.xnn_float ? s.xnn_clamp.max : s.float_range.max);
    return;
  }
  if (s.kind != Kind::kUint8 && s.kind != Kind::kInt8) return;
  if (s.kind == Kind::kInt8 && s.filter_offset != 0) return;
  if (!fast8::PaddingIsAByte(s.input_offset, s.kind == Kind::kInt8)) return;
  s.fast = std::make_unique<fast8::Gemm>();
  s.fast->Prepare(filter.data, filter.dtype == DType::INT8, s.kind == Kind::kInt8,
                  bias ? bias->As<int32_t>() : nullptr, s.out_c, s.patch_size(), s.input_offset, s.filter_offset, s,
                  s.kind == Kind::kInt8);
}

// im2col rows (a tap outside the input holds the input zero point, which
// adds nothing), then one GEMM; identical to EvalQuantized8's sums.
bool Pointwise(const ConvState& s) {
  return s.filter_h == 1 && s.filter_w == 1 && s.stride_h == 1 && s.stride_w == 1 && s.window.pad_height == 0 &&
         s.window.pad_width == 0 && s.out_h == s.in_h && s.out_w == s.in_w;
}

// Rows of output positions per thread: enough multiply-adds to pay for a
// hand-off (~100k), in whole 4-row tiles.
int64_t RowsPerChunk(const ConvState& s) {
  const int64_t per_row = std::max<int64_t>(1, static_cast<int64_t>(s.patch_size()) * s.out_c);
  return std::max<int64_t>(4, (100000 / per_row + 3) / 4 * 4);
}

// Float32: the same patches as EvalFloat / EvalFloatXnnpack (zeros outside
// the input, FillPatch's x + 0 inside: fastf32::PackPatches), each channel's
// sum in that kernel's order, then its epilogue (fastf32::Epilogue). A 1x1
// convolution reads its input rows in place, unless a sum starts at -0
// (a -0 bias, xnnpack): then x + 0, which turns -0 into +0, can show.
// Rows split between threads write disjoint outputs.
void FastEvalFloat(KernelContext& ctx, ConvState& s) {
  const fastf32::Gemm& g = *s.fastf;
  const float* input = ctx.input(0).As<float>();
  float* out = ctx.output(0).As<float>();
  const int64_t m = static_cast<int64_t>(s.batches) * s.out_h * s.out_w;
  const int k = s.patch_size();
  const bool in_place = Pointwise(s) && !g.starts_at_negative_zero;
  if (!in_place) s.fast_af.resize(static_cast<size_t>(m) * k);
  const fast8::Patches p = fast8::PatchesOf(s);
  ParallelFor(m, RowsPerChunk(s), [&](int64_t begin, int64_t end) {
    const float* a = input + begin * k;
    if (!in_place) {
      fastf32::PackPatches(g.isa, p, input, begin, end, s.fast_af.data() + begin * k);
      a = s.fast_af.data() + begin * k;
    }
    g.Run(a, k, static_cast<int>(end - begin), out + begin * s.out_c, s.out_c);
  });
}

// 8-bit: im2col rows (a tap outside the input holds the input zero point,
// which adds nothing), then the GEMM; identical to EvalQuantized8's sums.
// An int8 input is turned into the GEMM's unsigned values once (not once
// per patch reading a value); a pointwise convolution whose rows need no
// zero tail then reads them in place.
void FastEval(KernelContext& ctx) {
  auto& s = ctx.state_as<ConvState>();
  if (s.fastf) return FastEvalFloat(ctx, s);
  if (!s.fast) return Eval(ctx);
  const fast8::Gemm& g = *s.fast;
  const uint8_t* input = ctx.input(0).data;
  uint8_t* out = ctx.output(0).data;
  const int64_t m = static_cast<int64_t>(s.batches) * s.out_h * s.out_w;
  s.fast_rowsum.resize(static_cast<size_t>(m));
  if (g.input_signed) {
    const int64_t n = static_cast<int64_t>(s.batches) * s.in_h * s.in_w * s.in_c;
    s.fast_u8.resize(static_cast<size_t>(n));
    ParallelFor(n, 1 << 16, [&](int64_t begin, int64_t end) {
      fast8::ToUnsigned(input + begin, end - begin, s.fast_u8.data() + begin);
    });
    input = s.fast_u8.data();
  }
  if (Pointwise(s) && g.kp == g.k) {
    // The input rows are A as they are.
    ParallelFor(m, RowsPerChunk(s), [&](int64_t begin, int64_t end) {
      for (int64_t row = begin; row < end; ++row) s.fast_rowsum[row] = g.RowSum(input + row * s.in_c);
      g.Run(input + begin * s.in_c, s.fast_rowsum.data() + begin, static_cast<int>(end - begin), out + begin * s.out_c,
            s.out_c);
    });
    return;
  }
  const fast8::Patches p = fast8::PatchesOf(s);
  s.fast_a.resize(static_cast<size_t>(m) * g.kp);
  ParallelFor(m, RowsPerChunk(s), [&](int64_t begin, int64_t end) {
    uint8_t* a = s.fast_a.data() + begin * g.kp;
    g.PackPatches(p, input, begin, end, a, s.fast_rowsum.data() + begin);
    g.Run(a, s.fast_rowsum.data() + begin, static_cast<int>(end - begin), out + begin * s.out_c, s.out_c);
  });
}

}  // namespace

TFD_REGISTER_KERNEL(CONV_2D, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(CONV_2D, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(CONV_2D, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(CONV_2D, DType::INT16, Prepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(CONV_2D, DType::FLOAT32, XnnpackAccepts, XnnpackPrepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(CONV_2D, DType::UINT8, XnnpackAccepts, XnnpackPrepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(CONV_2D, DType::INT8, XnnpackAccepts, XnnpackPrepare, Eval);

TFD_REGISTER_FAST_KERNEL(CONV_2D, DType::FLOAT32, FastPrepare<Prepare>, FastEval);
TFD_REGISTER_XNNPACK_FAST_KERNEL(CONV_2D, DType::FLOAT32, XnnpackAccepts, FastPrepare<XnnpackPrepare>, FastEval);
TFD_REGISTER_FAST_KERNEL(CONV_2D, DType::UINT8, FastPrepare<Prepare>, FastEval);
TFD_REGISTER_FAST_KERNEL(CONV_2D, DType::INT8, FastPrepare<Prepare>, FastEval);
TFD_REGISTER_XNNPACK_FAST_KERNEL(CONV_2D, DType::UINT8, XnnpackAccepts, FastPrepare<XnnpackPrepare>, FastEval);
TFD_REGISTER_XNNPACK_FAST_KERNEL(CONV_2D, DType::INT8, XnnpackAccepts, FastPrepare<XnnpackPrepare>, FastEval);

}  // namespace tfd
