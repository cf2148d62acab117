// RESIZE_BILINEAR (NHWC) to the size in input 1 (int32 [height, width],
// possibly computed at run time), with align_corners / half_pixel_centers as
// TFLite defines them. Each dtype follows the kernel the TFLite runtime runs:
//  - float32: reference_ops::ResizeBilinear (float weights);
//  - uint8: optimized_ops' ResizeBilinearGenericSmallChannel (float weights,
//    +0.5 then truncation; its 8x half-pixel special case is exact and equal);
//  - int8, int16: reference_ops::ResizeBilinearInteger, 10-bit fixed-point
//    weights with TFLite's (non single-rounding) division.
// Values are interpolated as stored: TFLite ignores the quantization here.
//
// xnnpack flavors (constant size), for the nodes the delegate takes:
//  - float32: XNNPACK's coordinates and blend (kernels/internal/xnnpack_f32.h);
//  - int8, uint8: the same float coordinates, fractions as 11-bit weights
//    and XNNPACK's integer blend (xnn::BilinearQ11 in kernels/internal/
//    xnnpack.h). Values are interpolated as stored, as TFLite does.
#include <algorithm>
#include <cmath>
#include <vector>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/fast8.h"
#include "kernels/internal/shape_util.h"
#include "kernels/internal/xnnpack.h"
#include "kernels/internal/xnnpack_f32.h"
#include "util/thread_pool.h"

#if defined(__GNUC__) && !defined(__clang__)
#define TFD_RESIZE_VECTORIZE __attribute__((optimize("tree-vectorize")))
#else
#define TFD_RESIZE_VECTORIZE
#endif

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 2, 1);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& size = ctx.input(1);
  const RuntimeTensor& out = ctx.output(0);
  if (in.dtype != DType::FLOAT32 && in.dtype != DType::UINT8 && in.dtype != DType::INT8 && in.dtype != DType::INT16)
    ctx.Fail("unsupported input type {} (float32, uint8, int8, int16)", DTypeName(in.dtype));
  shape::CheckSameType(ctx, in, out, "RESIZE_BILINEAR input and output");
  if (in.rank() != 4) ctx.Fail("input must be 4-D (NHWC), has shape {}", ShapeString(in.shape));
  if (size.dtype != DType::INT32 || size.rank() != 1 || size.NumElements() != 2)
    ctx.Fail("size must be an int32 tensor of shape [2], is {} {}", DTypeName(size.dtype), ShapeString(size.shape));
  const auto options = ctx.options_or_default<tflite::ResizeBilinearOptionsT>();
  if (options.align_corners && options.half_pixel_centers)
    ctx.Fail("align_corners and half_pixel_centers cannot both be set");
  if (!ctx.values_known(size)) return;  // sized while running
  const int32_t h = size.As<int32_t>()[0], w = size.As<int32_t>()[1];
  if (h <= 0 || w <= 0) ctx.Fail("output size must be positive, is [{}, {}]", h, w);
  if ((in.dim(1) == 0 || in.dim(2) == 0) && in.dim(0) * in.dim(3) > 0)
    ctx.Fail("cannot resize an input with no pixels ({})", ShapeString(in.shape));
  ctx.ResizeOutput(0, {in.dim(0), h, w, in.dim(3)});
}

// TFLite's ComputeInterpolationValues (float).
void Interpolation(int32_t value, float scale, bool half_pixel, int32_t input_size, float* scaled, int32_t* lower,
                   int32_t* upper) {
  *scaled = half_pixel ? (static_cast<float>(value) + 0.5f) * scale - 0.5f : static_cast<float>(value) * scale;
  *lower = std::max(static_cast<int32_t>(std::floor(*scaled)), 0);
  *upper = std::min(static_cast<int32_t>(std::ceil(*scaled)), input_size - 1);
}

float Scale(int32_t in_size, int32_t out_size, bool align_corners) {
  if (align_corners && out_size > 1) return static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1);
  return static_cast<float>(in_size) / static_cast<float>(out_size);
}

void EvalFloat(const RuntimeTensor& in, RuntimeTensor& out, const tflite::ResizeBilinearOptionsT& o) {
  const int32_t in_h = in.dim(1), in_w = in.dim(2), depth = in.dim(3);
  const int32_t out_h = out.dim(1), out_w = out.dim(2);
  const float height_scale = Scale(in_h, out_h, o.align_corners), width_scale = Scale(in_w, out_w, o.align_corners);
  const float* src = in.As<float>();
  float* dst = out.As<float>();
  auto at = [&](int32_t b, int32_t y, int32_t x, int32_t c) { return src[((int64_t{b} * in_h + y) * in_w + x) * depth + c]; };
  for (int32_t b = 0; b < in.dim(0); ++b)
    for (int32_t y = 0; y < out_h; ++y) {
      float iy;
      int32_t y0, y1;
      Interpolation(y, height_scale, o.half_pixel_centers, in_h, &iy, &y0, &y1);
      for (int32_t x = 0; x < out_w; ++x) {
        float ix;
        int32_t x0, x1;
        Interpolation(x, width_scale, o.half_pixel_centers, in_w, &ix, &x0, &x1);
        const float dy = iy - static_cast<float>(y0), dx = ix - static_cast<float>(x0);
        for (int32_t c = 0; c < depth; ++c) {
          // Same association as TFLite: (value * y-weight) * x-weight, summed in order.
          *dst++ = at(b, y0, x0, c) * (1 - dy) * (1 - dx) + at(b, y1, x0, c) * dy * (1 - dx) +
                   at(b, y0, x1, c) * (1 - dy) * dx + at(b, y1, x1, c) * dy * dx;
        }
      }
    }
}

// XNNPACK's resize: each output pixel blends its four taps with weights
// from the taps' fractions (`weight`: the fraction itself in float32, an
// 11-bit integer for 8-bit tensors), by `blend`.
template <typename T, typename Weight, typename Blend>
void EvalXnnpackWith(KernelContext& ctx, Weight weight, Blend blend) {
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  const auto o = ctx.options_or_default<tflite::ResizeBilinearOptionsT>();
  const int32_t in_h = in.dim(1), in_w = in.dim(2), depth = in.dim(3);
  const int32_t out_h = out.dim(1), out_w = out.dim(2);
  const float height_scale = Scale(in_h, out_h, o.align_corners), width_scale = Scale(in_w, out_w, o.align_corners);
  const T* src = in.As<T>();
  T* dst = out.As<T>();
  for (int32_t b = 0; b < in.dim(0); ++b)
    for (int32_t y = 0; y < out_h; ++y) {
      const xnn::ResizeTap ty = xnn::ResizeCoordinate(y, height_scale, o.half_pixel_centers, in_h);
      const auto wy = weight(ty.alpha);
      for (int32_t x = 0; x < out_w; ++x) {
        const xnn::ResizeTap tx = xnn::ResizeCoordinate(x, width_scale, o.half_pixel_centers, in_w);
        const auto wx = weight(tx.alpha);
        const T* tl = src + ((int64_t{b} * in_h + ty.lo) * in_w + tx.lo) * depth;
        const T* tr = src + ((int64_t{b} * in_h + ty.lo) * in_w + tx.hi) * depth;
        const T* bl = src + ((int64_t{b} * in_h + ty.hi) * in_w + tx.lo) * depth;
        const T* br = src + ((int64_t{b} * in_h + ty.hi) * in_w + tx.hi) * depth;
        for (int32_t c = 0; c < depth; ++c) *dst++ = blend(tl[c], tr[c], bl[c], br[c], wx, wy);
      }
    }
}

template <typename T>
void EvalQ8Xnnpack(KernelContext& ctx) {
  EvalXnnpackWith<T>(ctx, xnn::ResizeWeightQ11, [](T tl, T tr, T bl, T br, int32_t wx, int32_t wy) {
    return static_cast<T>(xnn::BilinearQ11(tl, tr, bl, br, wx, wy));
  });
}

void EvalFloatXnnpack(KernelContext& ctx) {
  EvalXnnpackWith<float>(ctx, [](float alpha) { return alpha; }, xnn::BilinearF32);
}

void EvalXnnpack(KernelContext& ctx) {
  switch (ctx.input(0).dtype) {
    case DType::INT8: return EvalQ8Xnnpack<int8_t>(ctx);
    case DType::UINT8: return EvalQ8Xnnpack<uint8_t>(ctx);
    default: return EvalFloatXnnpack(ctx);
  }
}

// ---- fast path (xnnpack flavor) ----

// The exact kernels' taps, weights and blend in two passes: the horizontal
// one once per input row that an output row reads, kept while consecutive
// output rows read the same input rows (an upsampling by 16 reads each 16
// times), then the vertical one over whole rows. Each output value is the
// same expression of the same operands in the same order (8-bit:
// xnn::BilinearQ11's int32 terms; float: xnn::BilinearF32's steps, this
// file compiled for an ISA without FMA, so nothing is contracted). Output
// rows are split between threads.
//
// `horizontal(input_row, acc_row)` fills one row of Acc; `vertical(top,
// bottom, ty, n, out_row)` blends two of them into an output row.
template <typename T, typename Acc, typename Horizontal, typename Vertical>
void TwoPassResize(KernelContext& ctx, Horizontal horizontal, Vertical vertical) {
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  const auto o = ctx.options_or_default<tflite::ResizeBilinearOptionsT>();
  const int32_t in_h = in.dim(1), in_w = in.dim(2), depth = in.dim(3);
  const int32_t out_h = out.dim(1), out_w = out.dim(2);
  const float height_scale = Scale(in_h, out_h, o.align_corners);
  const T* src = in.As<T>();
  T* dst = out.As<T>();
  const int64_t rows = static_cast<int64_t>(in.dim(0)) * out_h;
  const int64_t per_row = std::max<int64_t>(1, int64_t{out_w} * depth);
  ParallelFor(rows, std::max<int64_t>(1, 65536 / per_row), [&](int64_t begin, int64_t end) {
    // Two horizontal rows, each tagged with the input row (batch * in_h + y) it holds.
    std::vector<Acc> buf[2] = {std::vector<Acc>(static_cast<size_t>(per_row)),
                               std::vector<Acc>(static_cast<size_t>(per_row))};
    int64_t held[2] = {-1, -1};
    auto slot_of = [&](int64_t input_row) { return held[0] == input_row ? 0 : held[1] == input_row ? 1 : -1; };
    auto fill = [&](int k, int64_t input_row) {
      held[k] = input_row;
      horizontal(src + input_row * in_w * depth, buf[k].data());
    };
    for (int64_t row = begin; row < end; ++row) {
      const int64_t b = row / out_h;
      const int32_t y = static_cast<int32_t>(row % out_h);
      const xnn::ResizeTap ty = xnn::ResizeCoordinate(y, height_scale, o.half_pixel_centers, in_h);
      const int64_t lo = b * in_h + ty.lo, hi = b * in_h + ty.hi;
      int k_top = slot_of(lo);
      if (k_top < 0) {
        k_top = slot_of(hi) == 0 ? 1 : 0;  // keep the lower row if it is held
        fill(k_top, lo);
      }
      int k_bottom = slot_of(hi);
      if (k_bottom < 0) {
        k_bottom = 1 - k_top;
        fill(k_bottom, hi);
      }
      vertical(buf[k_top].data(), buf[k_bottom].data(), ty, per_row, dst + row * per_row);
    }
  });
}

// Each column's taps (and the weights `weight` makes of them) once per run:
// the same pure function of x the exact kernels evaluate per pixel.
template <typename W, typename Weight>
void ColumnTaps(KernelContext& ctx, Weight weight, std::vector<xnn::ResizeTap>& tx, std::vector<W>& wx) {
  const auto o = ctx.options_or_default<tflite::ResizeBilinearOptionsT>();
  const int32_t in_w = ctx.input(0).dim(2), out_w = ctx.output(0).dim(2);
  const float width_scale = Scale(in_w, out_w, o.align_corners);
  tx.resize(static_cast<size_t>(out_w));
  wx.resize(static_cast<size_t>(out_w));
  for (int32_t x = 0; x < out_w; ++x) {
    tx[x] = xnn::ResizeCoordinate(x, width_scale, o.half_pixel_centers, in_w);
    wx[x] = weight(tx[x].alpha);
  }
}

// tl * 2048 + (tr - tl) * wx, as xnn::BilinearQ11's top term.
template <typename T>
TFD_RESIZE_VECTORIZE void HorizontalQ11(const T* row, const xnn::ResizeTap* tx, const int32_t* wx, int32_t out_w,
                                        int32_t depth, int32_t* h) {
  for (int32_t x = 0; x < out_w; ++x, h += depth) {
    const T* l = row + int64_t{tx[x].lo} * depth;
    const T* r = row + int64_t{tx[x].hi} * depth;
    for (int32_t c = 0; c < depth; ++c) h[c] = int32_t{l[c]} * 2048 + (int32_t{r[c]} - int32_t{l[c]}) * wx[x];
  }
}

// (tr - tl) * alpha_x + tl, as xnn::BilinearF32's top (operands in its order).
TFD_RESIZE_VECTORIZE void HorizontalF32(const float* row, const xnn::ResizeTap* tx, const float* ax, int32_t out_w,
                                        int32_t depth, float* h) {
  for (int32_t x = 0; x < out_w; ++x, h += depth) {
    const float* l = row + int64_t{tx[x].lo} * depth;
    const float* r = row + int64_t{tx[x].hi} * depth;
    for (int32_t c = 0; c < depth; ++c) h[c] = (r[c] - l[c]) * ax[x] + l[c];
  }
}

// (bottom - top) * alpha_y + top, as xnn::BilinearF32's result.
TFD_RESIZE_VECTORIZE void VerticalF32(const float* top, const float* bottom, float ay, int64_t n, float* dst) {
  for (int64_t i = 0; i < n; ++i) dst[i] = (bottom[i] - top[i]) * ay + top[i];
}

template <typename T>
void FastEvalQ8Xnnpack(KernelContext& ctx) {
  std::vector<xnn::ResizeTap> tx;
  std::vector<int32_t> wx;
  ColumnTaps(ctx, xnn::ResizeWeightQ11, tx, wx);
  const int32_t out_w = ctx.output(0).dim(2), depth = ctx.input(0).dim(3);
  const fast8::Isa isa = fast8::SelectIsa();
  TwoPassResize<T, int32_t>(
      ctx, [&](const T* row, int32_t* h) { HorizontalQ11(row, tx.data(), wx.data(), out_w, depth, h); },
      [&](const int32_t* top, const int32_t* bottom, const xnn::ResizeTap& ty, int64_t n, T* dst) {
        fast8::BlendRowsQ11(top, bottom, xnn::ResizeWeightQ11(ty.alpha), n, dst, isa);
      });
}

void FastEvalFloatXnnpack(KernelContext& ctx) {
  std::vector<xnn::ResizeTap> tx;
  std::vector<float> ax;
  ColumnTaps(ctx, [](float alpha) { return alpha; }, tx, ax);
  const int32_t out_w = ctx.output(0).dim(2), depth = ctx.input(0).dim(3);
  TwoPassResize<float, float>(
      ctx, [&](const float* row, float* h) { HorizontalF32(row, tx.data(), ax.data(), out_w, depth, h); },
      [](const float* top, const float* bottom, const xnn::ResizeTap& ty, int64_t n, float* dst) {
        VerticalF32(top, bottom, ty.alpha, n, dst);
      });
}

void FastEvalXnnpack(KernelContext& ctx) {
  switch (ctx.input(0).dtype) {
    case DType::INT8: return FastEvalQ8Xnnpack<int8_t>(ctx);
    case DType::UINT8: return FastEvalQ8Xnnpack<uint8_t>(ctx);
    default: return FastEvalFloatXnnpack(ctx);
  }
}

// The delegate's VisitResizeBilinearNode: 4-D input and output, float32 or
// per-tensor quantized int8 / uint8 (both the same type and quantization),
// and a constant int32 size of two elements.
bool XnnpackAccepts(const KernelContext& ctx) {
  if (ctx.inputs.size() != 2 || ctx.outputs.size() != 1) return false;
  const RuntimeTensor* in = ctx.inputs[0];
  const RuntimeTensor* size = ctx.inputs[1];
  const RuntimeTensor* out = ctx.outputs[0];
  if (in == nullptr || size == nullptr || out == nullptr) return false;
  if (in->rank() != 4 || out->rank() != 4 || in->dtype != out->dtype) return false;
  if (in->dtype == DType::INT8 || in->dtype == DType::UINT8) {
    if (!xnn::PerTensor8(*in, in->dtype) || !xnn::PerTensor8(*out, out->dtype)) return false;
    // Declined (checked against the oracle) when the output's scale or zero
    // point differs from the input's.
    if (in->scale() != out->scale() || in->zero_point() != out->zero_point()) return false;
  } else if (in->dtype != DType::FLOAT32) {
    return false;
  }
  if (!size->is_constant() || size->dtype != DType::INT32 || size->rank() != 1 || size->NumElements() != 2)
    return false;
  const auto o = ctx.options_or_default<tflite::ResizeBilinearOptionsT>();
  return !(o.align_corners && o.half_pixel_centers);
}

void EvalUint8(const RuntimeTensor& in, RuntimeTensor& out, const tflite::ResizeBilinearOptionsT& o) {
  const int32_t in_h = in.dim(1), in_w = in.dim(2), depth = in.dim(3);
  const int32_t out_h = out.dim(1), out_w = out.dim(2);
  const float height_scale = Scale(in_h, out_h, o.align_corners), width_scale = Scale(in_w, out_w, o.align_corners);
  const uint8_t* src = in.As<uint8_t>();
  uint8_t* dst = out.As<uint8_t>();
  for (int32_t b = 0; b < in.dim(0); ++b)
    for (int32_t y = 0; y < out_h; ++y) {
      float iy;
      int32_t y0, y1;
      Interpolation(y, height_scale, o.half_pixel_centers, in_h, &iy, &y0, &y1);
      for (int32_t x = 0; x < out_w; ++x) {
        float ix;
        int32_t x0, x1;
        Interpolation(x, width_scale, o.half_pixel_centers, in_w, &ix, &x0, &x1);
        const float dy = iy - static_cast<float>(y0), dx = ix - static_cast<float>(x0);
        const int64_t corner[4] = {((int64_t{b} * in_h + y0) * in_w + x0) * depth, ((int64_t{b} * in_h + y0) * in_w + x1) * depth,
                                   ((int64_t{b} * in_h + y1) * in_w + x0) * depth, ((int64_t{b} * in_h + y1) * in_w + x1) * depth};
        // The weights are formed first, then applied (optimized_ops' order).
        const float weight[4] = {(1 - dy) * (1 - dx), (1 - dy) * dx, dy * (1 - dx), dy * dx};
        for (int32_t c = 0; c < depth; ++c) {
          const float v = static_cast<float>(src[corner[0] + c]) * weight[0] + static_cast<float>(src[corner[1] + c]) * weight[1] +
                          static_cast<float>(src[corner[2] + c]) * weight[2] + static_cast<float>(src[corner[3] + c]) * weight[3] +
                          0.5f;
          *dst++ = static_cast<uint8_t>(v);
        }
      }
    }
}

// TFLite's ComputeInterpolationValuesInteger: positions in 1/1024 units.
void InterpolationInteger(int32_t value, int32_t scale_10, bool half_pixel, int32_t input_size, int32_t* scaled,
                          int32_t* lower, int32_t* upper) {
  *scaled = half_pixel ? value * scale_10 + scale_10 / 2 - (1 << 9) : value * scale_10;
  *lower = std::max(*scaled / (1 << 10), 0);
  *upper = std::min((*scaled + (1 << 10) - 1) / (1 << 10), input_size - 1);
}

int32_t Scale10(int32_t in_size, int32_t out_size, bool align_corners) {
  if (align_corners && out_size > 1) return ((1 << 10) * (in_size - 1) + (out_size - 1) / 2) / (out_size - 1);
  return ((1 << 10) * in_size + out_size / 2) / out_size;
}

template <typename T>
void EvalInteger(const RuntimeTensor& in, RuntimeTensor& out, const tflite::ResizeBilinearOptionsT& o) {
  const int32_t in_h = in.dim(1), in_w = in.dim(2), depth = in.dim(3);
  const int32_t out_h = out.dim(1), out_w = out.dim(2);
  const int32_t height_scale = Scale10(in_h, out_h, o.align_corners), width_scale = Scale10(in_w, out_w, o.align_corners);
  const T* src = in.As<T>();
  T* dst = out.As<T>();
  auto at = [&](int32_t b, int32_t y, int32_t x, int32_t c) -> int64_t {
    return src[((int64_t{b} * in_h + y) * in_w + x) * depth + c];
  };
  constexpr int32_t kOne = 1 << 10;
  for (int32_t b = 0; b < in.dim(0); ++b)
    for (int32_t y = 0; y < out_h; ++y) {
      int32_t iy, y0, y1;
      InterpolationInteger(y, height_scale, o.half_pixel_centers, in_h, &iy, &y0, &y1);
      // Fractions may be negative or exceed 1 at the borders, as in TFLite.
      const int64_t fy = iy - kOne * y0;
      for (int32_t x = 0; x < out_w; ++x) {
        int32_t ix, x0, x1;
        InterpolationInteger(x, width_scale, o.half_pixel_centers, in_w, &ix, &x0, &x1);
        const int64_t fx = ix - kOne * x0;
        for (int32_t c = 0; c < depth; ++c) {
          const int64_t sum = at(b, y0, x0, c) * (kOne - fy) * (kOne - fx) + at(b, y1, x0, c) * fy * (kOne - fx) +
                              at(b, y0, x1, c) * (kOne - fy) * fx + at(b, y1, x1, c) * fy * fx;
          const int64_t round = sum > 0 ? (1 << 19) : -(1 << 19);
          *dst++ = static_cast<T>((sum + round) / (1 << 20));
        }
      }
    }
}

void Eval(KernelContext& ctx) {
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  const auto options = ctx.options_or_default<tflite::ResizeBilinearOptionsT>();
  switch (in.dtype) {
    case DType::FLOAT32: return EvalFloat(in, out, options);
    case DType::UINT8: return EvalUint8(in, out, options);
    case DType::INT8: return EvalInteger<int8_t>(in, out, options);
    default: return EvalInteger<int16_t>(in, out, options);
  }
}

}  // namespace

TFD_REGISTER_KERNEL(RESIZE_BILINEAR, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(RESIZE_BILINEAR, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(RESIZE_BILINEAR, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(RESIZE_BILINEAR, DType::INT16, Prepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(RESIZE_BILINEAR, DType::FLOAT32, XnnpackAccepts, Prepare, EvalXnnpack);
TFD_REGISTER_XNNPACK_KERNEL(RESIZE_BILINEAR, DType::UINT8, XnnpackAccepts, Prepare, EvalXnnpack);
TFD_REGISTER_XNNPACK_KERNEL(RESIZE_BILINEAR, DType::INT8, XnnpackAccepts, Prepare, EvalXnnpack);
TFD_REGISTER_XNNPACK_FAST_KERNEL(RESIZE_BILINEAR, DType::FLOAT32, XnnpackAccepts, Prepare, FastEvalXnnpack);
TFD_REGISTER_XNNPACK_FAST_KERNEL(RESIZE_BILINEAR, DType::UINT8, XnnpackAccepts, Prepare, FastEvalXnnpack);
TFD_REGISTER_XNNPACK_FAST_KERNEL(RESIZE_BILINEAR, DType::INT8, XnnpackAccepts, Prepare, FastEvalXnnpack);

}  // namespace tfd
