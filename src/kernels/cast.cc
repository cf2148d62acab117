// CAST between float32, float64, float16, int64, int32, uint32, int16,
// uint16, int8, uint8 and bool, element by element as TFLite's static_cast:
//   - to bool: x != 0 (NaN is true); from bool: 0 or 1;
//   - integer -> integer: two's-complement wrap-around;
//   - -> float types: round to nearest even (float16 via float32, as TFLite);
//   - float -> integer: truncation toward zero. Values that do not fit are
//     undefined in C++; we reproduce what TFLite's x86 and WebAssembly builds
//     produce (the reference runtime): signed targets go through int32 (int64
//     for int64) with out-of-range and NaN giving the most negative value,
//     then wrap to the target width; unsigned targets go through uint32 with
//     out-of-range and NaN giving 0. (ARM builds saturate instead.)
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_common.h"
#include "kernels/internal/act_half.h"

namespace tfd {
namespace {

struct Half {
  uint16_t bits;
};
// A bool tensor element: one byte, any non-zero value read as true.
struct BoolByte {
  uint8_t value;
};

template <typename T>
constexpr bool kIsFloating = std::is_floating_point_v<T>;

template <typename To, typename From>
To FloatToInteger(From x) {
  if constexpr (std::is_signed_v<To>) {
    if constexpr (sizeof(To) == 8) {
      if (x >= -9223372036854775808.0 && x < 9223372036854775808.0) return static_cast<To>(x);
      return std::numeric_limits<int64_t>::min();
    } else {
      const int32_t wide = (x > -2147483649.0 && x < 2147483648.0) ? static_cast<int32_t>(x) : std::numeric_limits<int32_t>::min();
      return static_cast<To>(wide);
    }
  } else {
    const uint32_t wide = (x > -1.0 && x < 4294967296.0) ? static_cast<uint32_t>(x) : 0u;
    return static_cast<To>(wide);
  }
}

template <typename To, typename From>
To Convert(From v) {
  if constexpr (std::is_same_v<From, BoolByte>) {
    if constexpr (std::is_same_v<To, BoolByte>) return BoolByte{static_cast<uint8_t>(v.value != 0)};
    else return Convert<To>(static_cast<int32_t>(v.value != 0));
  } else if constexpr (std::is_same_v<To, BoolByte>) {
    if constexpr (std::is_same_v<From, Half>) return BoolByte{static_cast<uint8_t>(act::HalfToFloat(v.bits) != 0)};
    else return BoolByte{static_cast<uint8_t>(v != 0)};
  } else if constexpr (std::is_same_v<From, Half>) {
    if constexpr (std::is_same_v<To, Half>) return v;
    else return Convert<To>(act::HalfToFloat(v.bits));
  } else if constexpr (std::is_same_v<To, Half>) {
    return Half{act::FloatToHalf(static_cast<float>(v))};
  } else if constexpr (kIsFloating<From> && !kIsFloating<To>) {
    return FloatToInteger<To>(v);
  } else {
    return static_cast<To>(v);
  }
}

template <typename From, typename To>
void CastArray(const RuntimeTensor& in, RuntimeTensor& out) {
  const int64_t n = out.NumElements();
  const From* x = reinterpret_cast<const From*>(in.data);
  To* y = reinterpret_cast<To*>(out.data);
  for (int64_t i = 0; i < n; ++i) y[i] = Convert<To>(x[i]);
}

// Calls fn(T{}) with the C++ type of a supported dtype; false if unsupported.
template <typename Fn>
bool WithType(DType t, Fn&& fn) {
  switch (t) {
    case DType::FLOAT32: fn(float{}); return true;
    case DType::FLOAT64: fn(double{}); return true;
    case DType::FLOAT16: fn(Half{}); return true;
    case DType::INT64: fn(int64_t{}); return true;
    case DType::INT32: fn(int32_t{}); return true;
    case DType::UINT32: fn(uint32_t{}); return true;
    case DType::INT16: fn(int16_t{}); return true;
    case DType::UINT16: fn(uint16_t{}); return true;
    case DType::INT8: fn(int8_t{}); return true;
    case DType::UINT8: fn(uint8_t{}); return true;
    case DType::BOOL: fn(BoolByte{}); return true;
    default: return false;
  }
}

bool Supported(DType t) {
  return WithType(t, [](auto) {});
}

void Prepare(KernelContext& ctx) {
  act::PrepareUnaryShape(ctx);
  const DType in = ctx.input(0).dtype, out = ctx.output(0).dtype;
  if (!Supported(in)) ctx.Fail("casting from {} is not supported", DTypeName(in));
  if (!Supported(out)) ctx.Fail("casting to {} is not supported", DTypeName(out));
}

void Eval(KernelContext& ctx) {
  const RuntimeTensor& in = ctx.input(0);
  RuntimeTensor& out = ctx.output(0);
  WithType(in.dtype, [&](auto from) {
    WithType(out.dtype, [&](auto to) { CastArray<decltype(from), decltype(to)>(in, out); });
  });
}

}  // namespace

TFD_REGISTER_KERNEL(CAST, std::nullopt, Prepare, Eval);

}  // namespace tfd
