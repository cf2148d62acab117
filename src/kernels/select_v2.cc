// SELECT_V2: out = condition ? x : y with the three inputs broadcast
// together. bool, float32, uint8, int8, int16, int32, int64; values are
// copied as they are (quantized tensors included).
#include <cstring>

#include "graph/dtype.h"
#include "interpreter/kernel_registry.h"
#include "kernels/internal/broadcast.h"
#include "kernels/internal/elementwise_binary.h"
#include "kernels/internal/select_inputs.h"

namespace tfd {
namespace {

struct SelectV2State : KernelState {
  elementwise::MultiBroadcastIndex index;
  size_t element_bytes = 0;
};

void Prepare(KernelContext& ctx) {
  CheckSelectInputs(ctx);
  const RuntimeTensor& cond = ctx.input(0);
  const RuntimeTensor& x = ctx.input(1);
  const RuntimeTensor& y = ctx.input(2);
  auto shape = BroadcastShapes(cond.shape, x.shape);
  if (shape) shape = BroadcastShapes(*shape, y.shape);
  if (!shape)
    ctx.Fail("cannot broadcast shapes {}, {} and {}", ShapeString(cond.shape), ShapeString(x.shape), ShapeString(y.shape));
  auto state = std::make_unique<SelectV2State>();
  state->index = elementwise::MultiBroadcastIndex({cond.shape, x.shape, y.shape}, *shape);
  state->element_bytes = *DTypeSize(x.dtype);
  ctx.ResizeOutput(0, *shape);
  ctx.state = std::move(state);
}

template <typename T>
void Apply(KernelContext& ctx, const SelectV2State& s) {
  const uint8_t* cond = ctx.input(0).As<uint8_t>();
  const T* x = ctx.input(1).As<T>();
  const T* y = ctx.input(2).As<T>();
  T* out = ctx.output(0).As<T>();
  s.index.ForEach([&](int64_t i, const int64_t* k) { out[i] = cond[k[0]] != 0 ? x[k[1]] : y[k[2]]; });
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<SelectV2State>();
  switch (s.element_bytes) {
    case 1: return Apply<uint8_t>(ctx, s);
    case 2: return Apply<uint16_t>(ctx, s);
    case 4: return Apply<uint32_t>(ctx, s);
    case 8: return Apply<uint64_t>(ctx, s);
    default: ctx.Fail("unsupported element size {}", s.element_bytes);
  }
}

}  // namespace

TFD_REGISTER_KERNEL(SELECT_V2, DType::BOOL, Prepare, Eval);

}  // namespace tfd
