#pragma once
// Shared pieces of the elementwise binary kernels (ADD, SUB, MUL, DIV, ...):
// broadcast set-up, the activation clamp of plain integer outputs, and
// TFLite's quantized ADD/SUB arithmetic (general scales and the int16
// power-of-two path), which SUB shares with ADD.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

#include "graph/dtype.h"
#include "interpreter/kernel.h"
#include "kernels/internal/activation.h"
#include "kernels/internal/broadcast.h"
#include "kernels/internal/quant_math.h"

namespace tfd::elementwise {

// Checks two inputs of one dtype and one output (of `output_dtype`, or the
// inputs' dtype), sizes the output to the broadcast shape and returns the
// index walk for Eval.
inline BroadcastIndex PrepareBroadcastBinary(KernelContext& ctx, std::optional<DType> output_dtype = std::nullopt) {
  ctx.CheckArity(2, 2, 1);
  const RuntimeTensor& a = ctx.input(0);
  const RuntimeTensor& b = ctx.input(1);
  const RuntimeTensor& out = ctx.output(0);
  if (a.dtype != b.dtype) ctx.Fail("input types differ ({} and {})", DTypeName(a.dtype), DTypeName(b.dtype));
  const DType expected = output_dtype.value_or(a.dtype);
  if (out.dtype != expected)
    ctx.Fail("output type is {}, expected {} for {} inputs", DTypeName(out.dtype), DTypeName(expected), DTypeName(a.dtype));
  auto shape = BroadcastShapes(a.shape, b.shape);
  if (!shape) ctx.Fail("cannot broadcast shapes {} and {}", ShapeString(a.shape), ShapeString(b.shape));
  ctx.ResizeOutput(0, *shape);
  return BroadcastIndex(a.shape, b.shape, *shape);
}

// out[i] = fn(a[ia], b[ib]) over the broadcast walk. Bool tensors are read
// and written as uint8_t (0/1) so that arbitrary bytes stay well defined.
template <typename In, typename Out, typename Fn>
void ApplyBinary(const KernelContext& ctx, const BroadcastIndex& index, Fn&& fn) {
  const In* a = ctx.input(0).As<In>();
  const In* b = ctx.input(1).As<In>();
  Out* out = ctx.output(0).As<Out>();
  index.ForEach([&](int64_t i, int64_t ia, int64_t ib) { out[i] = fn(a[ia], b[ib]); });
}

// Fused activation of a plain (not quantized) integer output: TFLite clamps
// at the real values 0, 6 and +-1.
template <typename T>
struct IntegerRange {
  T min = std::numeric_limits<T>::lowest();
  T max = std::numeric_limits<T>::max();
  T Apply(T v) const { return std::min(std::max(v, min), max); }
};

template <typename T>
IntegerRange<T> IntegerActivationRange(const KernelContext& ctx, Activation act) {
  switch (act) {
    case Activation::NONE: return {};
    case Activation::RELU: return {0, std::numeric_limits<T>::max()};
    case Activation::RELU6: return {0, 6};
    case Activation::RELU_N1_TO_1: return {-1, 1};
    default: ctx.Fail("unsupported fused activation {}", tflite::EnumNameActivationFunctionType(act));
  }
}

// Two's complement wrap-around, as TFLite's plain integer kernels behave on
// overflow (without the undefined behaviour of signed overflow in C++).
template <typename T>
T WrapAdd(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
}
template <typename T>
T WrapSub(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(static_cast<U>(a) - static_cast<U>(b)));
}
template <typename T>
T WrapMul(T a, T b) {
  using U = std::conditional_t<sizeof(T) < sizeof(unsigned), unsigned, std::make_unsigned_t<T>>;
  return static_cast<T>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
}

// Range of the integer type behind a quantized dtype.
inline void QuantizedTypeRange(const KernelContext& ctx, DType dtype, int32_t* min, int32_t* max) {
  switch (dtype) {
    case DType::INT8: *min = -128; *max = 127; return;
    case DType::UINT8: *min = 0; *max = 255; return;
    case DType::INT16: *min = -32768; *max = 32767; return;
    default: ctx.Fail("{} is not a quantized 8/16-bit type", DTypeName(dtype));
  }
}

// ---- Quantized ADD / SUB with general scales ----
//
// Both inputs are brought to twice the larger input scale with
// 2^left_shift of headroom (20 bits for 8-bit types, 15 for int16), added or
// subtracted in int32, then rescaled to the output.
struct QuantizedAddSubParams {
  bool subtract = false;
  int left_shift = 0;
  int32_t input1_offset = 0, input2_offset = 0, output_offset = 0;
  int32_t input1_multiplier = 0, input2_multiplier = 0, output_multiplier = 0;
  int input1_shift = 0, input2_shift = 0, output_shift = 0;
  QuantRange range;
};

inline QuantizedAddSubParams PrepareQuantizedAddSub(const KernelContext& ctx, const RuntimeTensor& a,
                                                    const RuntimeTensor& b, const RuntimeTensor& out,
                                                    Activation act, bool subtract) {
  const char* op = subtract ? "SUB" : "ADD";
  if (!a.quant() || !b.quant() || !out.quant())
    ctx.Fail("quantized {} needs quantization parameters on every tensor", op);
  int32_t type_min, type_max;
  QuantizedTypeRange(ctx, out.dtype, &type_min, &type_max);
  for (const RuntimeTensor* t : {&a, &b, &out})
    if (t->zero_point() < type_min || t->zero_point() > type_max)
      ctx.Fail("zero point {} of '{}' is outside the {} range", t->zero_point(), t->name(), DTypeName(out.dtype));
  QuantizedAddSubParams p;
  p.subtract = subtract;
  p.left_shift = out.dtype == DType::INT16 ? 15 : 20;
  p.input1_offset = -a.zero_point();
  p.input2_offset = -b.zero_point();
  p.output_offset = out.zero_point();
  // TFLite doubles the float scale (exact) and divides in double.
  const double twice_max_input_scale = 2.0 * std::max(a.scale(), b.scale());
  const double real_output_multiplier =
      twice_max_input_scale / ((1 << p.left_shift) * static_cast<double>(out.scale()));
  // TFLite's QuantizeMultiplierSmallerThanOneExp aborts outside (0, 1).
  if (!(real_output_multiplier > 0.0 && real_output_multiplier < 1.0))
    ctx.Fail("{} output rescale factor {} is outside (0, 1): output scale {} is too small for input scales {} and {}",
             op, real_output_multiplier, out.scale(), a.scale(), b.scale());
  qmath::QuantizeMultiplierSmallerThanOneExp(a.scale() / twice_max_input_scale, &p.input1_multiplier, &p.input1_shift);
  qmath::QuantizeMultiplierSmallerThanOneExp(b.scale() / twice_max_input_scale, &p.input2_multiplier, &p.input2_shift);
  qmath::QuantizeMultiplierSmallerThanOneExp(real_output_multiplier, &p.output_multiplier, &p.output_shift);
  p.range = QuantActivationRange(ctx, act, out);
  return p;
}

template <typename T>
T QuantizedAddSub(const QuantizedAddSubParams& p, T x, T y) {
  const int32_t shifted1 = (p.input1_offset + x) * (1 << p.left_shift);
  const int32_t shifted2 = (p.input2_offset + y) * (1 << p.left_shift);
  const int32_t scaled1 = qmath::MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, p.input1_multiplier, p.input1_shift);
  const int32_t scaled2 = qmath::MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, p.input2_multiplier, p.input2_shift);
  const int32_t raw = p.subtract ? scaled1 - scaled2 : scaled1 + scaled2;
  const int32_t result =
      qmath::MultiplyByQuantizedMultiplierSmallerThanOneExp(raw, p.output_multiplier, p.output_shift) + p.output_offset;
  return qmath::Clamp<T>(result, p.range.min, p.range.max);
}

// ---- int16 ADD / SUB with power-of-two scales (the LSTM-style path) ----
//
// Zero points are 0 and every scale is a power of two; the input at a finer
// scale than the output is rounding-shifted down, the other is used as is.

// log2(x) when x is (within 1e-3 in the exponent) a power of two, as
// TFLite's CheckedLog2.
inline bool PowerOfTwoExponent(float x, int* exponent) {
  const double log2 = std::log2(static_cast<double>(x));
  *exponent = static_cast<int>(std::round(log2));
  return std::abs(log2 - *exponent) < 1e-3;
}

struct PotInt16Params {
  bool subtract = false;
  int input1_shift = 0, input2_shift = 0;  // <= 0; at most one is non-zero
  QuantRange range;
};

// The power-of-two parameters when all three scales are powers of two
// (nullopt otherwise); fails where TFLite's Prepare refuses.
inline std::optional<PotInt16Params> PreparePotInt16(const KernelContext& ctx, const RuntimeTensor& a,
                                                     const RuntimeTensor& b, const RuntimeTensor& out,
                                                     Activation act, bool subtract) {
  int ea, eb, eo;
  if (!(PowerOfTwoExponent(a.scale(), &ea) && PowerOfTwoExponent(b.scale(), &eb) && PowerOfTwoExponent(out.scale(), &eo)))
    return std::nullopt;
  const char* op = subtract ? "SUB" : "ADD";
  if (a.zero_point() != 0 || b.zero_point() != 0 || out.zero_point() != 0)
    ctx.Fail("int16 {} with power-of-two scales needs zero points of 0", op);
  PotInt16Params p;
  p.subtract = subtract;
  p.input1_shift = ea - eo;
  p.input2_shift = eb - eo;
  if (!(p.input1_shift == 0 || p.input2_shift == 0) || p.input1_shift > 0 || p.input2_shift > 0)
    ctx.Fail("int16 {} can rescale only one input, downwards (shifts {}, {})", op, p.input1_shift, p.input2_shift);
  p.range = QuantActivationRange(ctx, act, out);
  return p;
}

inline int16_t PotInt16AddSub(const PotInt16Params& p, int16_t x, int16_t y) {
  const int32_t scaled1 = qmath::RoundingDivideByPOT(x, -p.input1_shift);
  const int32_t scaled2 = qmath::RoundingDivideByPOT(y, -p.input2_shift);
  // The activation range lies within int16, so clamping to it also
  // saturates like TFLite's 16-bit saturating add/sub.
  const int32_t raw = p.subtract ? scaled1 - scaled2 : scaled1 + scaled2;
  return qmath::Clamp<int16_t>(raw, p.range.min, p.range.max);
}

}  // namespace tfd::elementwise

namespace tfd::elementwise {

// Row-major walk over a broadcast output giving the flat index of each of
// several operands (SELECT_V2 has three). Every operand shape must be
// broadcast-compatible with `out`.
class MultiBroadcastIndex {
 public:
  MultiBroadcastIndex() = default;
  MultiBroadcastIndex(const std::vector<std::vector<int32_t>>& operands, const std::vector<int32_t>& out)
      : out_(out), strides_(operands.size(), std::vector<int64_t>(out.size(), 0)) {
    count_ = 1;
    for (int32_t d : out) count_ *= d;
    for (size_t k = 0; k < operands.size(); ++k) {
      const auto& shape = operands[k];
      int64_t stride = 1;
      for (size_t j = shape.size(); j-- > 0;) {
        const size_t d = out.size() - (shape.size() - j);
        strides_[k][d] = shape[j] == 1 ? 0 : stride;
        stride *= shape[j];
      }
    }
  }

  // fn(out_index, operand_indices): operand_indices[k] for operand k.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    const size_t rank = out_.size(), n = strides_.size();
    std::vector<int32_t> pos(rank, 0);
    std::vector<int64_t> idx(n, 0);
    for (int64_t i = 0; i < count_; ++i) {
      fn(i, idx.data());
      for (size_t d = rank; d-- > 0;) {
        for (size_t k = 0; k < n; ++k) idx[k] += strides_[k][d];
        if (++pos[d] < out_[d]) break;
        for (size_t k = 0; k < n; ++k) idx[k] -= strides_[k][d] * out_[d];
        pos[d] = 0;
      }
    }
  }

 private:
  std::vector<int32_t> out_;
  std::vector<std::vector<int64_t>> strides_;
  int64_t count_ = 0;
};

}  // namespace tfd::elementwise
