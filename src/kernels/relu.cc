// RELU: max(x, 0) elementwise. float32, int8, uint8, int16 (zero points 0); quantized
// inputs are requantized to the output scale before clamping.
#include "interpreter/kernel_registry.h"
#include "kernels/internal/act_relu.h"

namespace tfd {
namespace {

void Prepare(KernelContext& ctx) { act::PrepareRelu(ctx, {0.0f, std::numeric_limits<float>::infinity(), true}); }

}  // namespace

TFD_REGISTER_KERNEL(RELU, DType::FLOAT32, Prepare, act::EvalRelu);
TFD_REGISTER_KERNEL(RELU, DType::INT8, Prepare, act::EvalRelu);
TFD_REGISTER_KERNEL(RELU, DType::UINT8, Prepare, act::EvalRelu);
TFD_REGISTER_KERNEL(RELU, DType::INT16, Prepare, act::EvalRelu);

}  // namespace tfd
