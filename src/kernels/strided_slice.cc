// STRIDED_SLICE with TFLite's semantics: begin/end/strides (int32 or int64)
// with begin/end masks, ellipsis_mask (the ellipsis expands to the dimensions
// the spec does not name), new_axis_mask (inserts a size-1 dimension),
// shrink_axis_mask (takes one index and drops the dimension), negative
// strides, and `offset` (end is relative to begin). Indices are clamped to
// the dimension as TFLite's StridedSliceStartForAxis/EndForAxis do.
#include <algorithm>

#include "kernels/internal/shape_util.h"

namespace tfd {
namespace {

struct StridedSliceState : KernelState {
  std::vector<int32_t> effective_input_shape;  // input with the new axes inserted
  std::vector<int64_t> start, step;
  std::vector<int32_t> box_shape;  // per effective dimension, shrunk ones as 1
};

int64_t Clamp(int64_t v, int64_t lo, int64_t hi) { return std::min(std::max(v, lo), hi); }

// One effective dimension of the slice.
struct AxisSpec {
  int64_t begin = 0, end = 0, stride = 1;
  bool begin_mask = false, end_mask = false, shrink = false;
  int32_t size = 1;
};

// Expands ellipsis and new axes into one spec per dimension of the
// effective input (TFLite's BuildStridedSliceParams).
std::vector<AxisSpec> EffectiveSpecs(const KernelContext& ctx, const tflite::StridedSliceOptionsT& o,
                                     const std::vector<int32_t>& in_shape,
                                     const std::vector<int64_t>& begin, const std::vector<int64_t>& end,
                                     const std::vector<int64_t>& strides) {
  const int begin_count = static_cast<int>(begin.size());
  const int input_dims = static_cast<int>(in_shape.size());
  auto bit = [](int mask, int i) { return i < 31 && ((mask >> i) & 1) != 0; };
  int num_add_axis = 0;
  for (int i = 0; i < begin_count; ++i)
    if (!bit(o.ellipsis_mask, i) && bit(o.new_axis_mask, i)) ++num_add_axis;
  const int effective_dims = input_dims + num_add_axis;

  // Which effective dimensions the ellipsis covers and which are new axes.
  std::vector<bool> in_ellipsis(static_cast<size_t>(effective_dims), false), new_axis(static_cast<size_t>(effective_dims), false);
  int ellipsis_start = effective_dims, expanded_ellipsis = 0;
  for (int i = 0; i < effective_dims;) {
    if (bit(o.ellipsis_mask, i)) {
      ellipsis_start = i;
      const int ellipsis_end = std::max(i + 1, std::min(i + 1 + num_add_axis + input_dims - begin_count, effective_dims));
      expanded_ellipsis = ellipsis_end - ellipsis_start - 1;
      for (; i < ellipsis_end; ++i) in_ellipsis[static_cast<size_t>(i)] = true;
      continue;
    }
    if (bit(o.new_axis_mask, i - expanded_ellipsis)) new_axis[static_cast<size_t>(i)] = true;
    ++i;
  }

  std::vector<AxisSpec> specs(static_cast<size_t>(effective_dims));
  int added_ellipsis = 0, added_axes = 0;
  // The input dimension behind effective dimension i (unusual specs could
  // point past the input; TFLite would read garbage there).
  auto input_dim = [&](int i) {
    const int d = i - added_axes;
    if (d < 0 || d >= input_dims) ctx.Fail("the slice spec does not fit an input of shape {}", ShapeString(in_shape));
    return in_shape[static_cast<size_t>(d)];
  };
  for (int i = 0; i < effective_dims; ++i) {
    AxisSpec& s = specs[static_cast<size_t>(i)];
    if (in_ellipsis[static_cast<size_t>(i)]) {
      added_ellipsis = std::max(0, i - ellipsis_start);
      s.begin_mask = s.end_mask = true;
      s.size = input_dim(i);
    } else if (new_axis[static_cast<size_t>(i)]) {
      s.begin = 0;
      s.end = 1;
      s.size = 1;
      ++added_axes;
    } else if (i >= begin_count + expanded_ellipsis) {
      s.begin_mask = s.end_mask = true;
      s.size = input_dim(i);
    } else {
      const int orig = i - added_ellipsis;
      if (orig < 0 || orig >= begin_count) ctx.Fail("the slice spec does not fit an input of shape {}", ShapeString(in_shape));
      s.begin = begin[static_cast<size_t>(orig)];
      s.end = end[static_cast<size_t>(orig)];
      s.stride = strides[static_cast<size_t>(orig)];
      s.begin_mask = bit(o.begin_mask, orig);
      s.end_mask = bit(o.end_mask, orig);
      s.shrink = bit(o.shrink_axis_mask, orig);
      s.size = input_dim(i);
    }
  }
  return specs;
}

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(4, 4, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& begin_tensor = ctx.input(1);
  const RuntimeTensor& end_tensor = ctx.input(2);
  const RuntimeTensor& strides_tensor = ctx.input(3);
  shape::MovableElementSize(ctx, in.dtype);
  shape::CheckSameType(ctx, in, ctx.output(0), "STRIDED_SLICE input and output");
  for (const RuntimeTensor* t : {&begin_tensor, &end_tensor, &strides_tensor})
    if (t->rank() != 1) ctx.Fail("begin, end and strides must be 1-D, one has shape {}", ShapeString(t->shape));
  if (begin_tensor.NumElements() != end_tensor.NumElements() || begin_tensor.NumElements() != strides_tensor.NumElements())
    ctx.Fail("begin, end and strides have different lengths ({}, {}, {})", begin_tensor.NumElements(),
             end_tensor.NumElements(), strides_tensor.NumElements());
  if (!ctx.values_known(begin_tensor) || !ctx.values_known(end_tensor) || !ctx.values_known(strides_tensor))
    return;  // sized while running
  const auto options = ctx.options_or_default<tflite::StridedSliceOptionsT>();
  int new_axes = 0;
  for (int i = 0; i < static_cast<int>(begin_tensor.NumElements()) && i < 31; ++i)
    if (((options.new_axis_mask >> i) & 1) && !((options.ellipsis_mask >> i) & 1)) ++new_axes;
  // An ellipsis always stands for at least one dimension in TFLite.
  if (begin_tensor.NumElements() > in.rank() + new_axes + (options.ellipsis_mask != 0 ? 1 : 0))
    ctx.Fail("the slice spec has {} entries for an input of rank {}", begin_tensor.NumElements(), in.rank());
  const std::vector<AxisSpec> specs =
      EffectiveSpecs(ctx, options, in.shape, shape::IndexValues(ctx, begin_tensor, "begin"),
                     shape::IndexValues(ctx, end_tensor, "end"), shape::IndexValues(ctx, strides_tensor, "strides"));

  auto state = std::make_unique<StridedSliceState>();
  std::vector<int32_t> out_shape;
  for (size_t d = 0; d < specs.size(); ++d) {
    const AxisSpec& s = specs[d];
    if (s.stride == 0) ctx.Fail("stride for dimension {} is 0", d);
    const int64_t size = s.size;
    // Start: wrap negatives, clamp to the direction's range, masks win.
    int64_t start = s.begin < 0 ? s.begin + size : s.begin;
    start = s.stride > 0 ? Clamp(start, 0, size) : Clamp(start, -1, size - 1);
    if (s.begin_mask) start = s.stride > 0 ? 0 : size - 1;
    int64_t count;
    if (s.shrink) {
      if (start < 0 || start >= size) ctx.Fail("shrink index {} is out of range for dimension {} of size {}", s.begin, d, size);
      count = 1;
    } else {
      int64_t stop = options.offset ? s.end + start : s.end;
      if (stop < 0) stop += size;
      stop = s.stride > 0 ? Clamp(stop, 0, size) : Clamp(stop, -1, size - 1);
      if (s.end_mask) stop = s.stride > 0 ? size : -1;
      const int64_t span = s.stride > 0 ? stop - start : start - stop;
      const int64_t step = s.stride > 0 ? s.stride : -s.stride;
      count = span <= 0 ? 0 : (span + step - 1) / step;
      out_shape.push_back(static_cast<int32_t>(count));
    }
    state->effective_input_shape.push_back(s.size);
    state->start.push_back(count == 0 ? 0 : start);
    state->step.push_back(s.stride);
    state->box_shape.push_back(static_cast<int32_t>(count));
  }
  ctx.ResizeOutput(0, out_shape);
  ctx.state = std::move(state);
}

void Eval(KernelContext& ctx) {
  if (shape::EmptyOutputs(ctx)) return;  // nothing to write (and empty tensors may have no storage)
  const auto& s = ctx.state_as<StridedSliceState>();
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  shape::StridedCopy(in.data, s.effective_input_shape, *DTypeSize(in.dtype), s.start, s.step, s.box_shape, out.data);
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(STRIDED_SLICE, Prepare, Eval);

}  // namespace tfd
