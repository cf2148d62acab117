// NEG: -x, elementwise. float32; int32 and int64 (wrapping at the minimum);
// int8 quantized with equal input and output scales: the result is
// (input zero point + output zero point) - x, clamped.
#include <type_traits>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/elementwise_unary.h"

namespace tfd {
namespace {

struct NegState : KernelState {
  int32_t zero_points_sum = 0;
};

void Prepare(KernelContext& ctx) {
  elementwise::PrepareUnary(ctx, {DType::FLOAT32, DType::INT32, DType::INT64, DType::INT8}, "NEG");
  auto state = std::make_unique<NegState>();
  const RuntimeTensor& in = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  if (in.dtype == DType::INT8) {
    elementwise::RequireQuantized(ctx, "NEG");
    if (in.scale() != out.scale()) ctx.Fail("int8 NEG needs equal input and output scales ({} and {})", in.scale(), out.scale());
    for (const RuntimeTensor* t : {&in, &out})
      if (t->zero_point() < -128 || t->zero_point() > 127)
        ctx.Fail("zero point {} of '{}' is outside the int8 range", t->zero_point(), t->name());
    state->zero_points_sum = in.zero_point() + out.zero_point();
  }
  ctx.state = std::move(state);
}

template <typename T>
T WrappingNegate(T x) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(U{0} - static_cast<U>(x));
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<NegState>();
  switch (ctx.input(0).dtype) {
    case DType::FLOAT32: return elementwise::ApplyUnary<float>(ctx, [](float x) { return -x; });
    case DType::INT32: return elementwise::ApplyUnary<int32_t>(ctx, WrappingNegate<int32_t>);
    case DType::INT64: return elementwise::ApplyUnary<int64_t>(ctx, WrappingNegate<int64_t>);
    case DType::INT8:
      return elementwise::ApplyUnary<int8_t>(ctx, [&](int8_t x) {
        return static_cast<int8_t>(std::min(127, std::max(-128, s.zero_points_sum - x)));
      });
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.input(0).dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(NEG, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(NEG, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(NEG, DType::INT64, Prepare, Eval);
TFD_REGISTER_KERNEL(NEG, DType::INT8, Prepare, Eval);

}  // namespace tfd
