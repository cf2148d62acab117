// LOGISTIC (sigmoid): 1 / (1 + exp(-x)); runs as in
// kernels/internal/act_logistic_tanh.h.
//   float32: computed in float.
//   int8, uint8: TFLite's 256-entry table of the float function (output scale
//     must be 1/256; TFLite's builtin kernel is the table one).
//   int16 (zero points 0, output scale 1/32768): for an input scale of 2^-12
//     TFLite runs gemmlowp's fixed-point logistic on Q3.12; for any other scale
//     it rescales the input and interpolates in its sigmoid table.
//
// xnnpack flavor (float32, int8, uint8): the nodes TFLite's XNNPACK delegate
// takes: float32 with XNNPACK's polynomial sigmoid (xnnpack_f32.h); 8-bit
// through XNNPACK's own table (kernels/internal/xnnpack.h: float sigmoid
// scaled to the output, rounded half to even).
#include <cmath>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_common.h"
#include "kernels/internal/act_logistic_tanh.h"
#include "kernels/internal/xnnpack.h"
#include "kernels/internal/xnnpack_f32.h"

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

// ---- xnnpack flavor ----

struct XnnpackState : KernelState {
  std::vector<int32_t> table;
};

// The delegate's VisitLogisticNode: float32 in and out; or 8-bit input and
// output of one type with per-tensor quantization, the output's scale 1/256
// and zero point the type's minimum (what XNNPACK's 8-bit sigmoid accepts).
bool XnnpackAccepts(const KernelContext& ctx) {
  if (ctx.inputs.size() != 1 || ctx.outputs.size() != 1) return false;
  const RuntimeTensor* in = ctx.inputs[0];
  const RuntimeTensor* out = ctx.outputs[0];
  if (in == nullptr || out == nullptr) return false;
  const DType t = in->dtype;
  if (t == DType::FLOAT32) return out->dtype == DType::FLOAT32;
  if ((t != DType::INT8 && t != DType::UINT8) || !xnn::PerTensor8(*in, t) || !xnn::PerTensor8(*out, t)) return false;
  return out->scale() == 0x1.0p-8f && out->zero_point() == xnn::TypeRange(t).min;
}

void XnnpackPrepare(KernelContext& ctx) {
  act::PrepareUnaryShape(ctx);
  if (ctx.input(0).dtype == DType::FLOAT32) return;
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  auto state = std::make_unique<XnnpackState>();
  state->table = xnn::SigmoidTable(in.scale(), in.zero_point(), out.scale(), out.zero_point(), in.dtype);
  ctx.state = std::move(state);
}

template <typename T>
void EvalXnnpackTyped(KernelContext& ctx) {
  const auto& table = ctx.state_as<XnnpackState>().table;
  const T* x = ctx.input(0).As<T>();
  T* y = ctx.output(0).As<T>();
  const int32_t offset = xnn::TypeRange(ctx.input(0).dtype).min;
  const int64_t n = ctx.output(0).NumElements();
  for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(table[static_cast<size_t>(x[i] - offset)]);
}

void EvalXnnpack(KernelContext& ctx) {
  if (ctx.input(0).dtype == DType::FLOAT32) {
    const float* x = ctx.input(0).As<float>();
    float* y = ctx.output(0).As<float>();
    for (int64_t i = 0; i < ctx.output(0).NumElements(); ++i) y[i] = xnn::SigmoidF32(x[i]);
    return;
  }
  if (ctx.input(0).dtype == DType::INT8) return EvalXnnpackTyped<int8_t>(ctx);
  EvalXnnpackTyped<uint8_t>(ctx);
}

}  // namespace

TFD_REGISTER_KERNEL(LOGISTIC, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(LOGISTIC, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(LOGISTIC, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(LOGISTIC, DType::INT16, Prepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(LOGISTIC, DType::FLOAT32, XnnpackAccepts, XnnpackPrepare, EvalXnnpack);
TFD_REGISTER_XNNPACK_KERNEL(LOGISTIC, DType::INT8, XnnpackAccepts, XnnpackPrepare, EvalXnnpack);
TFD_REGISTER_XNNPACK_KERNEL(LOGISTIC, DType::UINT8, XnnpackAccepts, XnnpackPrepare, EvalXnnpack);

}  // namespace tfd
