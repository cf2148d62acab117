// DIV: elementwise quotient with broadcasting and a fused activation.
// float32 (IEEE division: x/0 gives inf or nan, then the activation clamp);
// int32 (truncating, activation clamp at 0/6/+-1; a zero divisor is an
// error); uint8 with TFLite's fixed-point reciprocal (Newton-Raphson) and
// output rescale.
#include "interpreter/kernel_registry.h"
#include "kernels/internal/activation.h"
#include "kernels/internal/elementwise_binary.h"
#include "kernels/internal/elementwise_fixedpoint.h"
#include "kernels/internal/quant_math.h"

namespace tfd {
namespace {

namespace fp = elementwise::fixedpoint;

struct DivState : KernelState {
  BroadcastIndex index;
  FloatRange float_range;
  elementwise::IntegerRange<int32_t> int32_range;
  int32_t input1_offset = 0, input2_offset = 0, output_offset = 0;
  int32_t output_multiplier = 0;
  int output_shift = 0;
  QuantRange range;
};

void Prepare(KernelContext& ctx) {
  auto state = std::make_unique<DivState>();
  state->index = elementwise::PrepareBroadcastBinary(ctx);
  const RuntimeTensor& a = ctx.input(0);
  const RuntimeTensor& b = ctx.input(1);
  const RuntimeTensor& out = ctx.output(0);
  const Activation act = ctx.options_or_default<tflite::DivOptionsT>().fused_activation_function;
  switch (out.dtype) {
    case DType::FLOAT32: state->float_range = FloatActivationRange(ctx, act); break;
    case DType::INT32: state->int32_range = elementwise::IntegerActivationRange<int32_t>(ctx, act); break;
    case DType::UINT8: {
      if (!a.quant() || !b.quant() || !out.quant()) ctx.Fail("quantized DIV needs quantization parameters on every tensor");
      state->range = QuantActivationRange(ctx, act, out);
      state->input1_offset = -a.zero_point();
      state->input2_offset = -b.zero_point();
      state->output_offset = out.zero_point();
      // TFLite computes the real multiplier in float.
      const float real_multiplier = a.scale() / (b.scale() * out.scale());
      qmath::QuantizeMultiplier(real_multiplier, &state->output_multiplier, &state->output_shift);
      break;
    }
    default: ctx.Fail("unsupported type {} (DIV takes float32, int32 and uint8)", DTypeName(out.dtype));
  }
  ctx.state = std::move(state);
}

void EvalUint8(KernelContext& ctx, const DivState& s) {
  elementwise::ApplyBinary<uint8_t, uint8_t>(ctx, s.index, [&](uint8_t x, uint8_t y) {
    int32_t numerator = s.input1_offset + x;
    int32_t denominator = s.input2_offset + y;
    if (denominator == 0) ctx.Fail("division by zero: divisor value {} is the zero point", y);
    // The reciprocal needs a positive divisor: move the sign to the numerator.
    if (denominator < 0) {
      numerator = -numerator;
      denominator = -denominator;
    }
    int reciprocal_shift;
    const int32_t reciprocal = fp::GetReciprocal(denominator, 31, &reciprocal_shift);
    const int headroom = fp::CountLeadingSignBits(numerator);
    const int32_t unscaled_quotient = qmath::MultiplyByQuantizedMultiplierGreaterThanOne(numerator, reciprocal, headroom);
    const int total_shift = s.output_shift - reciprocal_shift - headroom;
    const int32_t result =
        s.output_offset + fp::MultiplySmallerThanOneExpWrapped(unscaled_quotient, s.output_multiplier, total_shift);
    return qmath::Clamp<uint8_t>(result, s.range.min, s.range.max);
  });
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<DivState>();
  switch (ctx.output(0).dtype) {
    case DType::FLOAT32:
      return elementwise::ApplyBinary<float, float>(ctx, s.index,
                                                    [&](float x, float y) { return s.float_range.Apply(x / y); });
    case DType::INT32:
      return elementwise::ApplyBinary<int32_t, int32_t>(ctx, s.index, [&](int32_t x, int32_t y) {
        if (y == 0) ctx.Fail("division by zero in int32 DIV");
        // INT32_MIN / -1 overflows; it wraps to INT32_MIN.
        const int32_t q = (y == -1) ? elementwise::WrapSub<int32_t>(0, x) : x / y;
        return s.int32_range.Apply(q);
      });
    case DType::UINT8: return EvalUint8(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.output(0).dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(DIV, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(DIV, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(DIV, DType::UINT8, Prepare, Eval);

}  // namespace tfd
