// DENSIFY: expands a constant tensor stored in TFLite's sparse format
// (traversal order, optional dense blocks, and per-dimension DENSE or
// SPARSE_CSR metadata with int32/uint16/uint8 index vectors) to a dense
// tensor of the same shape. float32, float16 and int8, as TFLite.
//
// The expansion follows TFLite's FormatConverter::SparseToDense; every index
// read from the file is bounds-checked, so malformed sparsity data fails
// with an error instead of writing out of bounds.
#include <cstring>
#include <memory>
#include <vector>

#include "interpreter/kernel_registry.h"

namespace tfd {
namespace {

struct Level {
  bool dense = true;
  int dense_size = 0;
  std::vector<int64_t> segments, indices;
};

struct DensifyState : KernelState {
  std::vector<int> dense_shape;      // original dimensions
  std::vector<int> traversal_order;  // expanded dimensions, outermost first
  std::vector<int> block_map;        // original dimension of each block dimension
  std::vector<int> block_size;
  std::vector<Level> levels;  // one per traversal position
  size_t element_size = 0;
};

std::vector<int64_t> IndexValues(const tflite::SparseIndexVectorUnion& u) {
  switch (u.type) {
    case tflite::SparseIndexVector::Int32Vector: {
      const auto& v = u.AsInt32Vector()->values;
      return {v.begin(), v.end()};
    }
    case tflite::SparseIndexVector::Uint16Vector: {
      const auto& v = u.AsUint16Vector()->values;
      return {v.begin(), v.end()};
    }
    case tflite::SparseIndexVector::Uint8Vector: {
      const auto& v = u.AsUint8Vector()->values;
      return {v.begin(), v.end()};
    }
    default: return {};
  }
}

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(1, 1, 1);
  const RuntimeTensor& input = ctx.input(0);
  RuntimeTensor& output = ctx.output(0);
  auto s = std::make_unique<DensifyState>();
  switch (input.dtype) {
    case DType::FLOAT32: s->element_size = 4; break;
    case DType::FLOAT16: s->element_size = 2; break;
    case DType::INT8: s->element_size = 1; break;
    default: ctx.Fail("unsupported type {} (float32, float16 and int8 are)", DTypeName(input.dtype));
  }
  if (output.dtype != input.dtype)
    ctx.Fail("output type {} differs from input type {}", DTypeName(output.dtype), DTypeName(input.dtype));
  if (!input.is_constant()) ctx.Fail("input must be a constant tensor");
  if (input.meta == nullptr || !input.meta->sparsity) ctx.Fail("input has no sparsity parameters");
  const tflite::SparsityParametersT& sparsity = *input.meta->sparsity;
  const int rank = input.rank();
  for (int32_t d : input.shape) s->dense_shape.push_back(d);
  s->traversal_order.assign(sparsity.traversal_order.begin(), sparsity.traversal_order.end());
  s->block_map.assign(sparsity.block_map.begin(), sparsity.block_map.end());
  const int expanded_rank = rank + static_cast<int>(s->block_map.size());
  if (static_cast<int>(s->traversal_order.size()) != expanded_rank)
    ctx.Fail("traversal order has {} entries, expected {} (rank {} + {} block dimensions)", s->traversal_order.size(),
             expanded_rank, rank, s->block_map.size());
  if (static_cast<int>(sparsity.dim_metadata.size()) != expanded_rank)
    ctx.Fail("{} dimension metadata entries, expected {}", sparsity.dim_metadata.size(), expanded_rank);
  std::vector<bool> seen(static_cast<size_t>(expanded_rank), false);
  for (int i = 0; i < expanded_rank; ++i) {
    const int d = s->traversal_order[static_cast<size_t>(i)];
    // Original dimensions come first, then the block dimensions.
    const bool ok = i < rank ? (d >= 0 && d < rank) : (d >= rank && d < expanded_rank);
    if (!ok || seen[static_cast<size_t>(d)]) ctx.Fail("traversal order entry {} is invalid ({})", i, d);
    seen[static_cast<size_t>(d)] = true;
  }
  for (const auto& m : sparsity.dim_metadata) {
    if (!m) ctx.Fail("missing dimension metadata");
    Level level;
    level.dense = m->format == tflite::DimensionType::DENSE;
    level.dense_size = m->dense_size;
    if (level.dense) {
      if (level.dense_size <= 0) ctx.Fail("dense dimension with size {}", level.dense_size);
    } else {
      level.segments = IndexValues(m->array_segments);
      level.indices = IndexValues(m->array_indices);
      if (level.segments.empty()) ctx.Fail("sparse dimension without segments");
    }
    s->levels.push_back(std::move(level));
  }
  // Block sizes as TFLite reads them: the dense size recorded for the block
  // dimension's entry.
  for (size_t k = 0; k < s->block_map.size(); ++k) {
    const int dim = s->block_map[k];
    if (dim < 0 || dim >= rank || (k > 0 && dim <= s->block_map[k - 1]))
      ctx.Fail("block map entry {} is invalid ({})", k, dim);
    const int expanded_dim = s->traversal_order[static_cast<size_t>(rank) + k];
    const Level& block_level = s->levels[static_cast<size_t>(expanded_dim)];
    if (!block_level.dense || block_level.dense_size <= 0 || s->dense_shape[static_cast<size_t>(dim)] % block_level.dense_size != 0)
      ctx.Fail("block dimension {} must be dense with a size dividing {}", k, s->dense_shape[static_cast<size_t>(dim)]);
    s->block_size.push_back(block_level.dense_size);
  }
  ctx.ResizeOutput(0, input.shape);
  ctx.state = std::move(s);
}

class Expander {
 public:
  Expander(const KernelContext& ctx, const DensifyState& s, const uint8_t* src, size_t src_count, uint8_t* dst)
      : ctx_(ctx), s_(s), src_(src), src_count_(src_count), dst_(dst), coords_(s.traversal_order.size(), 0) {}

  void Run() { Visit(0, 0); }

 private:
  void Visit(size_t level, int64_t parent) {
    if (level == s_.levels.size()) return Store();
    const Level& l = s_.levels[level];
    if (l.dense) {
      for (int i = 0; i < l.dense_size; ++i) {
        coords_[level] = i;
        Visit(level + 1, parent * l.dense_size + i);
      }
      return;
    }
    // Positions past the segment array have no entries (as in TFLite).
    if (parent < 0 || parent + 1 >= static_cast<int64_t>(l.segments.size())) return;
    const int64_t begin = l.segments[static_cast<size_t>(parent)], end = l.segments[static_cast<size_t>(parent) + 1];
    if (begin < 0 || end > static_cast<int64_t>(l.indices.size()) || begin > end)
      ctx_.Fail("sparse dimension {}: segment [{}, {}) outside {} indices", level, begin, end, l.indices.size());
    for (int64_t i = begin; i < end; ++i) {
      coords_[level] = l.indices[static_cast<size_t>(i)];
      Visit(level + 1, i);
    }
  }

  void Store() {
    const size_t rank = s_.dense_shape.size();
    std::vector<int64_t> index(rank, 0);
    for (size_t i = 0; i < rank; ++i) index[static_cast<size_t>(s_.traversal_order[i])] = coords_[i];
    for (size_t i = rank; i < coords_.size(); ++i) {
      const size_t block = static_cast<size_t>(s_.traversal_order[i]) - rank;
      const size_t dim = static_cast<size_t>(s_.block_map[block]);
      index[dim] = index[dim] * s_.block_size[block] + coords_[i];
    }
    int64_t flat = 0;
    for (size_t d = 0; d < rank; ++d) {
      if (index[d] < 0 || index[d] >= s_.dense_shape[d])
        ctx_.Fail("sparse index {} is outside dimension {} of size {}", index[d], d, s_.dense_shape[d]);
      flat = flat * s_.dense_shape[d] + index[d];
    }
    if (next_ >= src_count_) ctx_.Fail("sparse tensor has {} values, the metadata needs more", src_count_);
    std::memcpy(dst_ + static_cast<size_t>(flat) * s_.element_size, src_ + next_ * s_.element_size, s_.element_size);
    ++next_;
  }

  const KernelContext& ctx_;
  const DensifyState& s_;
  const uint8_t* src_;
  size_t src_count_;
  uint8_t* dst_;
  std::vector<int64_t> coords_;
  size_t next_ = 0;
};

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<DensifyState>();
  const RuntimeTensor& input = ctx.input(0);
  RuntimeTensor& output = ctx.output(0);
  // Zero bytes are zero for every supported type (float16 too).
  std::memset(output.data, 0, output.bytes);
  Expander(ctx, s, input.data, input.bytes / s.element_size, output.data).Run();
}

}  // namespace

TFD_REGISTER_KERNEL(DENSIFY, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(DENSIFY, DType::FLOAT16, Prepare, Eval);
TFD_REGISTER_KERNEL(DENSIFY, DType::INT8, Prepare, Eval);

}  // namespace tfd
