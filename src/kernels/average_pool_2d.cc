// AVERAGE_POOL_2D: the mean of each window over the positions inside the
// input (padding is not counted), SAME/VALID padding, strides, fused
// activation. float32; uint8, int8, int16 with TFLite's integer rounding
// (uint8: (sum + n/2) / n; int8/int16: half away from zero), on the raw
// quantized values (input and output share their quantization). Runs as in
// kernels/internal/conv_pool.h.
#include <type_traits>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/conv_pool.h"

namespace tfd {
namespace {

struct Average {
  template <typename T>
  static conv::PoolAcc<T> Start() {
    return 0;
  }
  template <typename T>
  static conv::PoolAcc<T> Add(conv::PoolAcc<T> sum, T value) {
    return sum + value;
  }
  static void CheckCount(const KernelContext& ctx, int count) {
    if (count == 0) ctx.Fail("a pooling window lies entirely outside the input");
  }
  template <typename T>
  static conv::PoolAcc<T> Result(conv::PoolAcc<T> sum, int count) {
    if constexpr (std::is_same_v<T, float>) {
      return sum / static_cast<float>(count);
    } else if constexpr (std::is_same_v<T, uint8_t>) {
      return (sum + count / 2) / count;
    } else {
      return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
    }
  }
};

void Prepare(KernelContext& ctx) { ctx.state = conv::PreparePool(ctx); }
void Eval(KernelContext& ctx) { conv::EvalPool<Average>(ctx); }

}  // namespace

TFD_REGISTER_KERNEL(AVERAGE_POOL_2D, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(AVERAGE_POOL_2D, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(AVERAGE_POOL_2D, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(AVERAGE_POOL_2D, DType::INT16, Prepare, Eval);

}  // namespace tfd
