// ADD: elementwise sum with broadcasting and a fused activation.
// float32, int32, int64; int8/uint8 and int16 with TFLite's fixed-point
// rescaling (general scales), plus its power-of-two int16 path.
#include <cmath>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/activation.h"
#include "kernels/internal/broadcast.h"
#include "kernels/internal/quant_math.h"

namespace tfd {
namespace {

struct AddState : KernelState {
  BroadcastIndex index;
  FloatRange float_range;
  QuantRange quant_range;
  // General quantized path.
  int left_shift = 0;
  int32_t input1_offset = 0, input2_offset = 0, output_offset = 0;
  int32_t input1_multiplier = 0, input2_multiplier = 0, output_multiplier = 0;
  int input1_shift = 0, input2_shift = 0, output_shift = 0;
  // int16 with power-of-two scales and zero points of 0.
  bool pot_int16 = false;
};

// log2(x) when x is (within 1e-3 in the exponent) a power of two.
bool PowerOfTwoExponent(float x, int* exponent) {
  const double log2 = std::log2(static_cast<double>(x));
  *exponent = static_cast<int>(std::round(log2));
  return std::abs(log2 - *exponent) < 1e-3;
}

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 2, 1);
  RuntimeTensor& a = ctx.input(0);
  RuntimeTensor& b = ctx.input(1);
  RuntimeTensor& out = ctx.output(0);
  if (a.dtype != b.dtype || a.dtype != out.dtype)
    ctx.Fail("input and output types differ ({}, {} -> {})", DTypeName(a.dtype), DTypeName(b.dtype), DTypeName(out.dtype));
  auto shape = BroadcastShapes(a.shape, b.shape);
  if (!shape) ctx.Fail("cannot broadcast shapes {} and {}", ShapeString(a.shape), ShapeString(b.shape));
  ctx.ResizeOutput(0, *shape);
  auto state = std::make_unique<AddState>();
  state->index = BroadcastIndex(a.shape, b.shape, *shape);
  const auto options = ctx.options_or_default<tflite::AddOptionsT>();
  const Activation act = options.fused_activation_function;
  if (out.dtype == DType::FLOAT32) {
    state->float_range = FloatActivationRange(ctx, act);
  } else if (out.dtype == DType::INT32 || out.dtype == DType::INT64) {
    // Integer (not quantized) activations clamp at the real values 0, 6, +-1.
    const FloatRange r = FloatActivationRange(ctx, act);
    state->quant_range.min = std::isinf(r.min) ? std::numeric_limits<int32_t>::min() : static_cast<int32_t>(r.min);
    state->quant_range.max = std::isinf(r.max) ? std::numeric_limits<int32_t>::max() : static_cast<int32_t>(r.max);
    if (act != Activation::NONE && out.dtype == DType::INT64) ctx.Fail("fused activation on int64 ADD");
  } else if (out.dtype == DType::INT8 || out.dtype == DType::UINT8 || out.dtype == DType::INT16) {
    if (!a.quant() || !b.quant() || !out.quant()) ctx.Fail("quantized ADD needs quantization parameters on every tensor");
    state->quant_range = QuantActivationRange(ctx, act, out);
    bool general = true;
    if (out.dtype == DType::INT16 && options.pot_scale_int16) {
      int ea, eb, eo;
      general = !(PowerOfTwoExponent(a.scale(), &ea) && PowerOfTwoExponent(b.scale(), &eb) &&
                  PowerOfTwoExponent(out.scale(), &eo));
      if (!general) {
        if (a.zero_point() != 0 || b.zero_point() != 0 || out.zero_point() != 0)
          ctx.Fail("int16 ADD with power-of-two scales needs zero points of 0");
        state->pot_int16 = true;
        state->input1_shift = ea - eo;
        state->input2_shift = eb - eo;
        if (!(state->input1_shift == 0 || state->input2_shift == 0) || state->input1_shift > 0 || state->input2_shift > 0)
          ctx.Fail("int16 ADD can rescale only one input, downwards (shifts {}, {})", state->input1_shift, state->input2_shift);
      }
    }
    if (general) {
      state->left_shift = out.dtype == DType::INT16 ? 15 : 20;
      state->input1_offset = -a.zero_point();
      state->input2_offset = -b.zero_point();
      state->output_offset = out.zero_point();
      const double twice_max_input_scale = 2.0 * std::max(a.scale(), b.scale());
      qmath::QuantizeMultiplierSmallerThanOneExp(a.scale() / twice_max_input_scale, &state->input1_multiplier, &state->input1_shift);
      qmath::QuantizeMultiplierSmallerThanOneExp(b.scale() / twice_max_input_scale, &state->input2_multiplier, &state->input2_shift);
      qmath::QuantizeMultiplierSmallerThanOneExp(twice_max_input_scale / ((1 << state->left_shift) * static_cast<double>(out.scale())),
                                                 &state->output_multiplier, &state->output_shift);
    }
  } else {
    ctx.Fail("unsupported type {}", DTypeName(out.dtype));
  }
  ctx.state = std::move(state);
}

template <typename T>
void EvalQuantizedGeneral(KernelContext& ctx, const AddState& s) {
  const T* a = ctx.input(0).As<T>();
  const T* b = ctx.input(1).As<T>();
  T* out = ctx.output(0).As<T>();
  s.index.ForEach([&](int64_t i, int64_t ia, int64_t ib) {
    const int32_t x1 = (s.input1_offset + a[ia]) * (1 << s.left_shift);
    const int32_t x2 = (s.input2_offset + b[ib]) * (1 << s.left_shift);
    const int32_t scaled1 = qmath::MultiplyByQuantizedMultiplierSmallerThanOneExp(x1, s.input1_multiplier, s.input1_shift);
    const int32_t scaled2 = qmath::MultiplyByQuantizedMultiplierSmallerThanOneExp(x2, s.input2_multiplier, s.input2_shift);
    const int32_t raw = qmath::MultiplyByQuantizedMultiplierSmallerThanOneExp(scaled1 + scaled2, s.output_multiplier,
                                                                              s.output_shift) + s.output_offset;
    out[i] = qmath::Clamp<T>(raw, s.quant_range.min, s.quant_range.max);
  });
}

void EvalInt16PowerOfTwo(KernelContext& ctx, const AddState& s) {
  const int16_t* a = ctx.input(0).As<int16_t>();
  const int16_t* b = ctx.input(1).As<int16_t>();
  int16_t* out = ctx.output(0).As<int16_t>();
  // One operand is already at the output scale; the other is shifted down.
  const bool shift_first = s.input1_shift != 0;
  const int shift = shift_first ? -s.input1_shift : -s.input2_shift;
  s.index.ForEach([&](int64_t i, int64_t ia, int64_t ib) {
    const int32_t ready = shift_first ? b[ib] : a[ia];
    const int32_t shifted = qmath::RoundingDivideByPOT(shift_first ? a[ia] : b[ib], shift);
    int32_t sum = std::min<int32_t>(32767, std::max<int32_t>(-32768, ready + shifted));
    out[i] = qmath::Clamp<int16_t>(sum, s.quant_range.min, s.quant_range.max);
  });
}

template <typename T>
void EvalPlain(KernelContext& ctx, const AddState& s) {
  const T* a = ctx.input(0).As<T>();
  const T* b = ctx.input(1).As<T>();
  T* out = ctx.output(0).As<T>();
  if constexpr (std::is_same_v<T, float>) {
    s.index.ForEach([&](int64_t i, int64_t ia, int64_t ib) { out[i] = s.float_range.Apply(a[ia] + b[ib]); });
  } else if constexpr (std::is_same_v<T, int32_t>) {
    s.index.ForEach([&](int64_t i, int64_t ia, int64_t ib) {
      // Wrapping like TFLite's int32 add (two's complement), then the activation clamp.
      int32_t v = static_cast<int32_t>(static_cast<uint32_t>(a[ia]) + static_cast<uint32_t>(b[ib]));
      out[i] = std::min(std::max(v, s.quant_range.min), s.quant_range.max);
    });
  } else {
    s.index.ForEach([&](int64_t i, int64_t ia, int64_t ib) {
      out[i] = static_cast<T>(static_cast<uint64_t>(a[ia]) + static_cast<uint64_t>(b[ib]));
    });
  }
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<AddState>();
  switch (ctx.output(0).dtype) {
    case DType::FLOAT32: return EvalPlain<float>(ctx, s);
    case DType::INT32: return EvalPlain<int32_t>(ctx, s);
    case DType::INT64: return EvalPlain<int64_t>(ctx, s);
    case DType::INT8: return EvalQuantizedGeneral<int8_t>(ctx, s);
    case DType::UINT8: return EvalQuantizedGeneral<uint8_t>(ctx, s);
    case DType::INT16: return s.pot_int16 ? EvalInt16PowerOfTwo(ctx, s) : EvalQuantizedGeneral<int16_t>(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.output(0).dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(ADD, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(ADD, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(ADD, DType::INT64, Prepare, Eval);
TFD_REGISTER_KERNEL(ADD, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(ADD, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(ADD, DType::INT16, Prepare, Eval);

}  // namespace tfd
