// TRANSPOSE: output dimension i is input dimension perm[i] (perm: the second
// input, int32 or int64, up to 6 dimensions as in TFLite).
#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

constexpr int kMaxRank = 6;

struct TransposeState : KernelState {
  std::vector<int> perm;
};

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& perm_tensor = ctx.input(1);
  shape::MovableElementSize(ctx, in.dtype);
  shape::CheckSameType(ctx, in, ctx.output(0), "TRANSPOSE input and output");
  if (in.rank() > kMaxRank) ctx.Fail("supports up to {} dimensions, input has {}", kMaxRank, in.rank());
  if (perm_tensor.rank() != 1) ctx.Fail("perm must be 1-D, has shape {}", ShapeString(perm_tensor.shape));
  if (perm_tensor.NumElements() != in.rank())
    ctx.Fail("perm has {} entries for an input of rank {}", perm_tensor.NumElements(), in.rank());
  if (!ctx.values_known(perm_tensor)) return;  // sized while running
  auto state = std::make_unique<TransposeState>();
  std::vector<bool> seen(static_cast<size_t>(in.rank()), false);
  std::vector<int32_t> out_shape;
  for (int64_t p : shape::IndexValues(ctx, perm_tensor, "perm")) {
    if (p < 0 || p >= in.rank()) ctx.Fail("perm entry {} is out of range for rank {}", p, in.rank());
    if (seen[static_cast<size_t>(p)]) ctx.Fail("perm repeats dimension {}", p);
    seen[static_cast<size_t>(p)] = true;
    state->perm.push_back(static_cast<int>(p));
    out_shape.push_back(in.shape[static_cast<size_t>(p)]);
  }
  ctx.ResizeOutput(0, out_shape);
  ctx.state = std::move(state);
}

template <typename T>
void Permute(const RuntimeTensor& in, RuntimeTensor& out, const std::vector<int>& perm) {
  const std::vector<int64_t> in_strides = shape::Strides(in.shape);
  std::vector<int64_t> strides(perm.size());  // input stride of each output dimension
  for (size_t i = 0; i < perm.size(); ++i) strides[i] = in_strides[static_cast<size_t>(perm[i])];
  const T* src = in.As<T>();
  T* dst = out.As<T>();
  int64_t o = 0;
  shape::ForEachIndex(out.shape, [&](const std::vector<int32_t>& pos) {
    int64_t offset = 0;
    for (size_t d = 0; d < pos.size(); ++d) offset += pos[d] * strides[d];
    dst[o++] = src[offset];
  });
}

void Eval(KernelContext& ctx) {
  if (shape::EmptyOutputs(ctx)) return;  // nothing to write (and empty tensors may have no storage)
  const auto& s = ctx.state_as<TransposeState>();
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  switch (*DTypeSize(in.dtype)) {
    case 1: return Permute<uint8_t>(in, out, s.perm);
    case 2: return Permute<uint16_t>(in, out, s.perm);
    case 4: return Permute<uint32_t>(in, out, s.perm);
    default: return Permute<uint64_t>(in, out, s.perm);
  }
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(TRANSPOSE, Prepare, Eval);

}  // namespace tfd
