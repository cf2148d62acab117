// LEAKY_RELU: x > 0 ? x : alpha * x. float32; int8, uint8 and int16 (zero
// points 0) with TFLite's two requantizations: the identity branch by
// input_scale / output_scale, the negative branch by
// input_scale * alpha / output_scale.
//
// xnnpack flavor (int8, uint8): the nodes TFLite's XNNPACK delegate takes,
// with XNNPACK's leaky ReLU: the centered input times round(256 * ratio) for
// its sign (ratio = in/out, or alpha * in/out), plus 128, shifted right by 8
// (kernels/internal/xnnpack.h).
#include <algorithm>
#include <cmath>
#include <memory>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_common.h"
#include "kernels/internal/xnnpack.h"

namespace tfd {
namespace {

struct LeakyReluState : KernelState {
  float alpha = 0.0f;
  act::Rescale identity, negative;
  int32_t input_zero_point = 0, output_zero_point = 0;
  bool xnn = false;  // xnnpack flavor
  int32_t xnn_positive = 0, xnn_negative = 0;
};

void Prepare(KernelContext& ctx) {
  act::PrepareUnaryShape(ctx);
  act::RequireSameType(ctx);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  auto state = std::make_unique<LeakyReluState>();
  state->alpha = ctx.options_or_default<tflite::LeakyReluOptionsT>().alpha;
  if (in.dtype == DType::INT8 || in.dtype == DType::UINT8 || in.dtype == DType::INT16) {
    act::RequirePerTensorQuant(ctx, in, "input");
    act::RequirePerTensorQuant(ctx, out, "output");
    if (in.dtype == DType::INT16 && (in.zero_point() != 0 || out.zero_point() != 0))
      ctx.Fail("int16 requires zero points of 0 (input {}, output {})", in.zero_point(), out.zero_point());
    // Float products and quotients, widened afterwards: TFLite's exact inputs.
    state->negative = act::MakeRescale(static_cast<double>(in.scale() * state->alpha / out.scale()));
    state->identity = act::MakeRescale(static_cast<double>(in.scale() / out.scale()));
    state->input_zero_point = in.zero_point();
    state->output_zero_point = out.zero_point();
  } else if (in.dtype != DType::FLOAT32) {
    ctx.Fail("unsupported type {}", DTypeName(in.dtype));
  }
  ctx.state = std::move(state);
}

template <typename T>
void EvalQuantized(KernelContext& ctx, const LeakyReluState& s) {
  const T* in = ctx.input(0).As<T>();
  T* out = ctx.output(0).As<T>();
  const act::IntRange range = act::QuantizedRange(ctx.output(0).dtype);
  const int64_t n = ctx.output(0).NumElements();
  if (s.xnn) {
    const QuantRange xrange{range.min, range.max};
    for (int64_t i = 0; i < n; ++i) {
      const int32_t x = static_cast<int32_t>(in[i]) - s.input_zero_point;
      out[i] = static_cast<T>(xnn::Rescale256(x, x >= 0 ? s.xnn_positive : s.xnn_negative, s.output_zero_point, xrange));
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = static_cast<int32_t>(in[i]) - s.input_zero_point;
    const int32_t v = s.output_zero_point + (x >= 0 ? s.identity.Apply(x) : s.negative.Apply(x));
    out[i] = static_cast<T>(std::min(std::max(v, range.min), range.max));
  }
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<LeakyReluState>();
  switch (ctx.input(0).dtype) {
    case DType::FLOAT32: {
      const float* in = ctx.input(0).As<float>();
      float* out = ctx.output(0).As<float>();
      const int64_t n = ctx.output(0).NumElements();
      // alpha may exceed 1 or be negative, so this is not max(x, alpha * x).
      for (int64_t i = 0; i < n; ++i) out[i] = in[i] > 0 ? in[i] : in[i] * s.alpha;
      return;
    }
    case DType::INT8: return EvalQuantized<int8_t>(ctx, s);
    case DType::UINT8: return EvalQuantized<uint8_t>(ctx, s);
    case DType::INT16: return EvalQuantized<int16_t>(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.input(0).dtype));
  }
}

// ---- xnnpack flavor ----

// The delegate's VisitLeakyReluNode for 8-bit tensors (XNNPACK's checks):
// input and output of one type with per-tensor quantization; the positive
// ratio in/out in [2^-8, 2^7], the negative one alpha * in/out in
// [-2^7, 2^7] and at least 2^-8 in magnitude.
bool XnnpackAccepts(const KernelContext& ctx) {
  if (ctx.inputs.size() != 1 || ctx.outputs.size() != 1) return false;
  const RuntimeTensor* in = ctx.inputs[0];
  const RuntimeTensor* out = ctx.outputs[0];
  if (in == nullptr || out == nullptr) return false;
  const DType t = in->dtype;
  if ((t != DType::INT8 && t != DType::UINT8) || !xnn::PerTensor8(*in, t) || !xnn::PerTensor8(*out, t)) return false;
  const float positive = in->scale() / out->scale();
  const float negative = positive * ctx.options_or_default<tflite::LeakyReluOptionsT>().alpha;
  if (!(positive >= 0x1.0p-8f && positive <= 0x1.0p+7f)) return false;
  return negative >= -0x1.0p+7f && negative <= 0x1.0p+7f && std::fabs(negative) >= 0x1.0p-8f;
}

void XnnpackPrepare(KernelContext& ctx) {
  Prepare(ctx);
  auto& s = ctx.state_as<LeakyReluState>();
  const float positive = ctx.input(0).scale() / ctx.output(0).scale();
  s.xnn = true;
  s.xnn_positive = xnn::Multiplier256(positive);
  s.xnn_negative = xnn::Multiplier256(positive * s.alpha);
}

}  // namespace

TFD_REGISTER_KERNEL(LEAKY_RELU, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(LEAKY_RELU, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(LEAKY_RELU, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(LEAKY_RELU, DType::INT16, Prepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(LEAKY_RELU, DType::INT8, XnnpackAccepts, XnnpackPrepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(LEAKY_RELU, DType::UINT8, XnnpackAccepts, XnnpackPrepare, Eval);

}  // namespace tfd
