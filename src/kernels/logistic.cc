// LOGISTIC (sigmoid): 1 / (1 + exp(-x)).
//   float32: computed in float.
//   int8, uint8: TFLite's 256-entry table of the float function (output scale
//     must be 1/256; TFLite's builtin kernel is the table one).
//   int16 (zero points 0, output scale 1/32768): for an input scale of 2^-12
//     TFLite runs gemmlowp's fixed-point logistic on Q3.12; for any other scale
//     it rescales the input and interpolates in its sigmoid table.
#include <cmath>
#include <memory>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_common.h"
#include "kernels/internal/act_fixedpoint.h"
#include "kernels/internal/act_lut.h"

namespace tfd {
namespace {

struct LogisticState : KernelState {
  uint8_t table[256] = {};           // 8-bit: indexed by the input's bit pattern
  bool int16_fixed_point = false;    // int16 with input scale 2^-12
  actlut::Int16TableRescale rescale;  // int16, other scales
};

float Sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

void Prepare(KernelContext& ctx) {
  act::PrepareUnaryShape(ctx);
  act::RequireSameType(ctx);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  auto state = std::make_unique<LogisticState>();
  if (act::Is8Bit(in.dtype)) {
    act::RequirePerTensorQuant(ctx, in, "input");
    act::RequirePerTensorQuant(ctx, out, "output");
    if (out.scale() != 1.0f / 256) ctx.Fail("output scale must be 1/256, got {}", out.scale());
    if (in.dtype == DType::INT8) {
      actlut::Populate8Bit<int8_t>(in.scale(), in.zero_point(), out.scale(), out.zero_point(), Sigmoid,
                                   reinterpret_cast<int8_t*>(state->table));
    } else {
      actlut::Populate8Bit<uint8_t>(in.scale(), in.zero_point(), out.scale(), out.zero_point(), Sigmoid, state->table);
    }
  } else if (in.dtype == DType::INT16) {
    act::RequirePerTensorQuant(ctx, in, "input");
    act::RequirePerTensorQuant(ctx, out, "output");
    if (in.zero_point() != 0 || out.zero_point() != 0)
      ctx.Fail("int16 requires zero points of 0 (input {}, output {})", in.zero_point(), out.zero_point());
    int out_log2 = 0;
    if (out.scale() != 1.0f / 32768 || !act::CheckedLog2(out.scale(), &out_log2) || out_log2 != -15)
      ctx.Fail("int16 output scale must be 1/32768, got {}", out.scale());
    int in_log2 = 0;
    const bool pot = act::CheckedLog2(in.scale(), &in_log2);
    // The fixed-point path reads the input as Q3.12, i.e. scale 2^-12 exactly.
    state->int16_fixed_point = pot && (15 - 3) + in_log2 == 0;
    if (!state->int16_fixed_point) state->rescale = actlut::Int16TableRescaleForScale(in.scale());
  } else if (in.dtype != DType::FLOAT32) {
    ctx.Fail("unsupported type {}", DTypeName(in.dtype));
  }
  ctx.state = std::move(state);
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<LogisticState>();
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  const int64_t n = out.NumElements();
  switch (in.dtype) {
    case DType::FLOAT32: {
      const float* x = in.As<float>();
      float* y = out.As<float>();
      for (int64_t i = 0; i < n; ++i) y[i] = Sigmoid(x[i]);
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
        for (int64_t i = 0; i < n; ++i) y[i] = actfp::Logistic(actfp::Fx<int16_t, 3>::FromRaw(x[i])).raw;
      } else {
        for (int64_t i = 0; i < n; ++i) y[i] = actlut::Int16LogisticFromTable(s.rescale.Apply(x[i]));
      }
      return;
    }
    default: ctx.Fail("unsupported type {}", DTypeName(in.dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(LOGISTIC, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(LOGISTIC, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(LOGISTIC, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(LOGISTIC, DType::INT16, Prepare, Eval);

}  // namespace tfd
