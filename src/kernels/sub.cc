// SUB: elementwise difference with broadcasting and a fused activation.
// float32, int32, int64 (wrapping, activation clamp at 0/6/+-1); int8/uint8
// and int16 with ADD's general-scale fixed-point arithmetic, subtracting the
// rescaled second input; int16 also with the power-of-two-scale path.
//
// xnnpack flavor (int8, uint8): the nodes TFLite's XNNPACK delegate takes,
// with XNNPACK's subtract: its fixed-point add with the second input's ratio
// negated (kernels/internal/xnnpack.h).
#include "interpreter/kernel_registry.h"
#include "kernels/internal/activation.h"
#include "kernels/internal/elementwise_binary.h"
#include "kernels/internal/xnnpack.h"

namespace tfd {
namespace {

struct SubState : KernelState {
  BroadcastIndex index;
  FloatRange float_range;
  elementwise::IntegerRange<int32_t> int32_range;
  elementwise::IntegerRange<int64_t> int64_range;
  elementwise::QuantizedAddSubParams general;
  std::optional<elementwise::PotInt16Params> pot_int16;
  std::optional<xnn::AddParams> xnn;  // xnnpack flavor
};

void Prepare(KernelContext& ctx) {
  auto state = std::make_unique<SubState>();
  state->index = elementwise::PrepareBroadcastBinary(ctx);
  const RuntimeTensor& a = ctx.input(0);
  const RuntimeTensor& b = ctx.input(1);
  const RuntimeTensor& out = ctx.output(0);
  const tflite::SubOptionsT* options = ctx.options<tflite::SubOptionsT>();
  const Activation act = options ? options->fused_activation_function : Activation::NONE;
  switch (out.dtype) {
    case DType::FLOAT32: state->float_range = FloatActivationRange(ctx, act); break;
    case DType::INT32: state->int32_range = elementwise::IntegerActivationRange<int32_t>(ctx, act); break;
    case DType::INT64: state->int64_range = elementwise::IntegerActivationRange<int64_t>(ctx, act); break;
    case DType::INT8:
    case DType::UINT8:
      state->general = elementwise::PrepareQuantizedAddSub(ctx, a, b, out, act, /*subtract=*/true);
      break;
    case DType::INT16: {
      if (!a.quant() || !b.quant() || !out.quant()) ctx.Fail("quantized SUB needs quantization parameters on every tensor");
      if (a.zero_point() != 0 || b.zero_point() != 0 || out.zero_point() != 0)
        ctx.Fail("int16 SUB needs zero points of 0 (got {}, {} -> {})", a.zero_point(), b.zero_point(), out.zero_point());
      // Without options TFLite's parameters are zeroed: the general path.
      if (options && options->pot_scale_int16)
        state->pot_int16 = elementwise::PreparePotInt16(ctx, a, b, out, act, /*subtract=*/true);
      if (!state->pot_int16) state->general = elementwise::PrepareQuantizedAddSub(ctx, a, b, out, act, /*subtract=*/true);
      break;
    }
    default: ctx.Fail("unsupported type {}", DTypeName(out.dtype));
  }
  ctx.state = std::move(state);
}

template <typename T>
void EvalQuantized(KernelContext& ctx, const SubState& s) {
  elementwise::ApplyBinary<T, T>(ctx, s.index, [&](T x, T y) { return elementwise::QuantizedAddSub(s.general, x, y); });
}

template <typename T>
void EvalXnnpack(KernelContext& ctx, const SubState& s) {
  elementwise::ApplyBinary<T, T>(ctx, s.index, [&](T x, T y) { return static_cast<T>(xnn::Add(*s.xnn, x, y)); });
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<SubState>();
  if (s.xnn) return ctx.output(0).dtype == DType::INT8 ? EvalXnnpack<int8_t>(ctx, s) : EvalXnnpack<uint8_t>(ctx, s);
  switch (ctx.output(0).dtype) {
    case DType::FLOAT32:
      return elementwise::ApplyBinary<float, float>(ctx, s.index,
                                                    [&](float x, float y) { return s.float_range.Apply(x - y); });
    case DType::INT32:
      return elementwise::ApplyBinary<int32_t, int32_t>(
          ctx, s.index, [&](int32_t x, int32_t y) { return s.int32_range.Apply(elementwise::WrapSub(x, y)); });
    case DType::INT64:
      return elementwise::ApplyBinary<int64_t, int64_t>(
          ctx, s.index, [&](int64_t x, int64_t y) { return s.int64_range.Apply(elementwise::WrapSub(x, y)); });
    case DType::INT8: return EvalQuantized<int8_t>(ctx, s);
    case DType::UINT8: return EvalQuantized<uint8_t>(ctx, s);
    case DType::INT16:
      if (s.pot_int16)
        return elementwise::ApplyBinary<int16_t, int16_t>(
            ctx, s.index, [&](int16_t x, int16_t y) { return elementwise::PotInt16AddSub(*s.pot_int16, x, y); });
      return EvalQuantized<int16_t>(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.output(0).dtype));
  }
}

// ---- xnnpack flavor ----

// The delegate's rule for an 8-bit node (xnn::AcceptsAddOrSub8).
bool XnnpackAccepts(const KernelContext& ctx) {
  return xnn::AcceptsAddOrSub8(ctx, ctx.options_or_default<tflite::SubOptionsT>().fused_activation_function);
}

void XnnpackPrepare(KernelContext& ctx) {
  Prepare(ctx);
  auto& s = ctx.state_as<SubState>();
  s.xnn = xnn::PrepareSubtract(ctx, ctx.input(0), ctx.input(1), ctx.output(0),
                               ctx.options_or_default<tflite::SubOptionsT>().fused_activation_function);
}

}  // namespace

TFD_REGISTER_KERNEL(SUB, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(SUB, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(SUB, DType::INT64, Prepare, Eval);
TFD_REGISTER_KERNEL(SUB, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(SUB, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(SUB, DType::INT16, Prepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(SUB, DType::INT8, XnnpackAccepts, XnnpackPrepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(SUB, DType::UINT8, XnnpackAccepts, XnnpackPrepare, Eval);

}  // namespace tfd
