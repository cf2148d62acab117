// MAX_POOL_2D: the maximum of each window over the positions inside the
// input, SAME/VALID padding, strides, fused activation (a clamp of the
// result). float32; uint8, int8, int16 on the raw quantized values (input and
// output share their quantization).
#include <limits>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/conv_pool.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) { ctx.state = conv::PreparePool(ctx); }

void EvalFloat(KernelContext& ctx, conv::PoolState& s) {
  const float* in = ctx.input(0).As<float>();
  float* out = ctx.output(0).As<float>();
  float* acc = s.acc_float.data();
  const int channels = s.channels;
  conv::ForEachWindow(
      s, [&] { std::fill(acc, acc + channels, std::numeric_limits<float>::lowest()); },
      [&](int64_t pixel) {
        for (int c = 0; c < channels; ++c) acc[c] = std::max(acc[c], in[pixel + c]);
      },
      [&](int64_t at, int) {
        for (int c = 0; c < channels; ++c) out[at + c] = s.float_range.Apply(acc[c]);
      });
}

template <typename T>
void EvalQuantized(KernelContext& ctx, conv::PoolState& s) {
  const T* in = ctx.input(0).As<T>();
  T* out = ctx.output(0).As<T>();
  int64_t* acc = s.acc_int.data();
  const int channels = s.channels;
  conv::ForEachWindow(
      s, [&] { std::fill(acc, acc + channels, std::numeric_limits<T>::lowest()); },
      [&](int64_t pixel) {
        for (int c = 0; c < channels; ++c) acc[c] = std::max<int64_t>(acc[c], in[pixel + c]);
      },
      [&](int64_t at, int) {
        for (int c = 0; c < channels; ++c)
          out[at + c] = qmath::Clamp<T>(static_cast<int32_t>(acc[c]), s.quant_range.min, s.quant_range.max);
      });
}

void Eval(KernelContext& ctx) {
  auto& s = ctx.state_as<conv::PoolState>();
  switch (ctx.input(0).dtype) {
    case DType::FLOAT32: return EvalFloat(ctx, s);
    case DType::UINT8: return EvalQuantized<uint8_t>(ctx, s);
    case DType::INT8: return EvalQuantized<int8_t>(ctx, s);
    case DType::INT16: return EvalQuantized<int16_t>(ctx, s);
    default: ctx.Fail("unsupported type {}", DTypeName(ctx.input(0).dtype));
  }
}

}  // namespace

TFD_REGISTER_KERNEL(MAX_POOL_2D, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(MAX_POOL_2D, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(MAX_POOL_2D, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(MAX_POOL_2D, DType::INT16, Prepare, Eval);

}  // namespace tfd
