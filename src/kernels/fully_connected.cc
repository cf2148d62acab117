// FULLY_CONNECTED: output[b, u] = sum_d input[b, d] * weights[u, d] + bias[u],
// the input flattened to [batches, depth] (depth = weights' second dimension);
// keep_num_dims keeps the input's leading dimensions. Optional bias (omitted
// input). Weights format DEFAULT only.
//
// float32; uint8 (legacy per-tensor weights with a zero point) to uint8, or to
// int16 (legacy); int8 with per-tensor weights (zero point allowed) or
// per-channel weights; int16 activations with int8 weights (int64 bias: 64-bit
// accumulator; int32 bias or none: 32-bit, as TFLite); hybrid: float input with int8 weights (per-tensor or per-channel),
// each batch row quantized on the fly, symmetric or asymmetric
// (asymmetric_quantize_inputs), as TFLite's EvalHybrid.
//
// xnnpack flavor (float32, uint8, int8): the nodes TFLite's XNNPACK delegate
// takes, with XNNPACK's float requantization (kernels/internal/xnnpack.h) or
// its float32 summation order (kernels/internal/xnnpack_f32.h).
#include "graph/dtype.h"
#include "interpreter/kernel_registry.h"
#include "kernels/internal/activation.h"
#include "kernels/internal/conv_util.h"
#include "kernels/internal/fast8.h"
#include "kernels/internal/xnnpack.h"
#include "kernels/internal/xnnpack_f32.h"

namespace tfd {
namespace {

enum class Kind { kFloat, kUint8, kUint8ToInt16, kInt8, kInt16, kHybrid };

struct FcState : KernelState {
  Kind kind = Kind::kFloat;
  int batches = 0, depth = 0, units = 0;
  FloatRange float_range;
  QuantRange quant_range;
  int32_t input_offset = 0, filter_offset = 0, output_offset = 0;
  conv::Requant requant;  // one entry per unit
  float xnn_scale = 0;    // xnnpack flavor: the float requantization scale
  // xnnpack flavor, float32: XNNPACK's GEMM order and clamp.
  bool xnn_float = false;
  xnn::F32Clamp xnn_clamp;
  bool wide_accumulator = false;  // int16: int64 accumulation (int64 bias)
  std::vector<int16_t> filter16;
  bool filter16_ready = false;
  std::vector<int16_t> row16;
  // Hybrid.
  bool asymmetric = false;
  bool per_channel = false;
  std::vector<float> channel_scales;
  std::vector<int8_t> quantized_row;
  std::vector<int32_t> row_sums;  // sum of each weight row (asymmetric inputs)
  // Fast 8-bit path: weights packed once, input rows as u8 with byte sums.
  std::unique_ptr<fast8::Gemm> fast;
  std::vector<uint8_t> fast_a;
  std::vector<int32_t> fast_rowsum;
};

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 3, 1);
  const RuntimeTensor& input = ctx.input(0);
  const RuntimeTensor& filter = ctx.input(1);
  const RuntimeTensor* bias = ctx.optional_input(2);
  const RuntimeTensor& output = ctx.output(0);
  const auto options = ctx.options_or_default<tflite::FullyConnectedOptionsT>();
  if (options.weights_format != tflite::FullyConnectedOptionsWeightsFormat::DEFAULT)
    ctx.Fail("weights format {} is not supported (only DEFAULT)",
             tflite::EnumNameFullyConnectedOptionsWeightsFormat(options.weights_format));
  if (filter.rank() != 2) ctx.Fail("weights must be 2-D [units, depth], have shape {}", ShapeString(filter.shape));
  if (filter.meta && filter.meta->sparsity) ctx.Fail("sparse weights are not supported");
  if (input.rank() < 1) ctx.Fail("input must have at least one dimension");
  auto s = std::make_unique<FcState>();
  s->units = filter.dim(0);
  s->depth = filter.dim(1);
  const int64_t input_size = input.NumElements();
  if (s->depth > 0) {
    if (input_size % s->depth != 0)
      ctx.Fail("input has {} elements, not a multiple of the weights' depth {}", input_size, s->depth);
    s->batches = static_cast<int>(input_size / s->depth);
  } else {
    s->batches = 1;
    for (int i = 0; i + 1 < input.rank(); ++i) s->batches *= input.dim(i);
  }
  if (bias != nullptr && bias->NumElements() != s->units)
    ctx.Fail("bias has {} elements; expected {} (one per unit)", bias->NumElements(), s->units);
  std::vector<int32_t> out_shape;
  if (options.keep_num_dims) {
    if (input.dim(-1) != s->depth)
      ctx.Fail("keep_num_dims: the input's last dimension ({}) must equal the weights' depth ({})", input.dim(-1),
               s->depth);
    out_shape = input.shape;
    out_shape.back() = s->units;
  } else {
    out_shape = {s->batches, s->units};
  }
  const Activation act = options.fused_activation_function;
  switch (input.dtype) {
    case DType::FLOAT32:
      conv::RequireBiasTypeIn(ctx, input, bias, {DType::FLOAT32});
      if (output.dtype != DType::FLOAT32) ctx.Fail("float32 input needs a float32 output, got {}", DTypeName(output.dtype));
      s->float_range = FloatActivationRange(ctx, act);
      if (filter.dtype == DType::FLOAT32) {
        s->kind = Kind::kFloat;
      } else if (filter.dtype == DType::INT8) {
        s->kind = Kind::kHybrid;
        conv::RequireQuantized(ctx, filter, "hybrid weights");
        s->per_channel = filter.quant()->scale.size() > 1;
        s->channel_scales = conv::FilterScales(ctx, filter, s->units, 0, "hybrid weights");
        conv::RequireZeroPoints(ctx, filter, "hybrid int8 weights");
        s->asymmetric = options.asymmetric_quantize_inputs;
        s->quantized_row.resize(static_cast<size_t>(std::max(s->depth, 0)));
        s->row_sums.resize(static_cast<size_t>(s->units));
      } else {
        ctx.Fail("float32 input with {} weights is not supported (float32, or int8 for hybrid)",
                 DTypeName(filter.dtype));
      }
      break;
    case DType::UINT8: {
      if (filter.dtype != DType::UINT8) ctx.Fail("uint8 input needs uint8 weights, got {}", DTypeName(filter.dtype));
      conv::RequireBiasTypeIn(ctx, input, bias, {DType::INT32});
      conv::RequireQuantized(ctx, input, "input");
      conv::RequireQuantized(ctx, filter, "weights");
      conv::RequireQuantized(ctx, output, "output");
      if (filter.quant()->scale.size() != 1)
        ctx.Fail("per-channel weights need int8 or int16 activations; these uint8 weights have {} scales",
                 filter.quant()->scale.size());
      if (output.dtype == DType::UINT8) {
        s->kind = Kind::kUint8;
      } else if (output.dtype == DType::INT16) {
        s->kind = Kind::kUint8ToInt16;
        if (output.zero_point() != 0) ctx.Fail("uint8 -> int16 needs an output zero point of 0");
      } else {
        ctx.Fail("uint8 input needs a uint8 or int16 output, got {}", DTypeName(output.dtype));
      }
      s->input_offset = -input.zero_point();
      s->filter_offset = -filter.zero_point();
      s->output_offset = output.zero_point();
      s->requant = conv::SingleRequant(conv::LegacyMultiplier(ctx, input, filter, bias, output));
      s->quant_range = QuantActivationRange(ctx, act, output);
      break;
    }
    case DType::INT8:
    case DType::INT16: {
      if (filter.dtype != DType::INT8)
        ctx.Fail("{} input needs int8 weights, got {}", DTypeName(input.dtype), DTypeName(filter.dtype));
      if (output.dtype != input.dtype)
        ctx.Fail("{} input needs a {} output, got {}", DTypeName(input.dtype), DTypeName(input.dtype),
                 DTypeName(output.dtype));
      conv::RequireQuantized(ctx, input, "input");
      conv::RequireQuantized(ctx, filter, "weights");
      conv::RequireQuantized(ctx, output, "output");
      const bool per_channel = filter.quant()->scale.size() > 1;
      if (per_channel) {
        // Per-channel weights are symmetric by spec; TFLite ignores their zero point.
        s->requant = conv::PerChannelRequant(ctx, input, filter, output, s->units, 0);
      } else {
        s->requant = conv::SingleRequant(conv::LegacyMultiplier(ctx, input, filter, bias, output));
        s->filter_offset = -filter.zero_point();
      }
      s->quant_range = QuantActivationRange(ctx, act, output);
      if (input.dtype == DType::INT8) {
        conv::RequireBiasTypeIn(ctx, input, bias, {DType::INT32});
        s->kind = Kind::kInt8;
        s->input_offset = -input.zero_point();
        s->output_offset = output.zero_point();
      } else {
        conv::RequireBiasTypeIn(ctx, input, bias, {DType::INT32, DType::INT64});
        conv::RequireInt16ZeroPoints(ctx, input, output);
        s->kind = Kind::kInt16;
        // TFLite takes its int32-accumulator path unless the bias is int64.
        s->wide_accumulator = bias != nullptr && bias->dtype == DType::INT64;
      }
      break;
    }
    default:
      ctx.Fail("unsupported input type {} (float32, uint8, int8, int16)", DTypeName(input.dtype));
  }
  if (s->requant.multiplier.size() == 1) {
    s->requant.multiplier.resize(static_cast<size_t>(s->units), s->requant.multiplier[0]);
    s->requant.shift.resize(static_cast<size_t>(s->units), s->requant.shift[0]);
  }
  s->row16.resize(static_cast<size_t>(std::max(s->depth, 0)));
  ctx.ResizeOutput(0, out_shape);
  ctx.state = std::move(s);
}

// The widened weights and, for hybrid (int8 weights), each row's sum.
void PackFilter(FcState& s, const RuntimeTensor& filter) {
  conv::WidenFilter(filter, s.filter_offset, &s.filter16);
  if (s.kind == Kind::kHybrid) {
    const int8_t* f = filter.As<int8_t>();
    for (int u = 0; u < s.units; ++u) {
      int32_t sum = 0;
      for (int d = 0; d < s.depth; ++d) sum += f[static_cast<int64_t>(u) * s.depth + d];
      s.row_sums[u] = sum;
    }
  }
}

void EvalFloat(KernelContext& ctx, FcState& s) {
  const float* input = ctx.input(0).As<float>();
  const float* filter = ctx.input(1).As<float>();
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  const float* bias = bias_t ? bias_t->As<float>() : nullptr;
  float* out = ctx.output(0).As<float>();
  for (int b = 0; b < s.batches; ++b) {
    const float* row = input + static_cast<int64_t>(b) * s.depth;
    for (int u = 0; u < s.units; ++u) {
      const float total = conv::DotF(row, filter + static_cast<int64_t>(u) * s.depth, s.depth);
      out[static_cast<int64_t>(b) * s.units + u] = s.float_range.Apply(total + (bias ? bias[u] : 0.0f));
    }
  }
}

// XNNPACK's GEMM: the bias, then one rounded product at a time, in order.
void EvalFloatXnnpack(KernelContext& ctx, FcState& s) {
  const float* input = ctx.input(0).As<float>();
  const float* filter = ctx.input(1).As<float>();
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  const float* bias = bias_t ? bias_t->As<float>() : nullptr;
  float* out = ctx.output(0).As<float>();
  for (int b = 0; b < s.batches; ++b) {
    const float* row = input + static_cast<int64_t>(b) * s.depth;
    for (int u = 0; u < s.units; ++u) {
      const float acc =
          xnn::MulAddF32(bias ? bias[u] : 0.0f, row, filter + static_cast<int64_t>(u) * s.depth, s.depth);
      out[static_cast<int64_t>(b) * s.units + u] = s.xnn_clamp.Apply(acc);
    }
  }
}

template <typename In, typename Out, bool kXnnpack = false>
void EvalQuantized8(KernelContext& ctx, FcState& s) {
  const In* input = ctx.input(0).As<In>();
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  const int32_t* bias = bias_t ? bias_t->As<int32_t>() : nullptr;
  Out* out = ctx.output(0).As<Out>();
  for (int b = 0; b < s.batches; ++b) {
    const In* row = input + static_cast<int64_t>(b) * s.depth;
    for (int d = 0; d < s.depth; ++d) s.row16[d] = static_cast<int16_t>(row[d] + s.input_offset);
    for (int u = 0; u < s.units; ++u) {
      int32_t acc = conv::DotI16(s.row16.data(), s.filter16.data() + static_cast<int64_t>(u) * s.depth, s.depth);
      if (bias) acc = conv::AddBias(acc, bias[u]);
      Out& o = out[static_cast<int64_t>(b) * s.units + u];
      if constexpr (kXnnpack) {
        o = static_cast<Out>(xnn::Requantize(acc, s.xnn_scale, s.output_offset, s.quant_range.min, s.quant_range.max));
        continue;
      }
      if constexpr (std::is_same_v<Out, int16_t>) {
        // Legacy uint8 -> int16: clamp before adding the (zero) output offset.
        acc = qmath::MultiplyByQuantizedMultiplier(acc, s.requant.multiplier[u], s.requant.shift[u]);
        acc = std::max(acc, s.quant_range.min - s.output_offset);
        acc = std::min(acc, s.quant_range.max - s.output_offset);
        o = static_cast<int16_t>(acc + s.output_offset);
      } else {
        o = conv::Requantize<Out>(acc, s.requant, u, s.output_offset, s.quant_range);
      }
    }
  }
}

void EvalInt16(KernelContext& ctx, FcState& s) {
  const int16_t* input = ctx.input(0).As<int16_t>();
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  int16_t* out = ctx.output(0).As<int16_t>();
  for (int b = 0; b < s.batches; ++b) {
    const int16_t* row = input + static_cast<int64_t>(b) * s.depth;
    for (int u = 0; u < s.units; ++u) {
      const int64_t dot = conv::DotI16Wide(row, s.filter16.data() + static_cast<int64_t>(u) * s.depth, s.depth);
      int16_t& o = out[static_cast<int64_t>(b) * s.units + u];
      if (s.wide_accumulator) {
        const int64_t acc = conv::AddBias(static_cast<int64_t>(dot), bias_t ? bias_t->As<int64_t>()[u] : int64_t{0});
        o = conv::Requantize<int16_t>(acc, s.requant, u, 0, s.quant_range);
      } else {
        // int32 bias or none: TFLite accumulates in int32 and rescales with the 32-bit routine.
        const uint32_t b = bias_t ? static_cast<uint32_t>(bias_t->As<int32_t>()[u]) : 0u;
        const int32_t acc = static_cast<int32_t>(static_cast<uint32_t>(dot) + b);
        o = conv::Requantize<int16_t>(acc, s.requant, u, 0, s.quant_range);
      }
    }
  }
}

void EvalHybrid(KernelContext& ctx, FcState& s) {
  const RuntimeTensor& input_t = ctx.input(0);
  const float* input = input_t.As<float>();
  const int8_t* filter = ctx.input(1).As<int8_t>();
  const RuntimeTensor* bias_t = ctx.optional_input(2);
  const float* bias = bias_t ? bias_t->As<float>() : nullptr;
  float* out = ctx.output(0).As<float>();
  const int64_t total = static_cast<int64_t>(s.batches) * s.units;
  for (int b = 0; b < s.batches; ++b)
    for (int u = 0; u < s.units; ++u) out[static_cast<int64_t>(b) * s.units + u] = bias ? bias[u] : 0.0f;
  // TFLite skips the product when the whole input is zero.
  bool all_zero = true;
  for (int64_t i = 0, n = input_t.NumElements(); i < n && all_zero; ++i) all_zero = input[i] == 0.0f;
  if (!all_zero) {
    for (int b = 0; b < s.batches; ++b) {
      const float* row = input + static_cast<int64_t>(b) * s.depth;
      float scale = 0;
      int32_t zero_point = 0;
      if (s.asymmetric) {
        conv::AsymmetricQuantize(row, s.depth, s.quantized_row.data(), &scale, &zero_point);
      } else {
        conv::SymmetricQuantize(row, s.depth, s.quantized_row.data(), &scale);
      }
      if (!s.per_channel) scale *= s.channel_scales[0];
      for (int u = 0; u < s.units; ++u) {
        int32_t dot = conv::DotI8(filter + static_cast<int64_t>(u) * s.depth, s.quantized_row.data(), s.depth);
        dot -= s.row_sums[u] * zero_point;
        float row_scale = scale;
        if (s.per_channel) row_scale *= s.channel_scales[u];
        out[static_cast<int64_t>(b) * s.units + u] += static_cast<float>(dot) * row_scale;
      }
    }
  }
  for (int64_t i = 0; i < total; ++i) out[i] = s.float_range.Apply(out[i]);
}

void Eval(KernelContext& ctx) {
  auto& s = ctx.state_as<FcState>();
  if (s.kind != Kind::kFloat && (!s.filter16_ready || !ctx.input(1).is_constant())) {
    PackFilter(s, ctx.input(1));
    s.filter16_ready = true;
  }
  switch (s.kind) {
    case Kind::kFloat: return s.xnn_float ? EvalFloatXnnpack(ctx, s) : EvalFloat(ctx, s);
    case Kind::kUint8:
      return s.xnn_scale == 0 ? EvalQuantized8<uint8_t, uint8_t>(ctx, s) : EvalQuantized8<uint8_t, uint8_t, true>(ctx, s);
    case Kind::kUint8ToInt16: return EvalQuantized8<uint8_t, int16_t>(ctx, s);
    case Kind::kInt8:
      return s.xnn_scale == 0 ? EvalQuantized8<int8_t, int8_t>(ctx, s) : EvalQuantized8<int8_t, int8_t, true>(ctx, s);
    case Kind::kInt16: return EvalInt16(ctx, s);
    case Kind::kHybrid: return EvalHybrid(ctx, s);
  }
}

// ---- xnnpack flavor ----

// The delegate's VisitFullyConnectedNode: float32 input, weights and output
// (constant float32 weights and bias), or those of one 8-bit type with
// per-tensor quantization (this delegate has no per-channel
// FULLY_CONNECTED), constant 2-D weights, an optional constant int32 bias, the
// default weights format and an activation XNNPACK can clamp.
bool XnnpackAccepts(const KernelContext& ctx) {
  if (ctx.inputs.size() < 2 || ctx.inputs.size() > 3 || ctx.outputs.size() != 1) return false;
  // Version 8 (sparse weights) is refused by version alone (the oracle's
  // runtime holds the delegate's "Unsupported version %d of FullyConnected").
  if (ctx.opcode != nullptr && ctx.opcode->version == 8) return false;
  const RuntimeTensor* input = ctx.inputs[0];
  const RuntimeTensor* filter = ctx.inputs[1];
  const RuntimeTensor* output = ctx.outputs[0];
  if (input == nullptr || filter == nullptr || output == nullptr) return false;
  const DType t = input->dtype;
  if (t == DType::FLOAT32) {
    const RuntimeTensor* bias = ctx.optional_input(2);
    if (output->dtype != t || input->rank() == 0 || filter->rank() != 2 || !xnn::StaticF32(ctx, filter)) return false;
    if (bias != nullptr && (!xnn::StaticF32(ctx, bias) || bias->rank() != 1)) return false;
    const auto o = ctx.options_or_default<tflite::FullyConnectedOptionsT>();
    if (o.weights_format != tflite::FullyConnectedOptionsWeightsFormat::DEFAULT) return false;
    xnn::F32Clamp clamp;
    return xnn::F32ActivationClamp(o.fused_activation_function, &clamp);
  }
  if (t != DType::UINT8 && t != DType::INT8) return false;
  if (!xnn::PerTensor8(*input, t) || !xnn::PerTensor8(*output, t) || !xnn::PerTensor8(*filter, t)) return false;
  if (filter->rank() != 2 || !filter->is_constant() || input->rank() == 0) return false;
  const RuntimeTensor* bias = ctx.optional_input(2);
  if (bias != nullptr && !xnn::StaticBias(bias, /*per_channel_allowed=*/false)) return false;
  const auto o = ctx.options_or_default<tflite::FullyConnectedOptionsT>();
  if (o.weights_format != tflite::FullyConnectedOptionsWeightsFormat::DEFAULT) return false;
  return xnn::ActivationSupported(o.fused_activation_function);
}

void XnnpackPrepare(KernelContext& ctx) {
  Prepare(ctx);
  auto& s = ctx.state_as<FcState>();
  if (s.kind == Kind::kFloat) {
    s.xnn_float = true;
    xnn::F32ActivationClamp(
        ctx.options_or_default<tflite::FullyConnectedOptionsT>().fused_activation_function, &s.xnn_clamp);
    return;
  }
  const RuntimeTensor& input = ctx.input(0);
  const RuntimeTensor& filter = ctx.input(1);
  const RuntimeTensor& output = ctx.output(0);
  s.xnn_scale = xnn::RequantScale(input.scale(), filter.scale(), output.scale());
  if (!(s.xnn_scale > 0)) ctx.Fail("requantization scale {} is not positive", s.xnn_scale);
  // XNNPACK's int8 kernels take the weights' zero point to be 0.
  if (input.dtype == DType::INT8 && s.filter_offset != 0) {
    s.filter_offset = 0;
    s.filter16_ready = false;
  }
  s.quant_range = xnn::ActivationRange(
      ctx, ctx.options_or_default<tflite::FullyConnectedOptionsT>().fused_activation_function, output);
}

// ---- fast 8-bit path (both profiles) ----

// The profile's Prepare, then the packed weights for uint8 -> uint8 and
// int8 -> int8 nodes with constant weights and bias (fast8::Gemm: the same
// int32 sums, the same requantization).
template <void (*BasePrepare)(KernelContext&)>
void FastPrepare(KernelContext& ctx) {
  BasePrepare(ctx);
  auto& s = ctx.state_as<FcState>();
  if (s.kind != Kind::kUint8 && s.kind != Kind::kInt8) return;
  const RuntimeTensor& filter = ctx.input(1);
  const RuntimeTensor* bias = ctx.optional_input(2);
  if (!filter.is_constant() || (bias != nullptr && !bias->is_constant())) return;
  conv::Conv2DState q;
  q.requant = s.requant;
  if (s.xnn_scale != 0) q.xnn_scale.assign(static_cast<size_t>(s.units), s.xnn_scale);
  q.output_offset = s.output_offset;
  q.quant_range = s.quant_range;
  s.fast = std::make_unique<fast8::Gemm>();
  s.fast->Prepare(filter.data, filter.dtype == DType::INT8, s.kind == Kind::kInt8,
                  bias ? bias->As<int32_t>() : nullptr, s.units, s.depth, s.input_offset, s.filter_offset, q,
                  s.kind == Kind::kInt8);
}

void FastEval(KernelContext& ctx) {
  auto& s = ctx.state_as<FcState>();
  if (!s.fast) return Eval(ctx);
  const fast8::Gemm& g = *s.fast;
  const uint8_t* input = ctx.input(0).data;
  s.fast_a.resize(static_cast<size_t>(s.batches) * g.kp);
  s.fast_rowsum.resize(static_cast<size_t>(s.batches));
  for (int b = 0; b < s.batches; ++b)
    s.fast_rowsum[b] = g.PackRow(input + static_cast<int64_t>(b) * s.depth, s.fast_a.data() + b * g.kp);
  g.Run(s.fast_a.data(), s.fast_rowsum.data(), s.batches, ctx.output(0).data, s.units);
}

}  // namespace

TFD_REGISTER_KERNEL(FULLY_CONNECTED, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(FULLY_CONNECTED, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(FULLY_CONNECTED, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(FULLY_CONNECTED, DType::INT16, Prepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(FULLY_CONNECTED, DType::FLOAT32, XnnpackAccepts, XnnpackPrepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(FULLY_CONNECTED, DType::UINT8, XnnpackAccepts, XnnpackPrepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(FULLY_CONNECTED, DType::INT8, XnnpackAccepts, XnnpackPrepare, Eval);
TFD_REGISTER_FAST_KERNEL(FULLY_CONNECTED, DType::UINT8, FastPrepare<Prepare>, FastEval);
TFD_REGISTER_FAST_KERNEL(FULLY_CONNECTED, DType::INT8, FastPrepare<Prepare>, FastEval);
TFD_REGISTER_XNNPACK_FAST_KERNEL(FULLY_CONNECTED, DType::UINT8, XnnpackAccepts, FastPrepare<XnnpackPrepare>, FastEval);
TFD_REGISTER_XNNPACK_FAST_KERNEL(FULLY_CONNECTED, DType::INT8, XnnpackAccepts, FastPrepare<XnnpackPrepare>, FastEval);

}  // namespace tfd
