// RELU_N1_TO_1: min(max(x, -1), 1) elementwise. float32, int8, uint8; quantized
// inputs are requantized to the output scale before clamping.
#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_relu.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) { act::PrepareRelu(ctx, {-1.0f, 1.0f, false}); }

}  // namespace

TFD_REGISTER_KERNEL(RELU_N1_TO_1, DType::FLOAT32, Prepare, act::EvalRelu);
TFD_REGISTER_KERNEL(RELU_N1_TO_1, DType::INT8, Prepare, act::EvalRelu);
TFD_REGISTER_KERNEL(RELU_N1_TO_1, DType::UINT8, Prepare, act::EvalRelu);
TFD_REGISTER_KERNEL(RELU_N1_TO_1, DType::INT16, Prepare, act::EvalRelu);

}  // namespace tfd
