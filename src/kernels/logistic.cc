// LOGISTIC (sigmoid): 1 / (1 + exp(-x)); runs as in
// kernels/internal/act_logistic_tanh.h.
//   float32: computed in float.
//   int8, uint8: TFLite's 256-entry table of the float function (output scale
//     must be 1/256; TFLite's builtin kernel is the table one).
//   int16 (zero points 0, output scale 1/32768): for an input scale of 2^-12
//     TFLite runs gemmlowp's fixed-point logistic on Q3.12; for any other scale
//     it rescales the input and interpolates in its sigmoid table.
#include <cmath>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_logistic_tanh.h"

namespace tfd {
namespace {

struct Logistic {
  static float Float(float x) { return 1.0f / (1.0f + std::exp(-x)); }
  // The output range is [0, 1]: TFLite fixes its scale exactly.
  static constexpr bool kExactOutputScale = true;
  static constexpr int kMaxFixedPointLeftShift = 0;  // input scale 2^-12 only
  static int16_t FixedPoint(actfp::Fx<int16_t, 3> x) { return actfp::Logistic(x).raw; }
  static int16_t FromTable(int32_t scaled) { return actlut::Int16LogisticFromTable(scaled); }
};

void Prepare(KernelContext& ctx) { act::PrepareLogisticTanh<Logistic>(ctx); }
void Eval(KernelContext& ctx) { act::EvalLogisticTanh<Logistic>(ctx); }

}  // namespace

TFD_REGISTER_KERNEL(LOGISTIC, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(LOGISTIC, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(LOGISTIC, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(LOGISTIC, DType::INT16, Prepare, Eval);

}  // namespace tfd
