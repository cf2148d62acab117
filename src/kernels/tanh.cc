// TANH.
//   float32: std::tanh in float.
//   int8, uint8: TFLite's 256-entry table of the float function (any scales).
//   int16 (zero points 0, output scale 1/32768): for input scales 2^-12 and
//     2^-11 TFLite runs gemmlowp's fixed-point tanh on Q3.12 (the latter after
//     a saturating doubling); for any other scale it rescales the input and
//     interpolates in its sigmoid table (tanh(x) = 2 sigmoid(2x) - 1).
#include <cmath>
#include <memory>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_common.h"
#include "kernels/internal/act_fixedpoint.h"
#include "kernels/internal/act_lut.h"

namespace tfd {
namespace {

struct TanhState : KernelState {
  uint8_t table[256] = {};          // 8-bit: indexed by the input's bit pattern
  bool int16_fixed_point = false;   // int16 with input scale 2^-12 or 2^-11
  int int16_left_shift = 0;         // 1 for 2^-11
  actlut::Int16TableRescale rescale;  // int16, other scales
};

float Tanh(float x) { return std::tanh(x); }

void Prepare(KernelContext& ctx) {
  act::PrepareUnaryShape(ctx);
  act::RequireSameType(ctx);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  auto state = std::make_unique<TanhState>();
  if (act::Is8Bit(in.dtype)) {
    act::RequirePerTensorQuant(ctx, in, "input");
    act::RequirePerTensorQuant(ctx, out, "output");
    if (in.dtype == DType::INT8) {
      actlut::Populate8Bit<int8_t>(in.scale(), in.zero_point(), out.scale(), out.zero_point(), Tanh,
                                   reinterpret_cast<int8_t*>(state->table));
    } else {
      actlut::Populate8Bit<uint8_t>(in.scale(), in.zero_point(), out.scale(), out.zero_point(), Tanh, state->table);
    }
  } else if (in.dtype == DType::INT16) {
    act::RequirePerTensorQuant(ctx, in, "input");
    act::RequirePerTensorQuant(ctx, out, "output");
    if (in.zero_point() != 0 || out.zero_point() != 0)
      ctx.Fail("int16 requires zero points of 0 (input {}, output {})", in.zero_point(), out.zero_point());
    int out_log2 = 0;
    if (!act::CheckedLog2(out.scale(), &out_log2) || out_log2 != -15)
      ctx.Fail("int16 output scale must be 1/32768, got {}", out.scale());
    int in_log2 = 0;
    const bool pot = act::CheckedLog2(in.scale(), &in_log2);
    const int left_shift = (15 - 3) + in_log2;
    state->int16_fixed_point = pot && (left_shift == 0 || left_shift == 1);
    state->int16_left_shift = left_shift;
    if (!state->int16_fixed_point) state->rescale = actlut::Int16TableRescaleForScale(in.scale());
  } else if (in.dtype != DType::FLOAT32) {
    ctx.Fail("unsupported type {}", DTypeName(in.dtype));
  }
  ctx.state = std::move(state);
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<TanhState>();
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  const int64_t n = out.NumElements();
  switch (in.dtype) {
    case DType::FLOAT32: {
      const float* x = in.As<float>();
      float* y = out.As<float>();
      for (int64_t i = 0; i < n; ++i) y[i] = Tanh(x[i]);
      return;
    }
    case DType::INT8:
    case DType::UINT8: {
      const uint8_t* x = in.As<uint8_t>();
      uint8_t* y = out.As<uint8_t>();
      for (int64_t i = 0; i < n; ++i) y[i] = s.table[x[i]];
      return;
    }
    case DType::INT16: {
      const int16_t* x = in.As<int16_t>();
      int16_t* y = out.As<int16_t>();
      if (s.int16_fixed_point) {
        for (int64_t i = 0; i < n; ++i) {
          const int16_t q312 = actfp::SatRoundMulPot<int16_t>(x[i], s.int16_left_shift);
          y[i] = actfp::Tanh(actfp::Fx<int16_t, 3>::FromRaw(q312)).raw;
        }
      } else {
        for (int64_t i = 0; i < n; ++i) y[i] = actlut::Int16TanhFromTable(s.rescale.Apply(x[i]));
      }
      return;
    }
    default: ctx.Fail("unsupported type {}", DTypeName(in.dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(TANH, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(TANH, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(TANH, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(TANH, DType::INT16, Prepare, Eval);

}  // namespace tfd
