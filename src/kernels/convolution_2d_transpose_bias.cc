// Convolution2DTransposeBias (MediaPipe custom op): a float transposed
// convolution with a bias, the output size derived from the input. Inputs:
// input (NHWC), weights (OHWI), bias [out_channels]. custom_options is a raw
// TfLiteTransposeConvParams struct: int32 padding (1 = SAME, 2 = VALID),
// int32 stride_width, int32 stride_height, little-endian (trailing fields
// ignored).
//
// As MediaPipe's kernel: SAME pads pad = max(0, filter - (in - 1) % stride - 1)
// in total, out = stride * (in - 1) + filter - pad, pad / 2 before; VALID
// gives out = stride * (in - 1) + filter. The output starts at the bias and
// accumulates the products; there is no fused activation.
#include <algorithm>
#include <cstring>

#include "graph/dtype.h"
#include "interpreter/kernel_registry.h"
#include "kernels/internal/conv_transpose.h"

namespace tfd {
namespace {

struct TransposeBiasState : KernelState {
  conv::TransposeGeometry geo;
};

int32_t ReadInt32(const std::vector<uint8_t>& bytes, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v |= static_cast<uint32_t>(bytes[at + i]) << (8 * i);
  return static_cast<int32_t>(v);
}

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(3, 3, 1);
  const RuntimeTensor& input = ctx.input(0);
  const RuntimeTensor& weights = ctx.input(1);
  const RuntimeTensor& bias = ctx.input(2);
  const RuntimeTensor& output = ctx.output(0);
  if (input.dtype != DType::FLOAT32 || weights.dtype != DType::FLOAT32 || bias.dtype != DType::FLOAT32 ||
      output.dtype != DType::FLOAT32)
    ctx.Fail("only float32 is supported (input {}, weights {}, bias {}, output {})", DTypeName(input.dtype),
             DTypeName(weights.dtype), DTypeName(bias.dtype), DTypeName(output.dtype));
  if (input.rank() != 4) ctx.Fail("input must be 4-D (NHWC), has shape {}", ShapeString(input.shape));
  if (weights.rank() != 4) ctx.Fail("weights must be 4-D (OHWI), have shape {}", ShapeString(weights.shape));
  if (bias.rank() != 1 || bias.dim(0) != weights.dim(0))
    ctx.Fail("bias must be a vector of {} (the weights' output channels), has shape {}", weights.dim(0),
             ShapeString(bias.shape));
  if (weights.dim(3) != input.dim(3))
    ctx.Fail("weights have {} input channels, the input has {}", weights.dim(3), input.dim(3));
  const std::vector<uint8_t>& options = ctx.op->custom_options;
  if (options.size() < 12)
    ctx.Fail("custom_options must hold padding, stride_width, stride_height (12 bytes), has {} bytes", options.size());
  const int32_t padding = ReadInt32(options, 0);
  const int32_t stride_w = ReadInt32(options, 4);
  const int32_t stride_h = ReadInt32(options, 8);
  if (padding != 1 && padding != 2) ctx.Fail("padding must be 1 (SAME) or 2 (VALID), is {}", padding);
  if (stride_w <= 0 || stride_h <= 0) ctx.Fail("strides must be positive, got {}x{} (HxW)", stride_h, stride_w);
  auto s = std::make_unique<TransposeBiasState>();
  conv::TransposeGeometry& g = s->geo;
  g.batches = input.dim(0);
  g.in_h = input.dim(1);
  g.in_w = input.dim(2);
  g.in_c = input.dim(3);
  g.out_c = weights.dim(0);
  g.filter_h = weights.dim(1);
  g.filter_w = weights.dim(2);
  g.stride_h = stride_h;
  g.stride_w = stride_w;
  int total_pad_h = 0, total_pad_w = 0;
  if (padding == 1) {
    total_pad_h = std::max(0, g.filter_h - (g.in_h - 1) % stride_h - 1);
    total_pad_w = std::max(0, g.filter_w - (g.in_w - 1) % stride_w - 1);
  }
  g.out_h = stride_h * (g.in_h - 1) + g.filter_h - total_pad_h;
  g.out_w = stride_w * (g.in_w - 1) + g.filter_w - total_pad_w;
  g.pad_h = total_pad_h / 2;
  g.pad_w = total_pad_w / 2;
  ctx.ResizeOutput(0, {g.batches, g.out_h, g.out_w, g.out_c});
  ctx.state = std::move(s);
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<TransposeBiasState>();
  const float* bias = ctx.input(2).As<float>();
  RuntimeTensor& output = ctx.output(0);
  float* out = output.As<float>();
  const int64_t n = output.NumElements();
  for (int64_t i = 0; i < n; i += s.geo.out_c) std::memcpy(out + i, bias, sizeof(float) * s.geo.out_c);
  conv::TransposeConvAccumulate(s.geo, ctx.input(0).As<float>(), ctx.input(1).As<float>(), out, conv::DotF);
}

}  // namespace

TFD_REGISTER_CUSTOM_KERNEL("Convolution2DTransposeBias", DType::FLOAT32, Prepare, Eval);

}  // namespace tfd
