// MAX_POOL_2D: the maximum of each window over the positions inside the
// input, SAME/VALID padding, strides, fused activation (a clamp of the
// result). float32; uint8, int8, int16 on the raw quantized values (input and
// output share their quantization). Runs as in kernels/internal/conv_pool.h.
#include <algorithm>
#include <limits>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/conv_pool.h"

namespace tfd {
namespace {

struct Max {
  template <typename T>
  static conv::PoolAcc<T> Start() {
    return std::numeric_limits<T>::lowest();
  }
  template <typename T>
  static conv::PoolAcc<T> Add(conv::PoolAcc<T> max, T value) {
    return std::max<conv::PoolAcc<T>>(max, value);
  }
  // A window with nothing inside keeps the start value (then clamped).
  static void CheckCount(const KernelContext&, int) {}
  template <typename T>
  static conv::PoolAcc<T> Result(conv::PoolAcc<T> max, int) {
    return max;
  }
};

void Prepare(KernelContext& ctx) { ctx.state = conv::PreparePool(ctx); }
void Eval(KernelContext& ctx) { conv::EvalPool<Max>(ctx); }

}  // namespace

TFD_REGISTER_KERNEL(MAX_POOL_2D, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(MAX_POOL_2D, DType::UINT8, Prepare, Eval);
TFD_REGISTER_KERNEL(MAX_POOL_2D, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(MAX_POOL_2D, DType::INT16, Prepare, Eval);

}  // namespace tfd
