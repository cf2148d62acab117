#pragma once
// LOGISTIC and TANH run the same way and differ only in the function and in
// what TFLite checks and accepts; each op gives those in a `Fn` struct:
//   static float Float(float)            the function in float (float32 path
//                                         and 8-bit tables)
//   static constexpr bool kExactOutputScale
//                                         TFLite requires the output scale to
//                                         be exactly 1/256 (8-bit) and 1/32768
//                                         (int16), not only the right power of
//                                         two
//   static constexpr int kMaxFixedPointLeftShift
//                                         the int16 fixed-point path takes
//                                         input scales 2^-12 .. 2^(-12 + this)
//                                         (the input is doubled to Q3.12)
//   static int16_t FixedPoint(actfp::Fx<int16_t, 3>)
//                                         gemmlowp's function on Q3.12, raw
//   static int16_t FromTable(int32_t)    TFLite's interpolation in its sigmoid
//                                         table (other int16 input scales)
//
//   float32: computed in float.
//   int8, uint8: TFLite's 256-entry table of the float function.
//   int16 (zero points 0, output scale 1/32768): fixed point for the input
//     scales above, else the input rescaled and the table interpolated.
#include <cstdint>
#include <memory>

#include "interpreter/kernel.h"
#include "kernels/internal/act_common.h"
#include "kernels/internal/act_fixedpoint.h"
#include "kernels/internal/act_lut.h"

namespace tfd::act {

struct LogisticTanhState : KernelState {
  uint8_t table[256] = {};            // 8-bit: indexed by the input's bit pattern
  bool int16_fixed_point = false;     // int16 with an input scale the fixed-point path takes
  int int16_left_shift = 0;           // fixed point: doublings that make the input Q3.12
  actlut::Int16TableRescale rescale;  // int16, other scales
};

template <typename Fn>
void PrepareLogisticTanh(KernelContext& ctx) {
  PrepareUnaryShape(ctx);
  RequireSameType(ctx);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  auto state = std::make_unique<LogisticTanhState>();
  if (Is8Bit(in.dtype)) {
    RequirePerTensorQuant(ctx, in, "input");
    RequirePerTensorQuant(ctx, out, "output");
    if (Fn::kExactOutputScale && out.scale() != 1.0f / 256)
      ctx.Fail("output scale must be 1/256, got {}", out.scale());
    if (in.dtype == DType::INT8) {
      actlut::Populate8Bit<int8_t>(in.scale(), in.zero_point(), out.scale(), out.zero_point(), Fn::Float,
                                   reinterpret_cast<int8_t*>(state->table));
    } else {
      actlut::Populate8Bit<uint8_t>(in.scale(), in.zero_point(), out.scale(), out.zero_point(), Fn::Float,
                                    state->table);
    }
  } else if (in.dtype == DType::INT16) {
    RequirePerTensorQuant(ctx, in, "input");
    RequirePerTensorQuant(ctx, out, "output");
    if (in.zero_point() != 0 || out.zero_point() != 0)
      ctx.Fail("int16 requires zero points of 0 (input {}, output {})", in.zero_point(), out.zero_point());
    int out_log2 = 0;
    if ((Fn::kExactOutputScale && out.scale() != 1.0f / 32768) || !CheckedLog2(out.scale(), &out_log2) ||
        out_log2 != -15)
      ctx.Fail("int16 output scale must be 1/32768, got {}", out.scale());
    int in_log2 = 0;
    const bool pot = CheckedLog2(in.scale(), &in_log2);
    // The fixed-point path reads the input as Q3.12 (scale 2^-12) after
    // left_shift saturating doublings.
    const int left_shift = (15 - 3) + in_log2;
    state->int16_fixed_point = pot && left_shift >= 0 && left_shift <= Fn::kMaxFixedPointLeftShift;
    state->int16_left_shift = left_shift;
    if (!state->int16_fixed_point) state->rescale = actlut::Int16TableRescaleForScale(in.scale());
  } else if (in.dtype != DType::FLOAT32) {
    ctx.Fail("unsupported type {}", DTypeName(in.dtype));
  }
  ctx.state = std::move(state);
}

template <typename Fn>
void EvalLogisticTanh(KernelContext& ctx) {
  const auto& s = ctx.state_as<LogisticTanhState>();
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  const int64_t n = out.NumElements();
  switch (in.dtype) {
    case DType::FLOAT32: {
      const float* x = in.As<float>();
      float* y = out.As<float>();
      for (int64_t i = 0; i < n; ++i) y[i] = Fn::Float(x[i]);
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
          // A shift of 0 leaves the value as it is.
          const int16_t q312 = actfp::SatRoundMulPot<int16_t>(x[i], s.int16_left_shift);
          y[i] = Fn::FixedPoint(actfp::Fx<int16_t, 3>::FromRaw(q312));
        }
      } else {
        for (int64_t i = 0; i < n; ++i) y[i] = Fn::FromTable(s.rescale.Apply(x[i]));
      }
      return;
    }
    default: ctx.Fail("unsupported type {}", DTypeName(in.dtype));
  }
}

}  // namespace tfd::act
