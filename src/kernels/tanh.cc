// TANH; runs as in kernels/internal/act_logistic_tanh.h.
//   float32: std::tanh in float.
//   int8, uint8: TFLite's 256-entry table of the float function (any scales).
//   int16 (zero points 0, output scale 1/32768): for input scales 2^-12 and
//     2^-11 TFLite runs gemmlowp's fixed-point tanh on Q3.12 (the latter after
//     a saturating doubling); for any other scale it rescales the input and
//     interpolates in its sigmoid table (tanh(x) = 2 sigmoid(2x) - 1).
#include <cmath>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_logistic_tanh.h"

namespace tfd {
namespace {

struct Tanh {
  static float Float(float x) { return std::tanh(x); }
  // TFLite checks only that the int16 output scale is 2^-15 (within its
  // CheckedLog2 tolerance) and nothing for 8-bit.
  static constexpr bool kExactOutputScale = false;
  static constexpr int kMaxFixedPointLeftShift = 1;  // input scales 2^-12 and 2^-11
  static int16_t FixedPoint(actfp::Fx<int16_t, 3> x) { return actfp::Tanh(x).raw; }
  static int16_t FromTable(int32_t scaled) { return actlut::Int16TanhFromTable(scaled); }
};

void Prepare(KernelContext& ctx) { act::PrepareLogisticTanh<Tanh>(ctx); }
void Eval(KernelContext& ctx) { act::EvalLogisticTanh<Tanh>(ctx); }

}  // namespace

TFD_REGISTER_KERNEL(TANH, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(TANH, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(TANH, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(TANH, DType::INT16, Prepare, Eval);

}  // namespace tfd
