// SQUARED_DIFFERENCE: (a - b)^2 elementwise with broadcasting.
// float32; int32 (wrapping); int8 with TFLite's fixed-point path: both
// inputs at twice the larger input scale with 7 bits of headroom, the
// difference squared in int32, then one output rescale.
#include <algorithm>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_binary.h"
#include "kernels/internal/quant_math.h"

namespace tfd {
namespace {

constexpr int kLeftShift = 7;

struct SquaredDifferenceState : KernelState {
  BroadcastIndex index;
  int32_t input1_offset = 0, input2_offset = 0, output_offset = 0;
  int32_t input1_multiplier = 0, input2_multiplier = 0, output_multiplier = 0;
  int input1_shift = 0, input2_shift = 0, output_shift = 0;
};

void Prepare(KernelContext& ctx) {
  auto state = std::make_unique<SquaredDifferenceState>();
  state->index = elementwise::PrepareBroadcastBinary(ctx);
  const RuntimeTensor& a = ctx.input(0);
  const RuntimeTensor& b = ctx.input(1);
  const RuntimeTensor& out = ctx.output(0);
  switch (out.dtype) {
    case DType::FLOAT32:
    case DType::INT32: break;
    case DType::INT8: {
      if (!a.quant() || !b.quant() || !out.quant())
        ctx.Fail("quantized SQUARED_DIFFERENCE needs quantization parameters on every tensor");
      for (const RuntimeTensor* t : {&a, &b, &out})
        if (t->zero_point() < -128 || t->zero_point() > 127)
          ctx.Fail("zero point {} of '{}' is outside the int8 range", t->zero_point(), t->name());
      state->input1_offset = -a.zero_point();
      state->input2_offset = -b.zero_point();
      state->output_offset = out.zero_point();
      const double twice_max_input_scale = 2.0 * std::max(a.scale(), b.scale());
      const double real_output_multiplier =
          twice_max_input_scale * twice_max_input_scale / ((1 << (2 * kLeftShift)) * static_cast<double>(out.scale()));
      // TFLite's QuantizeMultiplierSmallerThanOneExp aborts outside (0, 1).
      if (!(real_output_multiplier > 0.0 && real_output_multiplier < 1.0))
        ctx.Fail("output rescale factor {} is outside (0, 1): output scale {} is too small for input scales {} and {}",
                 real_output_multiplier, out.scale(), a.scale(), b.scale());
      qmath::QuantizeMultiplierSmallerThanOneExp(a.scale() / twice_max_input_scale, &state->input1_multiplier,
                                                 &state->input1_shift);
      qmath::QuantizeMultiplierSmallerThanOneExp(b.scale() / twice_max_input_scale, &state->input2_multiplier,
                                                 &state->input2_shift);
      qmath::QuantizeMultiplierSmallerThanOneExp(real_output_multiplier, &state->output_multiplier, &state->output_shift);
      break;
    }
    default: ctx.Fail("unsupported type {} (SQUARED_DIFFERENCE takes float32, int32 and int8)", DTypeName(out.dtype));
  }
  ctx.state = std::move(state);
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<SquaredDifferenceState>();
  switch (ctx.output(0).dtype) {
    case DType::FLOAT32:
      return elementwise::ApplyBinary<float, float>(ctx, s.index, [](float x, float y) {
        const float d = x - y;
        return d * d;
      });
    case DType::INT32:
      return elementwise::ApplyBinary<int32_t, int32_t>(ctx, s.index, [](int32_t x, int32_t y) {
        const int32_t d = elementwise::WrapSub(x, y);
        return elementwise::WrapMul(d, d);
      });
    case DType::INT8:
      return elementwise::ApplyBinary<int8_t, int8_t>(ctx, s.index, [&](int8_t x, int8_t y) {
        const int32_t shifted1 = (s.input1_offset + x) * (1 << kLeftShift);
        const int32_t shifted2 = (s.input2_offset + y) * (1 << kLeftShift);
        const int32_t scaled1 =
            qmath::MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, s.input1_multiplier, s.input1_shift);
        const int32_t scaled2 =
            qmath::MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, s.input2_multiplier, s.input2_shift);
        const int32_t diff = scaled1 - scaled2;
        // At most 255^2 * 2^14: fits in int32.
        const int32_t squared = diff * diff;
        const int32_t result =
            qmath::MultiplyByQuantizedMultiplierSmallerThanOneExp(squared, s.output_multiplier, s.output_shift) +
            s.output_offset;
        return qmath::Clamp<int8_t>(result, -128, 127);
      });
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.output(0).dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(SQUARED_DIFFERENCE, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(SQUARED_DIFFERENCE, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(SQUARED_DIFFERENCE, DType::INT8, Prepare, Eval);

}  // namespace tfd
