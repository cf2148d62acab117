// The XNNPACK delegate's rules (see interpreter/xnnpack_delegate.h), one per
// (op, first-input dtype) it can take: the whole list, in one place. Where an
// xnnpack-flavor kernel reproduces XNNPACK's arithmetic, its rule lives with
// that kernel (registered once, with it) and the entry here defers to it;
// every other op the delegate takes computes what TFLite's kernel computes,
// so only its rule is needed, and it is here.
//
// Each rule names its source: observed (asked of the oracle's runtime with
// `oracle.js --delegation`, TFLite 2.12 in tfjs-tflite 0.0.1-alpha.10, on the
// fixture, MediaPipe, quantizer-written and single-node models of
// tests/analysis/xnnpack_delegation_test.cc), or, for a few uint8 variants,
// assumed from the int8 observation. Observed left on the CPU, so without a
// rule: SLICE, STRIDED_SLICE, SPACE_TO_DEPTH, RSQRT, EXP, TANH, 8-bit RELU,
// SOFTMAX, AVERAGE_POOL_2D, RESHAPE, HARD_SWISH, CONCATENATION of 5 inputs.
#include <algorithm>
#include <cmath>

#include "interpreter/xnnpack_delegate.h"
#include "kernels/internal/xnnpack.h"
#include "kernels/internal/xnnpack_f32.h"

namespace tfd {
namespace {

constexpr const char* kFlavor =
    "the xnnpack-flavor kernel's rule (src/kernels/<op>.cc XnnpackAccepts), checked node by node against "
    "oracle.js --delegation (TFLite 2.12 in tfjs-tflite 0.0.1-alpha.10) in its kernel tests and on every model "
    "of tests/analysis/xnnpack_delegation_test.cc";
constexpr const char* kObserved =
    "observed with oracle.js --delegation (TFLite 2.12 in tfjs-tflite 0.0.1-alpha.10) on the fixture, MediaPipe, "
    "quantizer-written and single-node models of tests/analysis/xnnpack_delegation_test.cc";
constexpr const char* kMediaPipe =
    "transcribed from tensorflow/lite/delegates/xnnpack/xnnpack_delegate.cc (VisitMediaPipe*Node), not observed: "
    "the oracle's runtime cannot load a model holding this MediaPipe custom op (it is not registered there)";
constexpr const char* kAsInt8 =
    "observed for int8 with oracle.js --delegation (TFLite 2.12 in tfjs-tflite 0.0.1-alpha.10, single-node models "
    "of tests/analysis/xnnpack_delegation_test.cc); uint8 assumed the same (the delegate checks both 8-bit types "
    "alike), not yet observed";

bool Arity(const KernelContext& ctx, size_t inputs, size_t outputs) {
  if (ctx.inputs.size() != inputs || ctx.outputs.size() != outputs) return false;
  for (const RuntimeTensor* t : ctx.outputs)
    if (t == nullptr) return false;
  return true;
}

bool IsF32(const RuntimeTensor* t) { return t != nullptr && t->dtype == DType::FLOAT32; }
bool Is8(DType t) { return t == DType::INT8 || t == DType::UINT8; }

// Inputs `first`.. and every output: runtime float32 tensors.
bool F32Tensors(const KernelContext& ctx, size_t inputs) {
  for (size_t i = 0; i < inputs && i < ctx.inputs.size(); ++i)
    if (!IsF32(ctx.inputs[i])) return false;
  for (const RuntimeTensor* t : ctx.outputs)
    if (!IsF32(t)) return false;
  return true;
}

// Inputs 0..inputs-1 and every output: 8-bit of one type, per-tensor.
bool Same8Tensors(const KernelContext& ctx, size_t inputs) {
  const RuntimeTensor* out = ctx.outputs.empty() ? nullptr : ctx.outputs[0];
  if (out == nullptr || !Is8(out->dtype)) return false;
  for (size_t i = 0; i < inputs && i < ctx.inputs.size(); ++i)
    if (ctx.inputs[i] == nullptr || !xnn::PerTensor8(*ctx.inputs[i], out->dtype)) return false;
  for (const RuntimeTensor* t : ctx.outputs)
    if (!xnn::PerTensor8(*t, out->dtype)) return false;
  return true;
}

// float32, or 8-bit of one type with per-tensor quantization.
bool F32OrSame8(const KernelContext& ctx, size_t inputs) {
  return F32Tensors(ctx, inputs) || Same8Tensors(ctx, inputs);
}

bool ConstInt32(const RuntimeTensor* t) {
  return t != nullptr && t->is_constant() && t->dtype == DType::INT32 && t->rank() == 1;
}

bool F32Clampable(Activation act) {
  xnn::F32Clamp clamp;
  return xnn::F32ActivationClamp(act, &clamp);
}

// ---- elementwise ----

bool UnaryF32(const KernelContext& ctx) { return Arity(ctx, 1, 1) && F32Tensors(ctx, 1); }

bool BinaryF32(const KernelContext& ctx) { return Arity(ctx, 2, 1) && F32Tensors(ctx, 2); }

bool AddF32(const KernelContext& ctx) {
  return BinaryF32(ctx) && F32Clampable(ctx.options_or_default<tflite::AddOptionsT>().fused_activation_function);
}
bool SubF32(const KernelContext& ctx) {
  return BinaryF32(ctx) && F32Clampable(ctx.options_or_default<tflite::SubOptionsT>().fused_activation_function);
}
bool MulF32(const KernelContext& ctx) {
  return BinaryF32(ctx) && F32Clampable(ctx.options_or_default<tflite::MulOptionsT>().fused_activation_function);
}
bool DivF32(const KernelContext& ctx) {
  return BinaryF32(ctx) && F32Clampable(ctx.options_or_default<tflite::DivOptionsT>().fused_activation_function);
}

bool PreluF32(const KernelContext& ctx) {
  return Arity(ctx, 2, 1) && IsF32(ctx.inputs[0]) && IsF32(ctx.outputs[0]) && xnn::StaticF32(ctx, ctx.inputs[1]);
}

// DEQUANTIZE: a per-tensor 8-bit tensor to float32; of a constant float16
// tensor, folded into static float32 weights.
bool Dequantize8(const KernelContext& ctx) {
  return Arity(ctx, 1, 1) && ctx.inputs[0] != nullptr && xnn::PerTensor8(*ctx.inputs[0], ctx.inputs[0]->dtype) &&
         IsF32(ctx.outputs[0]);
}
bool DequantizeF16(const KernelContext& ctx) {
  return Arity(ctx, 1, 1) && xnn::StaticInput(ctx, ctx.inputs[0]) && IsF32(ctx.outputs[0]);
}

// DENSIFY of constant sparse weights: unpacked once by the delegate.
bool Densify(const KernelContext& ctx) { return Arity(ctx, 1, 1) && xnn::StaticInput(ctx, ctx.inputs[0]); }

// ---- movement ----

bool ConcatenationF32(const KernelContext& ctx) {
  if (ctx.inputs.size() < 2 || ctx.inputs.size() > 4 || !Arity(ctx, ctx.inputs.size(), 1)) return false;
  if (!F32Tensors(ctx, ctx.inputs.size())) return false;
  for (const RuntimeTensor* in : ctx.inputs)
    if (in->rank() != ctx.outputs[0]->rank()) return false;
  return ctx.options_or_default<tflite::ConcatenationOptionsT>().fused_activation_function == Activation::NONE;
}

bool Pad(const KernelContext& ctx) {
  if (!Arity(ctx, 2, 1) || !F32OrSame8(ctx, 1)) return false;
  const RuntimeTensor* paddings = ctx.inputs[1];
  if (paddings == nullptr || !paddings->is_constant() || paddings->dtype != DType::INT32 || paddings->rank() != 2)
    return false;
  const int32_t* p = paddings->As<int32_t>();
  return std::all_of(p, p + paddings->NumElements(), [](int32_t v) { return v >= 0; });
}

// float32 only (8-bit RESHAPE observed left on the CPU); the new shape from
// the options or a constant, and a static output.
bool ReshapeF32(const KernelContext& ctx) {
  if (ctx.inputs.empty() || ctx.inputs.size() > 2 || ctx.outputs.size() != 1) return false;
  if (!IsF32(ctx.inputs[0]) || !IsF32(ctx.outputs[0])) return false;
  const RuntimeTensor* shape = ctx.optional_input(1);
  return shape == nullptr || (shape->is_constant() && shape->dtype == DType::INT32);
}

bool Split(const KernelContext& ctx) {
  if (ctx.inputs.size() != 2 || ctx.outputs.size() < 2 || ctx.outputs.size() > 4) return false;
  if (!Arity(ctx, 2, ctx.outputs.size())) return false;
  const RuntimeTensor* axis = ctx.inputs[0];
  if (axis == nullptr || !axis->is_constant() || axis->dtype != DType::INT32) return false;
  const RuntimeTensor* in = ctx.inputs[1];
  if (in == nullptr) return false;
  if (in->dtype == DType::FLOAT32) {
    if (!IsF32(in)) return false;
    for (const RuntimeTensor* t : ctx.outputs)
      if (!IsF32(t)) return false;
    return true;
  }
  if (!Is8(in->dtype) || !xnn::PerTensor8(*in, in->dtype)) return false;
  for (const RuntimeTensor* t : ctx.outputs)
    if (!xnn::PerTensor8(*t, in->dtype)) return false;
  return true;
}



bool Transpose(const KernelContext& ctx) {
  return Arity(ctx, 2, 1) && F32OrSame8(ctx, 1) && ConstInt32(ctx.inputs[1]);
}

bool DepthToSpace(const KernelContext& ctx) {
  return Arity(ctx, 1, 1) && F32OrSame8(ctx, 1) &&
         ctx.options_or_default<tflite::DepthToSpaceOptionsT>().block_size > 1;
}

// ---- pooling, deconvolution ----

bool MaxPool(const KernelContext& ctx) {
  if (!Arity(ctx, 1, 1) || !F32OrSame8(ctx, 1) || ctx.inputs[0]->rank() != 4) return false;
  const auto o = ctx.options_or_default<tflite::Pool2DOptionsT>();
  if (o.stride_h <= 0 || o.stride_w <= 0 || o.filter_height <= 0 || o.filter_width <= 0) return false;
  if (o.stride_h > o.filter_height || o.stride_w > o.filter_width) return false;
  return ctx.inputs[0]->dtype == DType::FLOAT32 ? F32Clampable(o.fused_activation_function)
                                                : xnn::ActivationSupported(o.fused_activation_function);
}

bool TransposeConvF32(const KernelContext& ctx) {
  if (ctx.inputs.size() < 3 || ctx.inputs.size() > 4 || ctx.outputs.size() != 1) return false;
  const RuntimeTensor* out = ctx.outputs[0];
  if (!IsF32(out) || !IsF32(ctx.inputs[2]) || !ConstInt32(ctx.inputs[0])) return false;
  if (!xnn::StaticF32(ctx, ctx.inputs[1])) return false;
  const RuntimeTensor* bias = ctx.optional_input(3);
  if (bias != nullptr && !xnn::StaticF32(ctx, bias)) return false;
  const auto o = ctx.options_or_default<tflite::TransposeConvOptionsT>();
  return o.stride_h > 0 && o.stride_w > 0 && F32Clampable(o.fused_activation_function);
}

// MediaPipe's transposed convolution with bias: float32, static weights.
bool MediaPipeDeconvolution(const KernelContext& ctx) {
  return Arity(ctx, 3, 1) && IsF32(ctx.inputs[0]) && IsF32(ctx.outputs[0]) && xnn::StaticF32(ctx, ctx.inputs[1]) &&
         xnn::StaticF32(ctx, ctx.inputs[2]);
}

// MediaPipe's max pooling with argmax (float32 values, int32 indices) and
// the unpooling that reads them back.
bool MediaPipeMaxPooling(const KernelContext& ctx) {
  return Arity(ctx, 1, 2) && IsF32(ctx.inputs[0]) && IsF32(ctx.outputs[0]) &&
         ctx.outputs[1]->dtype == DType::INT32;
}
bool MediaPipeUnpooling(const KernelContext& ctx) {
  return Arity(ctx, 2, 1) && IsF32(ctx.inputs[0]) && ctx.inputs[1] != nullptr &&
         ctx.inputs[1]->dtype == DType::INT32 && IsF32(ctx.outputs[0]);
}

}  // namespace

// clang-format off
constexpr auto F32 = DType::FLOAT32;
constexpr auto I8 = DType::INT8;
constexpr auto U8 = DType::UINT8;
constexpr auto F16 = DType::FLOAT16;

// Convolutions and fully connected: XNNPACK's arithmetic (flavor kernels).
TFD_REGISTER_XNNPACK_RULE(CONV_2D, F32, nullptr, "4-D input, filter and output; a constant float32 filter and bias (or float16 behind DEQUANTIZE, or sparse behind DENSIFY); positive strides and dilations; fused NONE, RELU, RELU_N1_TO_1 or RELU6", kFlavor);
TFD_REGISTER_XNNPACK_RULE(CONV_2D, I8, nullptr, "per-tensor int8 input and output, constant int8 filter (per-channel with zero points 0 allowed) and int32 bias; fused NONE, RELU, RELU_N1_TO_1 or RELU6", kFlavor);
TFD_REGISTER_XNNPACK_RULE(CONV_2D, U8, nullptr, "per-tensor uint8 input, filter and output, constant filter and int32 bias; fused NONE, RELU, RELU_N1_TO_1 or RELU6", kFlavor);
TFD_REGISTER_XNNPACK_RULE(DEPTHWISE_CONV_2D, F32, nullptr, "as CONV_2D, with a depth multiplier dividing the filter's channels", kFlavor);
TFD_REGISTER_XNNPACK_RULE(DEPTHWISE_CONV_2D, I8, nullptr, "as CONV_2D (per-channel filter scales along axis 3)", kFlavor);
TFD_REGISTER_XNNPACK_RULE(DEPTHWISE_CONV_2D, U8, nullptr, "as CONV_2D", kFlavor);
TFD_REGISTER_XNNPACK_RULE(FULLY_CONNECTED, F32, nullptr, "a constant 2-D float32 filter and optional 1-D bias, default weights format, op version other than 8 (sparse); fused NONE, RELU, RELU_N1_TO_1 or RELU6", kFlavor);
TFD_REGISTER_XNNPACK_RULE(FULLY_CONNECTED, I8, nullptr, "per-tensor int8 input, filter and output, constant 2-D filter, per-tensor int32 bias; default weights format", kFlavor);
TFD_REGISTER_XNNPACK_RULE(FULLY_CONNECTED, U8, nullptr, "per-tensor uint8 input, filter and output, constant 2-D filter, per-tensor int32 bias; default weights format", kFlavor);
// The first input of TRANSPOSE_CONV is its int32 output shape: any dtype here.
TFD_REGISTER_XNNPACK_RULE(TRANSPOSE_CONV, std::nullopt, TransposeConvF32, "float32: a constant output shape, a static filter and bias, positive strides (8-bit left on the CPU)", kObserved);

// Elementwise.
TFD_REGISTER_XNNPACK_RULE(ADD, F32, AddF32, "float32 inputs and output; fused NONE, RELU, RELU_N1_TO_1 or RELU6", kObserved);
TFD_REGISTER_XNNPACK_RULE(ADD, I8, nullptr, "one 8-bit type, per-tensor; each input-to-output scale ratio in [2^-10, 2^8); fused NONE, RELU, RELU_N1_TO_1 or RELU6", kFlavor);
TFD_REGISTER_XNNPACK_RULE(ADD, U8, nullptr, "one 8-bit type, per-tensor; each input-to-output scale ratio in [2^-10, 2^8); fused NONE, RELU, RELU_N1_TO_1 or RELU6", kFlavor);
TFD_REGISTER_XNNPACK_RULE(SUB, F32, SubF32, "float32 inputs and output; fused NONE, RELU, RELU_N1_TO_1 or RELU6", kObserved);
TFD_REGISTER_XNNPACK_RULE(SUB, I8, nullptr, "as 8-bit ADD", kFlavor);
TFD_REGISTER_XNNPACK_RULE(SUB, U8, nullptr, "as 8-bit ADD", kFlavor);
TFD_REGISTER_XNNPACK_RULE(MUL, F32, MulF32, "float32 inputs and output; fused NONE, RELU, RELU_N1_TO_1 or RELU6", kObserved);
TFD_REGISTER_XNNPACK_RULE(MUL, I8, nullptr, "one 8-bit type, per-tensor; input scales' product over the output scale in [2^-16, 2^8)", kFlavor);
TFD_REGISTER_XNNPACK_RULE(MUL, U8, nullptr, "one 8-bit type, per-tensor; input scales' product over the output scale in [2^-16, 2^8)", kFlavor);
TFD_REGISTER_XNNPACK_RULE(DIV, F32, DivF32, "float32; fused NONE, RELU, RELU_N1_TO_1 or RELU6", kObserved);
TFD_REGISTER_XNNPACK_RULE(MAXIMUM, F32, BinaryF32, "float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(MINIMUM, F32, BinaryF32, "float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(SQUARED_DIFFERENCE, F32, BinaryF32, "float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(PRELU, F32, PreluF32, "float32 with a static slope", kObserved);
TFD_REGISTER_XNNPACK_RULE(ABS, F32, UnaryF32, "float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(CEIL, F32, UnaryF32, "float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(FLOOR, F32, UnaryF32, "float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(NEG, F32, UnaryF32, "float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(ROUND, F32, UnaryF32, "float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(ELU, F32, UnaryF32, "float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(SQRT, F32, UnaryF32, "float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(SQUARE, F32, UnaryF32, "float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(RELU, F32, UnaryF32, "float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(RELU6, F32, UnaryF32, "float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(RELU_N1_TO_1, F32, UnaryF32, "float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(LEAKY_RELU, F32, UnaryF32, "float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(LEAKY_RELU, I8, nullptr, "per-tensor int8; input-to-output scale ratio in [2^-8, 2^7], times alpha within +-2^7 and at least 2^-8 in size", kFlavor);
TFD_REGISTER_XNNPACK_RULE(LEAKY_RELU, U8, nullptr, "per-tensor uint8; scale ratios as for int8", kFlavor);
TFD_REGISTER_XNNPACK_RULE(HARD_SWISH, F32, nullptr, "float32 (8-bit HARD_SWISH observed left on the CPU)", kFlavor);
TFD_REGISTER_XNNPACK_RULE(LOGISTIC, F32, nullptr, "float32", kFlavor);
TFD_REGISTER_XNNPACK_RULE(LOGISTIC, I8, nullptr, "per-tensor int8 with output scale 1/256 and zero point -128", kFlavor);
TFD_REGISTER_XNNPACK_RULE(LOGISTIC, U8, nullptr, "per-tensor uint8 with output scale 1/256 and zero point 0", kFlavor);
TFD_REGISTER_XNNPACK_RULE(SOFTMAX, F32, nullptr, "float32 with beta 1 (8-bit SOFTMAX observed left on the CPU)", kFlavor);

// Conversions.
TFD_REGISTER_XNNPACK_RULE(QUANTIZE, F32, nullptr, "float32 to per-tensor int8 or uint8", kFlavor);
TFD_REGISTER_XNNPACK_RULE(QUANTIZE, I8, nullptr, "int8 to int8, per-tensor, input-to-output scale ratio in [2^-8, 2^7] (uint8 <-> int8 observed left on the CPU)", kFlavor);
TFD_REGISTER_XNNPACK_RULE(QUANTIZE, U8, nullptr, "uint8 to uint8, per-tensor, input-to-output scale ratio in [2^-8, 2^7]", kFlavor);
TFD_REGISTER_XNNPACK_RULE(DEQUANTIZE, I8, Dequantize8, "per-tensor int8 to float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(DEQUANTIZE, U8, Dequantize8, "per-tensor uint8 to float32", kObserved);
TFD_REGISTER_XNNPACK_RULE(DEQUANTIZE, F16, DequantizeF16, "constant float16 weights to float32 (folded into static weights)", kObserved);
TFD_REGISTER_XNNPACK_RULE(DENSIFY, std::nullopt, Densify, "constant sparse weights (unpacked into static weights)", kObserved);

// Pooling and reductions.
TFD_REGISTER_XNNPACK_RULE(AVERAGE_POOL_2D, F32, nullptr, "float32, 4-D; strides not above the filter size; SAME or VALID; fused NONE, RELU, RELU_N1_TO_1 or RELU6 (8-bit AVERAGE_POOL_2D observed left on the CPU)", kFlavor);
TFD_REGISTER_XNNPACK_RULE(MAX_POOL_2D, F32, MaxPool, "4-D; strides not above the filter size; fused NONE, RELU, RELU_N1_TO_1 or RELU6", kObserved);
TFD_REGISTER_XNNPACK_RULE(MAX_POOL_2D, I8, MaxPool, "per-tensor int8, 4-D; strides not above the filter size", kObserved);
TFD_REGISTER_XNNPACK_RULE(MAX_POOL_2D, U8, MaxPool, "per-tensor uint8, 4-D; strides not above the filter size", kAsInt8);
TFD_REGISTER_XNNPACK_RULE(MEAN, F32, nullptr, "4-D input, constant axes: width, or height and width (as 1 and 2)", kFlavor);
TFD_REGISTER_XNNPACK_RULE(MEAN, I8, nullptr, "per-tensor int8, axes as float32, input-to-output scale ratio in [2^-8, 2^8)", kFlavor);
TFD_REGISTER_XNNPACK_RULE(MEAN, U8, nullptr, "per-tensor uint8, axes as float32, input-to-output scale ratio in [2^-8, 2^8)", kFlavor);

// Data movement.
TFD_REGISTER_XNNPACK_RULE(CONCATENATION, F32, ConcatenationF32, "2 to 4 float32 inputs of the output's rank, no fused activation", kObserved);
TFD_REGISTER_XNNPACK_RULE(CONCATENATION, I8, nullptr, "2 to 4 per-tensor int8 inputs of the output's rank, no fused activation", kFlavor);
TFD_REGISTER_XNNPACK_RULE(CONCATENATION, U8, nullptr, "2 to 4 per-tensor uint8 inputs of the output's rank, no fused activation", kFlavor);
TFD_REGISTER_XNNPACK_RULE(PAD, F32, Pad, "constant non-negative paddings", kObserved);
TFD_REGISTER_XNNPACK_RULE(PAD, I8, Pad, "per-tensor int8; constant non-negative paddings", kObserved);
TFD_REGISTER_XNNPACK_RULE(PAD, U8, Pad, "per-tensor uint8; constant non-negative paddings", kAsInt8);
TFD_REGISTER_XNNPACK_RULE(RESHAPE, F32, ReshapeF32, "float32 with the new shape in its options or a constant (8-bit RESHAPE observed left on the CPU)", kObserved);
TFD_REGISTER_XNNPACK_RULE(RESIZE_BILINEAR, F32, nullptr, "4-D, constant size, not both align_corners and half_pixel_centers", kFlavor);
TFD_REGISTER_XNNPACK_RULE(RESIZE_BILINEAR, I8, nullptr, "per-tensor int8, output quantized as the input; constant size", kFlavor);
TFD_REGISTER_XNNPACK_RULE(RESIZE_BILINEAR, U8, nullptr, "per-tensor uint8, output quantized as the input; constant size", kFlavor);
TFD_REGISTER_XNNPACK_RULE(SPLIT, std::nullopt, Split, "a constant axis, 2 to 4 outputs, float32 or per-tensor 8-bit", kObserved);
TFD_REGISTER_XNNPACK_RULE(TRANSPOSE, F32, Transpose, "a constant permutation", kObserved);
TFD_REGISTER_XNNPACK_RULE(TRANSPOSE, I8, Transpose, "per-tensor int8; a constant permutation", kObserved);
TFD_REGISTER_XNNPACK_RULE(TRANSPOSE, U8, Transpose, "per-tensor uint8; a constant permutation", kAsInt8);
TFD_REGISTER_XNNPACK_RULE(DEPTH_TO_SPACE, F32, DepthToSpace, "block size above 1", kObserved);
TFD_REGISTER_XNNPACK_RULE(DEPTH_TO_SPACE, I8, DepthToSpace, "per-tensor int8; block size above 1", kObserved);
TFD_REGISTER_XNNPACK_RULE(DEPTH_TO_SPACE, U8, DepthToSpace, "per-tensor uint8; block size above 1", kAsInt8);

// MediaPipe custom ops the delegate implements itself.
TFD_REGISTER_XNNPACK_CUSTOM_RULE("Convolution2DTransposeBias", F32, MediaPipeDeconvolution, "float32 with a constant filter and bias", kMediaPipe);
TFD_REGISTER_XNNPACK_CUSTOM_RULE("MaxPoolingWithArgmax2D", F32, MediaPipeMaxPooling, "float32 values and int32 indices", kMediaPipe);
TFD_REGISTER_XNNPACK_CUSTOM_RULE("MaxUnpooling2D", F32, MediaPipeUnpooling, "float32 values and int32 indices", kMediaPipe);
// clang-format on

}  // namespace tfd
