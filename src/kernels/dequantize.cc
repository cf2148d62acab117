// DEQUANTIZE: int8/uint8/int16 -> float32 as scale * (q - zero_point),
// per tensor or per channel along the quantized dimension; float16 -> float32
// (MediaPipe's float16 weights). The product is formed exactly and rounded
// once to float, as TFLite does.
#include <memory>
#include <vector>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_common.h"
#include "kernels/internal/act_half.h"

namespace tfd {
namespace {

struct DequantizeState : KernelState {
  std::vector<float> scales;        // one per channel (one for per-tensor)
  std::vector<int32_t> zero_points;
  int64_t outer = 1, channels = 1, inner = 1;
};

void Prepare(KernelContext& ctx) {
  act::PrepareUnaryShape(ctx);
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  if (out.dtype != DType::FLOAT32) ctx.Fail("output must be float32, got {}", DTypeName(out.dtype));
  auto state = std::make_unique<DequantizeState>();
  if (in.dtype == DType::INT8 || in.dtype == DType::UINT8 || in.dtype == DType::INT16) {
    const Quantization* q = in.quant();
    if (!q) ctx.Fail("input tensor '{}' has no quantization parameters", in.name());
    state->scales = q->scale;
    state->zero_points.assign(q->scale.size(), 0);
    for (size_t i = 0; i < q->zero_point.size() && i < q->scale.size(); ++i)
      state->zero_points[i] = static_cast<int32_t>(q->zero_point[i]);
    if (q->IsPerChannel()) {
      const int axis = q->axis;
      if (axis < 0 || axis >= in.rank()) ctx.Fail("quantized dimension {} out of range for rank {}", axis, in.rank());
      if (static_cast<int64_t>(q->scale.size()) != in.dim(axis))
        ctx.Fail("{} scales for dimension {} of size {}", q->scale.size(), axis, in.dim(axis));
      state->channels = in.dim(axis);
      for (int d = 0; d < axis; ++d) state->outer *= in.dim(d);
      for (int d = axis + 1; d < in.rank(); ++d) state->inner *= in.dim(d);
    } else {
      state->inner = in.NumElements();
    }
  } else if (in.dtype != DType::FLOAT16) {
    ctx.Fail("unsupported input type {} (DEQUANTIZE takes int8, uint8, int16 and float16)", DTypeName(in.dtype));
  }
  ctx.state = std::move(state);
}

template <typename T>
void EvalQuantized(KernelContext& ctx, const DequantizeState& s) {
  const T* x = ctx.input(0).As<T>();
  float* y = ctx.output(0).As<float>();
  int64_t i = 0;
  for (int64_t o = 0; o < s.outer; ++o) {
    for (int64_t c = 0; c < s.channels; ++c) {
      const double scale = s.scales[static_cast<size_t>(c)];
      const int32_t zp = s.zero_points[static_cast<size_t>(c)];
      for (int64_t k = 0; k < s.inner; ++k, ++i) y[i] = static_cast<float>(scale * (static_cast<int32_t>(x[i]) - zp));
    }
  }
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<DequantizeState>();
  switch (ctx.input(0).dtype) {
    case DType::INT8: return EvalQuantized<int8_t>(ctx, s);
    case DType::UINT8: return EvalQuantized<uint8_t>(ctx, s);
    case DType::INT16: return EvalQuantized<int16_t>(ctx, s);
    case DType::FLOAT16: {
      const uint16_t* x = ctx.input(0).As<uint16_t>();
      float* y = ctx.output(0).As<float>();
      const int64_t n = ctx.output(0).NumElements();
      for (int64_t i = 0; i < n; ++i) y[i] = act::HalfToFloat(x[i]);
      return;
    }
    default: ctx.Fail("unsupported input type {}", DTypeName(ctx.input(0).dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(DEQUANTIZE, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(DEQUANTIZE, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(DEQUANTIZE, DType::INT16, Prepare, Eval);
TFD_REGISTER_KERNEL(DEQUANTIZE, DType::FLOAT16, Prepare, Eval);

}  // namespace tfd
