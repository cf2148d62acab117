#pragma once
// The six comparison kernels (EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER,
// GREATER_EQUAL) share everything but the predicate: broadcasting to a bool
// output; float32/int16/int32/int64 compared as is; int8/uint8 rescaled to
// a common scale first, exactly as TFLite does (inputs with different scales
// or zero points compare by real value); bool and string for the equality
// ops.
#include <algorithm>
#include <cstring>
#include <string_view>
#include <vector>

#include "graph/dtype.h"
#include "interpreter/kernel.h"
#include "kernels/internal/elementwise_binary.h"
#include "kernels/internal/elementwise_fixedpoint.h"
#include "kernels/internal/quant_math.h"

namespace tfd::elementwise {

struct ComparisonState : KernelState {
  BroadcastIndex index;
  // int8/uint8: value = ((q - zero_point) << 8) * scale, in fixed point.
  int32_t input1_offset = 0, input2_offset = 0;
  int32_t input1_multiplier = 0, input2_multiplier = 0;
  int input1_shift = 0, input2_shift = 0;
};

constexpr int kComparisonLeftShift = 8;

// `equality`: EQUAL / NOT_EQUAL, which also take bool and string.
inline void PrepareComparison(KernelContext& ctx, bool equality, const char* op) {
  auto state = std::make_unique<ComparisonState>();
  state->index = PrepareBroadcastBinary(ctx, DType::BOOL);
  const RuntimeTensor& a = ctx.input(0);
  const RuntimeTensor& b = ctx.input(1);
  switch (a.dtype) {
    case DType::FLOAT32:
    case DType::INT16:
    case DType::INT32:
    case DType::INT64: break;
    case DType::BOOL:
    case DType::STRING:
      if (!equality) ctx.Fail("{} does not take {} inputs", op, DTypeName(a.dtype));
      break;
    case DType::INT8:
    case DType::UINT8: {
      // TFLite rescales both inputs with multipliers made from their scales
      // (and aborts when a scale is missing).
      if (!a.quant() || !b.quant() || a.scale() <= 0 || b.scale() <= 0)
        ctx.Fail("{} on {} needs quantization parameters on both inputs", op, DTypeName(a.dtype));
      // TFLite's multiplier helper for comparisons aborts on a scale of 1 or
      // more; refuse such a model instead of guessing an answer.
      if (a.scale() >= 1.0 || b.scale() >= 1.0)
        ctx.Fail("{} on {} needs input scales below 1 (TFLite aborts otherwise), are {} and {}", op,
                 DTypeName(a.dtype), a.scale(), b.scale());
      state->input1_offset = -a.zero_point();
      state->input2_offset = -b.zero_point();
      qmath::QuantizeMultiplier(a.scale(), &state->input1_multiplier, &state->input1_shift);
      qmath::QuantizeMultiplier(b.scale(), &state->input2_multiplier, &state->input2_shift);
      break;
    }
    default: ctx.Fail("{} does not take {} inputs", op, DTypeName(a.dtype));
  }
  ctx.state = std::move(state);
}

// The strings of a TFLite string tensor: int32 count, count + 1 int32 byte
// offsets from the start of the buffer, then the bytes.
inline std::vector<std::string_view> ReadStrings(const KernelContext& ctx, const RuntimeTensor& t) {
  const uint8_t* data = t.data;
  // Constants know their byte size; a tensor produced while running owns it.
  const size_t size = std::max(t.bytes, t.owned.size());
  if (data == nullptr || size < 4) ctx.Fail("string tensor '{}' has no readable contents", t.name());
  auto read_int = [&](size_t index) {
    int32_t v;
    std::memcpy(&v, data + 4 * index, 4);
    return v;
  };
  const int32_t count = read_int(0);
  if (count < 0 || static_cast<size_t>(count) + 2 > size / 4 || count != t.NumElements())
    ctx.Fail("string tensor '{}' is malformed ({} strings for {} elements)", t.name(), count, t.NumElements());
  std::vector<std::string_view> strings;
  for (int32_t i = 0; i < count; ++i) {
    const int32_t begin = read_int(static_cast<size_t>(i) + 1), end = read_int(static_cast<size_t>(i) + 2);
    if (begin < 0 || end < begin || static_cast<size_t>(end) > size)
      ctx.Fail("string tensor '{}' has a bad offset for string {}", t.name(), i);
    strings.emplace_back(reinterpret_cast<const char*>(data) + begin, static_cast<size_t>(end - begin));
  }
  return strings;
}

// `Pred` is a transparent predicate such as std::less<>.
template <typename Pred>
void EvalComparison(KernelContext& ctx) {
  const auto& s = ctx.state_as<ComparisonState>();
  const Pred pred;
  auto plain = [&](auto tag) {
    using T = decltype(tag);
    ApplyBinary<T, uint8_t>(ctx, s.index, [&](T x, T y) { return static_cast<uint8_t>(pred(x, y)); });
  };
  auto quantized = [&](auto tag) {
    using T = decltype(tag);
    ApplyBinary<T, uint8_t>(ctx, s.index, [&](T x, T y) {
      const int32_t shifted1 = (s.input1_offset + x) * (1 << kComparisonLeftShift);
      const int32_t shifted2 = (s.input2_offset + y) * (1 << kComparisonLeftShift);
      const int32_t scaled1 = fixedpoint::MultiplySmallerThanOneExpWrapped(shifted1, s.input1_multiplier, s.input1_shift);
      const int32_t scaled2 = fixedpoint::MultiplySmallerThanOneExpWrapped(shifted2, s.input2_multiplier, s.input2_shift);
      return static_cast<uint8_t>(pred(scaled1, scaled2));
    });
  };
  switch (ctx.input(0).dtype) {
    case DType::FLOAT32: return plain(float{});
    case DType::INT16: return plain(int16_t{});
    case DType::INT32: return plain(int32_t{});
    case DType::INT64: return plain(int64_t{});
    case DType::BOOL:
      return ApplyBinary<uint8_t, uint8_t>(ctx, s.index,
                                           [&](uint8_t x, uint8_t y) { return static_cast<uint8_t>(pred(x != 0, y != 0)); });
    case DType::INT8: return quantized(int8_t{});
    case DType::UINT8: return quantized(uint8_t{});
    case DType::STRING: {
      const auto a = ReadStrings(ctx, ctx.input(0));
      const auto b = ReadStrings(ctx, ctx.input(1));
      uint8_t* out = ctx.output(0).As<uint8_t>();
      s.index.ForEach([&](int64_t i, int64_t ia, int64_t ib) {
        out[i] = static_cast<uint8_t>(pred(a[static_cast<size_t>(ia)], b[static_cast<size_t>(ib)]));
      });
      return;
    }
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.input(0).dtype));
  }
}

}  // namespace tfd::elementwise
