// SELECT (v1): out = condition ? x : y, where x and y have one shape and the
// condition either has that shape too, or is a scalar, or is rank 1 and picks
// whole slices along the first dimension. bool, float32, uint8, int8, int16,
// int32, int64; values are copied as they are (quantized tensors included).
#include <cstring>

#include "graph/dtype.h"
#include "interpreter/kernel_registry.h"
#include "kernels/internal/select_inputs.h"

namespace tfd {
namespace {

struct SelectState : KernelState {
  int64_t outer = 0;  // condition elements
  int64_t inner = 0;  // x elements chosen by each condition element
  size_t element_bytes = 0;
};

void Prepare(KernelContext& ctx) {
  CheckSelectInputs(ctx);
  const RuntimeTensor& cond = ctx.input(0);
  const RuntimeTensor& x = ctx.input(1);
  const RuntimeTensor& y = ctx.input(2);
  if (x.shape != y.shape) ctx.Fail("x and y shapes differ ({} and {})", ShapeString(x.shape), ShapeString(y.shape));
  auto state = std::make_unique<SelectState>();
  state->element_bytes = *DTypeSize(x.dtype);
  state->outer = cond.NumElements();
  if (cond.shape == x.shape) {
    state->inner = 1;
  } else if (cond.rank() == 0) {
    state->inner = x.NumElements();
  } else if (cond.rank() == 1 && x.rank() >= 1 && cond.dim(0) == x.dim(0)) {
    state->inner = x.dim(0) == 0 ? 0 : x.NumElements() / x.dim(0);
  } else {
    ctx.Fail("condition shape {} must equal the value shape {}, be a scalar, or be rank 1 matching its first dimension",
             ShapeString(cond.shape), ShapeString(x.shape));
  }
  ctx.ResizeOutput(0, x.shape);
  ctx.state = std::move(state);
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<SelectState>();
  const uint8_t* cond = ctx.input(0).As<uint8_t>();
  const uint8_t* x = ctx.input(1).data;
  const uint8_t* y = ctx.input(2).data;
  uint8_t* out = ctx.output(0).data;
  const size_t chunk = static_cast<size_t>(s.inner) * s.element_bytes;
  for (int64_t i = 0; i < s.outer; ++i) {
    const size_t offset = static_cast<size_t>(i) * chunk;
    if (chunk > 0) std::memcpy(out + offset, (cond[i] != 0 ? x : y) + offset, chunk);
  }
}

}  // namespace

TFD_REGISTER_KERNEL(SELECT, DType::BOOL, Prepare, Eval);

}  // namespace tfd
