// EXP: e^x, elementwise. float32; int8 and int16 through a lookup table
// built from expf exactly as TFLite's LUTPopulate builds it (int16 with
// interpolation between 513 samples; zero points must be 0 there).
#include <cmath>
#include <optional>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_lut.h"
#include "kernels/internal/elementwise_unary.h"

namespace tfd {
namespace {

float ExpF(float x) { return std::exp(x); }

struct ExpState : KernelState {
  elementwise::Lut8<int8_t> lut8;
  elementwise::Lut16 lut16;
};

void Prepare(KernelContext& ctx) {
  elementwise::PrepareUnary(ctx, {DType::FLOAT32, DType::INT8, DType::INT16}, "EXP");
  auto state = std::make_unique<ExpState>();
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  if (in.dtype == DType::INT8) {
    elementwise::RequireQuantized(ctx, "EXP");
    state->lut8 = elementwise::PopulateLut8<int8_t>(in.scale(), in.zero_point(), out.scale(), out.zero_point(), ExpF);
  } else if (in.dtype == DType::INT16) {
    elementwise::RequireQuantized(ctx, "EXP");
    if (in.zero_point() != 0 || out.zero_point() != 0)
      ctx.Fail("int16 EXP needs zero points of 0 (got {} -> {})", in.zero_point(), out.zero_point());
    state->lut16 = elementwise::PopulateLut16(in.scale(), in.zero_point(), out.scale(), out.zero_point(), ExpF);
  }
  ctx.state = std::move(state);
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<ExpState>();
  switch (ctx.input(0).dtype) {
    case DType::FLOAT32: return elementwise::ApplyUnary<float>(ctx, ExpF);
    case DType::INT8: return elementwise::ApplyUnary<int8_t>(ctx, [&](int8_t x) { return s.lut8.Lookup(x); });
    case DType::INT16: return elementwise::ApplyUnary<int16_t>(ctx, [&](int16_t x) { return s.lut16.Lookup(x); });
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.input(0).dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(EXP, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(EXP, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(EXP, DType::INT16, Prepare, Eval);

}  // namespace tfd
