// ADD: elementwise sum with broadcasting and a fused activation.
// float32, int32, int64; int8/uint8 and int16 with TFLite's fixed-point
// rescaling (general scales), plus its power-of-two int16 path. The quantized
// arithmetic lives in kernels/internal/elementwise_binary.h (shared with SUB).
//
// xnnpack flavor (uint8, int8): the nodes TFLite's XNNPACK delegate takes,
// with XNNPACK's fixed-point add (kernels/internal/xnnpack.h).
#include <cmath>
#include <vector>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/activation.h"
#include "kernels/internal/broadcast.h"
#include "kernels/internal/elementwise_binary.h"
#include "kernels/internal/quant_math.h"
#include "kernels/internal/xnnpack.h"

namespace tfd {
namespace {

struct AddState : KernelState {
  BroadcastIndex index;
  FloatRange float_range;
  QuantRange quant_range;
  elementwise::QuantizedAddSubParams general;
  std::optional<elementwise::PotInt16Params> pot_int16;  // int16 with power-of-two scales
  std::optional<xnn::AddParams> xnn;                     // xnnpack flavor
  // Fast path (8-bit): every answer of the exact arithmetic, by input pair,
  // as output bits: table[x_bits * 256 + y_bits].
  std::vector<uint8_t> table;
};

void Prepare(KernelContext& ctx) {
  auto state = std::make_unique<AddState>();
  state->index = elementwise::PrepareBroadcastBinary(ctx);
  const RuntimeTensor& a = ctx.input(0);
  const RuntimeTensor& b = ctx.input(1);
  const RuntimeTensor& out = ctx.output(0);
  const auto options = ctx.options_or_default<tflite::AddOptionsT>();
  const Activation act = options.fused_activation_function;
  if (out.dtype == DType::FLOAT32) {
    state->float_range = FloatActivationRange(ctx, act);
  } else if (out.dtype == DType::INT32 || out.dtype == DType::INT64) {
    // Integer (not quantized) activations clamp at the real values 0, 6, +-1.
    const auto r = elementwise::IntegerActivationRange<int32_t>(ctx, act);
    state->quant_range = {r.min, r.max};
    if (act != Activation::NONE && out.dtype == DType::INT64) ctx.Fail("fused activation on int64 ADD");
  } else if (out.dtype == DType::INT8 || out.dtype == DType::UINT8 || out.dtype == DType::INT16) {
    if (!a.quant() || !b.quant() || !out.quant()) ctx.Fail("quantized ADD needs quantization parameters on every tensor");
    if (out.dtype == DType::INT16 && options.pot_scale_int16)
      state->pot_int16 = elementwise::PreparePotInt16(ctx, a, b, out, act, /*subtract=*/false);
    if (!state->pot_int16) state->general = elementwise::PrepareQuantizedAddSub(ctx, a, b, out, act, /*subtract=*/false);
  } else {
    ctx.Fail("unsupported type {}", DTypeName(out.dtype));
  }
  ctx.state = std::move(state);
}

template <typename T>
void EvalQuantizedGeneral(KernelContext& ctx, const AddState& s) {
  elementwise::ApplyBinary<T, T>(ctx, s.index, [&](T x, T y) { return elementwise::QuantizedAddSub(s.general, x, y); });
}

void EvalInt16PowerOfTwo(KernelContext& ctx, const AddState& s) {
  elementwise::ApplyBinary<int16_t, int16_t>(
      ctx, s.index, [&](int16_t x, int16_t y) { return elementwise::PotInt16AddSub(*s.pot_int16, x, y); });
}

template <typename T>
void EvalPlain(KernelContext& ctx, const AddState& s) {
  if constexpr (std::is_same_v<T, float>) {
    elementwise::ApplyBinary<T, T>(ctx, s.index, [&](T x, T y) { return s.float_range.Apply(x + y); });
  } else if constexpr (std::is_same_v<T, int32_t>) {
    // Wrapping like TFLite's int32 add (two's complement), then the activation clamp.
    elementwise::ApplyBinary<T, T>(ctx, s.index, [&](T x, T y) {
      return std::min(std::max(elementwise::WrapAdd(x, y), s.quant_range.min), s.quant_range.max);
    });
  } else {
    elementwise::ApplyBinary<T, T>(ctx, s.index, [](T x, T y) { return elementwise::WrapAdd(x, y); });
  }
}

template <typename T>
void EvalXnnpack(KernelContext& ctx, const AddState& s) {
  elementwise::ApplyBinary<T, T>(ctx, s.index, [&](T x, T y) { return static_cast<T>(xnn::Add(*s.xnn, x, y)); });
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<AddState>();
  if (s.xnn) return ctx.output(0).dtype == DType::INT8 ? EvalXnnpack<int8_t>(ctx, s) : EvalXnnpack<uint8_t>(ctx, s);
  switch (ctx.output(0).dtype) {
    case DType::FLOAT32: return EvalPlain<float>(ctx, s);
    case DType::INT32: return EvalPlain<int32_t>(ctx, s);
    case DType::INT64: return EvalPlain<int64_t>(ctx, s);
    case DType::INT8: return EvalQuantizedGeneral<int8_t>(ctx, s);
    case DType::UINT8: return EvalQuantizedGeneral<uint8_t>(ctx, s);
    case DType::INT16: return s.pot_int16 ? EvalInt16PowerOfTwo(ctx, s) : EvalQuantizedGeneral<int16_t>(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.output(0).dtype));
  }
}

// ---- xnnpack flavor ----

// The delegate's rule for an 8-bit node (xnn::AcceptsAddOrSub8).
bool XnnpackAccepts(const KernelContext& ctx) {
  return xnn::AcceptsAddOrSub8(ctx, ctx.options_or_default<tflite::AddOptionsT>().fused_activation_function);
}

void XnnpackPrepare(KernelContext& ctx) {
  Prepare(ctx);
  auto& s = ctx.state_as<AddState>();
  s.xnn = xnn::PrepareAdd(ctx, ctx.input(0), ctx.input(1), ctx.output(0),
                          ctx.options_or_default<tflite::AddOptionsT>().fused_activation_function);
}

// ---- fast path (8-bit, both profiles) ----

// An 8-bit ADD has 65,536 possible input pairs: the exact kernel's answer
// to each, tabulated once, is the answer (built for outputs large enough to
// repay it).
template <typename T>
void BuildTable(AddState& s) {
  s.table.resize(256 * 256);
  for (int xb = 0; xb < 256; ++xb)
    for (int yb = 0; yb < 256; ++yb) {
      const T x = static_cast<T>(static_cast<uint8_t>(xb)), y = static_cast<T>(static_cast<uint8_t>(yb));
      const T r = s.xnn ? static_cast<T>(xnn::Add(*s.xnn, x, y)) : elementwise::QuantizedAddSub(s.general, x, y);
      s.table[xb * 256 + yb] = static_cast<uint8_t>(r);
    }
}

template <void (*BasePrepare)(KernelContext&)>
void FastPrepare(KernelContext& ctx) {
  BasePrepare(ctx);
  auto& s = ctx.state_as<AddState>();
  const DType t = ctx.output(0).dtype;
  if (ctx.output(0).NumElements() < 4096) return;
  if (t == DType::UINT8) BuildTable<uint8_t>(s);
  if (t == DType::INT8) BuildTable<int8_t>(s);
}

template <typename T>
void EvalTable(KernelContext& ctx, const AddState& s) {
  const uint8_t* table = s.table.data();
  elementwise::ApplyBinary<T, T>(ctx, s.index, [table](T x, T y) {
    return static_cast<T>(table[static_cast<uint8_t>(x) * 256 + static_cast<uint8_t>(y)]);
  });
}

void FastEval(KernelContext& ctx) {
  const auto& s = ctx.state_as<AddState>();
  if (s.table.empty()) return Eval(ctx);
  return ctx.output(0).dtype == DType::INT8 ? EvalTable<int8_t>(ctx, s) : EvalTable<uint8_t>(ctx, s);
}

}  // namespace

TFD_REGISTER_KERNEL(ADD, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(ADD, DType::INT32, Prepare, Eval);
TFD_REGISTER_KERNEL(ADD, DType::INT64, Prepare, Eval);
TFD_REGISTER_KERNEL(ADD, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(ADD, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(ADD, DType::INT16, Prepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(ADD, DType::INT8, XnnpackAccepts, XnnpackPrepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(ADD, DType::UINT8, XnnpackAccepts, XnnpackPrepare, Eval);
TFD_REGISTER_FAST_KERNEL(ADD, DType::INT8, FastPrepare<Prepare>, FastEval);
TFD_REGISTER_FAST_KERNEL(ADD, DType::UINT8, FastPrepare<Prepare>, FastEval);
TFD_REGISTER_XNNPACK_FAST_KERNEL(ADD, DType::INT8, XnnpackAccepts, FastPrepare<XnnpackPrepare>, FastEval);
TFD_REGISTER_XNNPACK_FAST_KERNEL(ADD, DType::UINT8, XnnpackAccepts, FastPrepare<XnnpackPrepare>, FastEval);

}  // namespace tfd
