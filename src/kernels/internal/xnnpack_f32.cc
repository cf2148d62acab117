#include "kernels/internal/xnnpack_f32.h"

#include <cmath>
#include <cstring>

#include <algorithm>

namespace tfd::xnn {

bool F32ActivationClamp(Activation act, F32Clamp* clamp) {
  *clamp = F32Clamp{};
  switch (act) {
    case Activation::NONE: return true;
    case Activation::RELU: clamp->min = 0.0f; return true;
    case Activation::RELU_N1_TO_1: clamp->min = -1.0f; clamp->max = 1.0f; return true;
    case Activation::RELU6: clamp->min = 0.0f; clamp->max = 6.0f; return true;
    default: return false;
  }
}

float MulAddF32(float acc, const float* a, const float* w, int64_t n, int64_t w_stride) {
  // Kept scalar and in order: no reassociation without -ffast-math, and
  // -ffp-contract=off (set for this file) keeps the product rounded.
  for (int64_t i = 0; i < n; ++i) {
    const float product = a[i] * w[i * w_stride];
    acc = acc + product;
  }
  return acc;
}

void MulAddChannelsF32(float* acc, const float* x, const float* w, int channels, int multiplier) {
  for (int c = 0; c < channels; ++c)
    for (int m = 0; m < multiplier; ++m) {
      const int i = c * multiplier + m;
      const float product = x[c] * w[i];
      acc[i] = acc[i] + product;
    }
}

ResizeTap ResizeCoordinate(int32_t o, float scale, bool half_pixel, int32_t in_size) {
  const int32_t last = in_size - 1;
  float in = static_cast<float>(o) * scale;
  if (half_pixel) {
    const float offset = 0.5f * scale - 0.5f;
    in = in + offset;
    in = std::min(std::max(in, 0.0f), static_cast<float>(last));
  }
  ResizeTap t;
  t.lo = static_cast<int32_t>(in);
  t.hi = std::min(t.lo + 1, last);
  t.alpha = in - static_cast<float>(t.lo);
  return t;
}

float BilinearF32(float tl, float tr, float bl, float br, float alpha_x, float alpha_y) {
  const float top_step = (tr - tl) * alpha_x;
  const float bottom_step = (br - bl) * alpha_x;
  const float top = top_step + tl;
  const float bottom = bottom_step + bl;
  const float vertical_step = (bottom - top) * alpha_y;
  return vertical_step + top;
}

namespace {

// exp(-z), z >= 0, by the range reduction (ln 2 in two parts) and degree-5
// polynomial that XNNPACK's rr2-p5 sigmoid and softmax
// (raddstoreexpminusmax) kernels share. The softmax kernel writes it for
// x = -z with every sign flipped; negation is exact, so this gives its
// results bit for bit (checked on every float x <= 0).
float ExpOfMinusRr2P5(float z) {
  const float magic_bias = 0x1.8000FEp23f, minus_log2e = -0x1.715476p+0f;
  const float ln2_hi = 0x1.62E400p-1f, ln2_lo = 0x1.7F7D1Cp-20f;
  const float c5 = -0x1.0F9F9Cp-7f, c4 = 0x1.573A1Ap-5f, c3 = -0x1.555A80p-3f, c2 = 0x1.FFFDC6p-2f,
              c1 = -0x1.FFFFF6p-1f;
  float n = magic_bias + z * minus_log2e;
  uint32_t n_bits;
  std::memcpy(&n_bits, &n, sizeof n_bits);
  const uint32_t s_bits = n_bits << 23;
  float s;
  std::memcpy(&s, &s_bits, sizeof s);
  n = n - magic_bias;
  float t = z + n * ln2_hi;
  t = t + n * ln2_lo;
  float p = c4 + t * c5;
  p = c3 + t * p;
  p = c2 + t * p;
  p = c1 + t * p;
  t = t * s;
  return s + t * p;
}

// Beyond it exp(-z) is a denormal the kernels flush to zero.
constexpr float kExpDenormCutoff = 0x1.5D589Ep+6f;

}  // namespace

float SigmoidF32(float x) {
  const float z = std::fabs(x);
  const float e = ExpOfMinusRr2P5(z);
  const float d = e + 1.0f;
  float f = e / d;
  if (z > kExpDenormCutoff) f = 0.0f;
  return std::signbit(x) ? f : 1.0f - f;
}

float GlobalSumF32(const float* x, int64_t rows, int64_t stride) {
  auto row = [&](int64_t r) { return r < rows ? x[r * stride] : 0.0f; };
  float acc = ((row(0) + row(1)) + row(6)) + ((row(2) + row(3)) + (row(4) + row(5)));
  for (int64_t first = 7; first < rows; first += 7) {
    auto g = [&](int64_t k) { return row(first + k); };
    acc = ((g(0) + g(1)) + (g(2) + g(3))) + ((g(4) + g(5)) + (g(6) + acc));
  }
  return acc;
}

namespace {

// exp(x) for x <= 0 as the raddstoreexpminusmax rr2-p5 kernels.
float ExpMinusMaxF32(float x) {
  float f = ExpOfMinusRr2P5(-x);
  if (x < -kExpDenormCutoff) f = 0.0f;
  return f;
}

}  // namespace

void SoftmaxRowF32(const float* x, float* y, int64_t n) {
  if (n <= 0) return;
  float max = x[0];
  for (int64_t i = 1; i < n; ++i) max = x[i] > max ? x[i] : max;
  float lanes[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  const int64_t body = n - n % 4;
  for (int64_t i = 0; i < body; ++i) {
    y[i] = ExpMinusMaxF32(x[i] - max);
    lanes[i % 4] = lanes[i % 4] + y[i];
  }
  float sum = (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]);
  for (int64_t i = body; i < n; ++i) {
    y[i] = ExpMinusMaxF32(x[i] - max);
    sum = sum + y[i];
  }
  const float inverse = 1.0f / sum;
  for (int64_t i = 0; i < n; ++i) y[i] = y[i] * inverse;
}

float AvgPoolSumF32(const float* taps, int64_t n) {
  auto tap = [&](int64_t i) { return i < n ? taps[i] : 0.0f; };
  float acc = ((tap(2) + tap(3)) + (tap(4) + tap(5))) + (((tap(0) + tap(1)) + tap(8)) + (tap(6) + tap(7)));
  for (int64_t first = 9; first < n; first += 8) {
    auto g = [&](int64_t k) { return tap(first + k); };
    acc = ((g(2) + g(3)) + (g(4) + g(5))) + (((g(0) + g(1)) + acc) + (g(6) + g(7)));
  }
  return acc;
}

float HardSwishF32(float x) {
  const float sixth = 0x1.555556p-3f;
  float acc = x + 3.0f;
  const float scaled = x * sixth;
  // Integer max/min on the float's bits: a negative value (sign bit set) is
  // below the bits of 0, so it becomes +0.
  if (std::signbit(acc)) acc = 0.0f;
  acc = acc < 6.0f ? acc : 6.0f;
  return acc * scaled;
}

namespace {

// Whether tensor `index` of the node's subgraph holds values the delegate
// knows before running: constant data, the output of a DENSIFY of a
// constant (sparse weights, unpacked once), or of a DEQUANTIZE of such a
// float16 tensor. `depth` bounds the walk up the producers.
bool StaticValues(const KernelContext& ctx, const Subgraph& g, int32_t index, DType dtype, int depth) {
  if (index < 0 || static_cast<size_t>(index) >= g.tensors.size() || depth > 2) return false;
  const Tensor& t = g.tensors[static_cast<size_t>(index)];
  if (t.dtype != dtype) return false;
  if (ctx.model->ConstantData(t) != nullptr) return true;
  for (const Operator& op : g.operators) {
    if (op.outputs.size() != 1 || op.outputs[0] != index) continue;
    if (op.inputs.size() != 1 || op.inputs[0] < 0) return false;
    const BuiltinOp code = ctx.model->op_code(op).builtin;
    if (code == BuiltinOp::DENSIFY) return StaticValues(ctx, g, op.inputs[0], dtype, depth + 1);
    if (code == BuiltinOp::DEQUANTIZE && dtype == DType::FLOAT32)
      return StaticValues(ctx, g, op.inputs[0], DType::FLOAT16, depth + 1);
    return false;
  }
  return false;
}

}  // namespace

bool StaticF32(const KernelContext& ctx, const RuntimeTensor* t) {
  if (t == nullptr || t->dtype != DType::FLOAT32 || t->quant() != nullptr) return false;
  if (t->is_constant()) return true;
  if (ctx.model == nullptr || t->meta == nullptr) return false;
  const Subgraph& g = ctx.model->subgraphs.at(static_cast<size_t>(ctx.subgraph_index));
  const int32_t index = static_cast<int32_t>(t->meta - g.tensors.data());
  return StaticValues(ctx, g, index, DType::FLOAT32, 0);
}

bool StaticInput(const KernelContext& ctx, const RuntimeTensor* t) {
  if (t == nullptr) return false;
  if (t->is_constant()) return true;
  if (ctx.model == nullptr || t->meta == nullptr) return false;
  const Subgraph& g = ctx.model->subgraphs.at(static_cast<size_t>(ctx.subgraph_index));
  const int32_t index = static_cast<int32_t>(t->meta - g.tensors.data());
  return StaticValues(ctx, g, index, t->dtype, 0);
}

}  // namespace tfd::xnn
