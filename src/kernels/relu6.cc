// RELU6: min(max(x, 0), 6) elementwise. float32, int8, uint8, int16 (zero points 0); quantized
// inputs are requantized to the output scale before clamping.
#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_relu.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) { act::PrepareRelu(ctx, {0.0f, 6.0f, true}); }

}  // namespace

TFD_REGISTER_KERNEL(RELU6, DType::FLOAT32, Prepare, act::EvalRelu);
TFD_REGISTER_KERNEL(RELU6, DType::INT8, Prepare, act::EvalRelu);
TFD_REGISTER_KERNEL(RELU6, DType::UINT8, Prepare, act::EvalRelu);
TFD_REGISTER_KERNEL(RELU6, DType::INT16, Prepare, act::EvalRelu);

}  // namespace tfd
