// POW: a^b elementwise with broadcasting. float32 (std::pow on floats) and
// int32 (std::pow in double, truncated to int32; negative exponents are an
// error, as in TFLite).
#include <cmath>
#include <limits>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_binary.h"

namespace tfd {
namespace {

struct PowState : KernelState {
  BroadcastIndex index;
};

void Prepare(KernelContext& ctx) {
  auto state = std::make_unique<PowState>();
  state->index = elementwise::PrepareBroadcastBinary(ctx);
  const DType dtype = ctx.output(0).dtype;
  if (dtype != DType::FLOAT32 && dtype != DType::INT32)
    ctx.Fail("unsupported type {} (POW takes float32 and int32)", DTypeName(dtype));
  ctx.state = std::move(state);
}

// TFLite converts the double result with a plain cast; out-of-range values
// saturate here rather than being undefined.
int32_t ToInt32(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 2147483647.0) return std::numeric_limits<int32_t>::max();
  if (v <= -2147483648.0) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(v);
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<PowState>();
  if (ctx.output(0).dtype == DType::FLOAT32) {
    elementwise::ApplyBinary<float, float>(ctx, s.index, [](float x, float y) { return std::pow(x, y); });
    return;
  }
  const RuntimeTensor& exponents = ctx.input(1);
  const int32_t* e = exponents.As<int32_t>();
  for (int64_t i = 0; i < exponents.NumElements(); ++i)
    if (e[i] < 0) ctx.Fail("POW does not support negative int32 exponents (got {})", e[i]);
  elementwise::ApplyBinary<int32_t, int32_t>(ctx, s.index, [](int32_t x, int32_t y) {
    return ToInt32(std::pow(static_cast<double>(x), static_cast<double>(y)));
  });
}

}  // namespace

TFD_REGISTER_KERNEL(POW, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(POW, DType::INT32, Prepare, Eval);

}  // namespace tfd
