// MUL: elementwise product with broadcasting and a fused activation.
// float32; int32 and int64 (wrapping, activation clamp at 0/6/+-1);
// int8/uint8/int16 with one fixed-point output rescale (int16 needs zero
// points of 0); and int16 x int16 -> int8/uint8, TFLite's fixed-point path
// for LSTM gates: the Q0.15 product shifted down to 8 bits.
//
// xnnpack flavor (int8, uint8): the nodes TFLite's XNNPACK delegate takes,
// with XNNPACK's multiply: the exact product of the centered inputs times
// a_scale * b_scale / out_scale in float, rounded half to even
// (kernels/internal/xnnpack.h).
#include "interpreter/kernel_registry.h"
#include "kernels/internal/activation.h"
#include "kernels/internal/elementwise_binary.h"
#include "kernels/internal/quant_math.h"
#include "kernels/internal/xnnpack.h"

namespace tfd {
namespace {

struct MulState : KernelState {
  BroadcastIndex index;
  FloatRange float_range;
  elementwise::IntegerRange<int32_t> int32_range;
  elementwise::IntegerRange<int64_t> int64_range;
  // Quantized, same type in and out.
  int32_t input1_offset = 0, input2_offset = 0, output_offset = 0;
  int32_t output_multiplier = 0;
  int output_shift = 0;
  QuantRange range;
  bool int16_to_8bit = false;
  bool xnn = false;  // xnnpack flavor: XNNPACK's float requantization
  float xnn_scale = 0;
};

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 2, 1);
  const RuntimeTensor& a = ctx.input(0);
  const RuntimeTensor& b = ctx.input(1);
  const RuntimeTensor& out = ctx.output(0);
  auto state = std::make_unique<MulState>();
  const Activation act = ctx.options_or_default<tflite::MulOptionsT>().fused_activation_function;
  const bool int16_to_8bit = a.dtype == DType::INT16 && (out.dtype == DType::INT8 || out.dtype == DType::UINT8);
  state->index = elementwise::PrepareBroadcastBinary(ctx, int16_to_8bit ? std::optional(out.dtype) : std::nullopt);
  switch (out.dtype) {
    case DType::FLOAT32: state->float_range = FloatActivationRange(ctx, act); break;
    case DType::INT32: state->int32_range = elementwise::IntegerActivationRange<int32_t>(ctx, act); break;
    case DType::INT64: state->int64_range = elementwise::IntegerActivationRange<int64_t>(ctx, act); break;
    case DType::INT8:
    case DType::UINT8:
    case DType::INT16: {
      if (!a.quant() || !b.quant() || !out.quant()) ctx.Fail("quantized MUL needs quantization parameters on every tensor");
      state->range = QuantActivationRange(ctx, act, out);
      state->input1_offset = -a.zero_point();
      state->input2_offset = -b.zero_point();
      state->output_offset = out.zero_point();
      // TFLite computes the real multiplier in float.
      const float real_multiplier = a.scale() * b.scale() / out.scale();
      qmath::QuantizeMultiplier(real_multiplier, &state->output_multiplier, &state->output_shift);
      if (int16_to_8bit) {
        // TFLite's kernel for this pair has no broadcasting.
        if (a.shape != b.shape) ctx.Fail("int16 x int16 -> {} MUL needs equal input shapes", DTypeName(out.dtype));
        state->int16_to_8bit = true;
      } else if (a.dtype == DType::INT16 &&
                 (state->input1_offset != 0 || state->input2_offset != 0 || state->output_offset != 0)) {
        ctx.Fail("int16 MUL needs zero points of 0 (got {}, {} -> {})", a.zero_point(), b.zero_point(), out.zero_point());
      }
      break;
    }
    default: ctx.Fail("unsupported type {}", DTypeName(out.dtype));
  }
  ctx.state = std::move(state);
}

template <typename T>
void EvalQuantized(KernelContext& ctx, const MulState& s) {
  if (s.xnn) {
    return elementwise::ApplyBinary<T, T>(ctx, s.index, [&](T x, T y) {
      const int32_t product = (s.input1_offset + x) * (s.input2_offset + y);
      return static_cast<T>(xnn::Requantize(product, s.xnn_scale, s.output_offset, s.range.min, s.range.max));
    });
  }
  elementwise::ApplyBinary<T, T>(ctx, s.index, [&](T x, T y) {
    const int32_t product = (s.input1_offset + x) * (s.input2_offset + y);
    const int32_t result = s.output_offset + qmath::MultiplyByQuantizedMultiplier(product, s.output_multiplier, s.output_shift);
    return qmath::Clamp<T>(result, s.range.min, s.range.max);
  });
}

// Inputs are Q0.15 values; their rounded product is narrowed to 8 bits.
template <typename Out>
void EvalInt16To8Bit(KernelContext& ctx, const MulState& s) {
  elementwise::ApplyBinary<int16_t, Out>(ctx, s.index, [&](int16_t x, int16_t y) {
    int32_t product;
    if (x == INT16_MIN && y == INT16_MIN) {
      product = INT16_MAX;  // the one saturating case of the Q0.15 product
    } else {
      const int32_t ab = int32_t{x} * y;
      product = (ab + (ab >= 0 ? (1 << 14) : 1 - (1 << 14))) / (1 << 15);
    }
    const int32_t rescaled = qmath::RoundingDivideByPOT(product, 8);
    const int32_t clamped =
        std::max(s.range.min - s.output_offset, std::min(s.range.max - s.output_offset, rescaled));
    return static_cast<Out>(s.output_offset + clamped);
  });
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<MulState>();
  switch (ctx.output(0).dtype) {
    case DType::FLOAT32:
      return elementwise::ApplyBinary<float, float>(ctx, s.index,
                                                    [&](float x, float y) { return s.float_range.Apply(x * y); });
    case DType::INT32:
      return elementwise::ApplyBinary<int32_t, int32_t>(
          ctx, s.index, [&](int32_t x, int32_t y) { return s.int32_range.Apply(elementwise::WrapMul(x, y)); });
    case DType::INT64:
      return elementwise::ApplyBinary<int64_t, int64_t>(
          ctx, s.index, [&](int64_t x, int64_t y) { return s.int64_range.Apply(elementwise::WrapMul(x, y)); });
    case DType::INT8: return s.int16_to_8bit ? EvalInt16To8Bit<int8_t>(ctx, s) : EvalQuantized<int8_t>(ctx, s);
    case DType::UINT8: return s.int16_to_8bit ? EvalInt16To8Bit<uint8_t>(ctx, s) : EvalQuantized<uint8_t>(ctx, s);
    case DType::INT16: return EvalQuantized<int16_t>(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.output(0).dtype));
  }
}

// ---- xnnpack flavor ----

// The delegate's VisitMulNode for 8-bit tensors: inputs and output of one
// type, per-tensor quantization, a product-to-output scale ratio
// a_scale * b_scale / out_scale in [2^-16, 2^8), an activation XNNPACK can
// clamp.
bool XnnpackAccepts(const KernelContext& ctx) {
  if (ctx.inputs.size() != 2 || ctx.outputs.size() != 1) return false;
  const RuntimeTensor* a = ctx.inputs[0];
  const RuntimeTensor* b = ctx.inputs[1];
  const RuntimeTensor* out = ctx.outputs[0];
  if (a == nullptr || b == nullptr || out == nullptr) return false;
  const DType t = out->dtype;
  if (t != DType::UINT8 && t != DType::INT8) return false;
  if (!xnn::PerTensor8(*a, t) || !xnn::PerTensor8(*b, t) || !xnn::PerTensor8(*out, t)) return false;
  const float ratio = a->scale() * b->scale() / out->scale();
  if (!(ratio >= 0x1.0p-16f && ratio < 0x1.0p+8f)) return false;
  return xnn::ActivationSupported(ctx.options_or_default<tflite::MulOptionsT>().fused_activation_function);
}

void XnnpackPrepare(KernelContext& ctx) {
  Prepare(ctx);
  auto& s = ctx.state_as<MulState>();
  const RuntimeTensor& out = ctx.output(0);
  s.xnn = true;
  s.xnn_scale = ctx.input(0).scale() * ctx.input(1).scale() / out.scale();
  s.range = xnn::ActivationRange(ctx, ctx.options_or_default<tflite::MulOptionsT>().fused_activation_function, out);
}

}  // namespace

TFD_REGISTER_KERNEL(MUL, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(MUL, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(MUL, DType::INT64, Prepare, Eval);
TFD_REGISTER_KERNEL(MUL, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(MUL, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(MUL, DType::INT16, Prepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(MUL, DType::INT8, XnnpackAccepts, XnnpackPrepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(MUL, DType::UINT8, XnnpackAccepts, XnnpackPrepare, Eval);

}  // namespace tfd
