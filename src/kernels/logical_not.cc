// LOGICAL_NOT: elementwise negation of a bool tensor.
#include "interpreter/kernel_registry.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(1, 1, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  if (in.dtype != DType::BOOL || out.dtype != DType::BOOL)
    ctx.Fail("LOGICAL_NOT takes and gives bool, got {} -> {}", DTypeName(in.dtype), DTypeName(out.dtype));
  ctx.ResizeOutput(0, in.shape);
}

void Eval(KernelContext& ctx) {
  const uint8_t* in = ctx.input(0).As<uint8_t>();
  uint8_t* out = ctx.output(0).As<uint8_t>();
  const int64_t n = ctx.input(0).NumElements();
  for (int64_t i = 0; i < n; ++i) out[i] = in[i] == 0 ? 1 : 0;
}

}  // namespace

TFD_REGISTER_KERNEL(LOGICAL_NOT, DType::BOOL, Prepare, Eval);

}  // namespace tfd
