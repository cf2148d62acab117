// CONCATENATION: joins the inputs along `axis` (negative counts from the
// end). Every movable dtype; rank-0 inputs with axis 0 give a 1-D output.
// uint8 inputs whose scale or zero point differ from the output's are
// requantized with TFLite's ConcatenationWithScaling float arithmetic
// (round(q * s + b) + zp, s = in/out scale, b = -zp_in * s). int16 (zero
// points 0) is copied as TFLite does. Two extensions beyond TFLite, which
// rejects such nodes in Prepare: int8 inputs with differing quantization are
// requantized like uint8, and float32 applies a fused activation.
//
// xnnpack flavor (int8, uint8): the nodes TFLite's XNNPACK delegate takes.
// XNNPACK's concatenation copies bytes: an input whose quantization differs
// from the output's is NOT requantized (the oracle's runtime does exactly
// that for uint8; for int8 TFLite refuses such a node before delegating).
#include <cmath>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/activation.h"
#include "kernels/internal/shape_util.h"
#include "kernels/internal/xnnpack.h"
#include "kernels/internal/quant_math.h"

namespace tfd {
namespace {

struct ConcatState : KernelState {
  int axis = 0;
  size_t element_size = 0;
  FloatRange float_range;
  bool apply_activation = false;
  // Per input: whether it needs requantizing, and TFLite's float scale/bias.
  std::vector<bool> rescale;
  std::vector<float> scale, bias;
  int32_t output_zero_point = 0;
};

void Prepare(KernelContext& ctx) {
  if (ctx.num_inputs() < 1) ctx.Fail("needs at least one input");
  ctx.CheckArity(1, ctx.num_inputs(), 1);
  const RuntimeTensor& first = ctx.input(0);
  const RuntimeTensor& out = ctx.output(0);
  auto state = std::make_unique<ConcatState>();
  state->element_size = shape::MovableElementSize(ctx, first.dtype);
  shape::CheckSameType(ctx, first, out, "CONCATENATION input 0 and output");
  const auto options = ctx.options_or_default<tflite::ConcatenationOptionsT>();
  const int rank = first.rank();
  std::vector<int32_t> out_shape;
  if (rank == 0) {
    if (options.axis != 0 && options.axis != -1) ctx.Fail("axis {} is out of range for scalar inputs", options.axis);
    for (size_t i = 0; i < ctx.num_inputs(); ++i)
      if (ctx.input(i).rank() != 0) ctx.Fail("input {} has rank {}, input 0 has rank 0", i, ctx.input(i).rank());
    out_shape = {static_cast<int32_t>(ctx.num_inputs())};
    state->axis = 0;
  } else {
    state->axis = shape::NormalizeAxis(ctx, options.axis, rank, "axis");
    out_shape = first.shape;
    int64_t sum = 0;
    for (size_t i = 0; i < ctx.num_inputs(); ++i) {
      const RuntimeTensor& t = ctx.input(i);
      shape::CheckSameType(ctx, first, t, "CONCATENATION inputs");
      if (t.rank() != rank) ctx.Fail("input {} has rank {}, input 0 has rank {}", i, t.rank(), rank);
      for (int d = 0; d < rank; ++d)
        if (d != state->axis && t.shape[static_cast<size_t>(d)] != first.shape[static_cast<size_t>(d)])
          ctx.Fail("input {} has shape {}, incompatible with {} along dimension {}", i, ShapeString(t.shape),
                   ShapeString(first.shape), d);
      sum += t.shape[static_cast<size_t>(state->axis)];
    }
    out_shape[static_cast<size_t>(state->axis)] = shape::CheckedDim(ctx, sum, "concatenated axis");
  }

  const Activation act = options.fused_activation_function;
  if (first.dtype == DType::FLOAT32) {
    state->float_range = FloatActivationRange(ctx, act);
    state->apply_activation = act != Activation::NONE;
  } else if (act != Activation::NONE) {
    ctx.Fail("fused activation {} is supported for float32 only, input is {}",
             tflite::EnumNameActivationFunctionType(act), DTypeName(first.dtype));
  }

  state->rescale.assign(ctx.num_inputs(), false);
  state->scale.assign(ctx.num_inputs(), 0.0f);
  state->bias.assign(ctx.num_inputs(), 0.0f);
  if (first.dtype == DType::UINT8 || first.dtype == DType::INT8) {
    state->output_zero_point = out.zero_point();
    const float inverse_output_scale = 1.0f / out.scale();
    for (size_t i = 0; i < ctx.num_inputs(); ++i) {
      const RuntimeTensor& t = ctx.input(i);
      if (shape::SameQuantization(t, out)) continue;
      if (!t.quant() || !out.quant())
        ctx.Fail("input {} and the output have different quantization but one of them has none", i);
      state->rescale[i] = true;
      state->scale[i] = t.scale() * inverse_output_scale;
      state->bias[i] = static_cast<float>(-t.zero_point()) * state->scale[i];
    }
  } else if (first.dtype == DType::INT16) {
    for (size_t i = 0; i < ctx.num_inputs(); ++i)
      if (ctx.input(i).zero_point() != 0) ctx.Fail("int16 input {} has zero point {}, must be 0", i, ctx.input(i).zero_point());
    if (out.zero_point() != 0) ctx.Fail("int16 output has zero point {}, must be 0", out.zero_point());
  }
  ctx.ResizeOutput(0, out_shape);
  ctx.state = std::move(state);
}

template <typename T>
void Requantize(const T* src, T* dst, int64_t count, float scale, float bias, int32_t zero_point) {
  for (int64_t j = 0; j < count; ++j) {
    const float real = static_cast<float>(src[j]) * scale + bias;
    const int32_t value = qmath::WrappingAdd(qmath::RoundToInt32(real), zero_point);
    dst[j] = qmath::Clamp<T>(value, std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
  }
}

void Eval(KernelContext& ctx) {
  const auto& s = ctx.state_as<ConcatState>();
  RuntimeTensor& out = ctx.output(0);
  const int64_t outer = shape::Product(out.shape, 0, static_cast<size_t>(s.axis));
  const int64_t inner = shape::Product(out.shape, static_cast<size_t>(s.axis) + 1, out.shape.size());
  uint8_t* dst = out.data;
  for (int64_t k = 0; k < outer; ++k) {
    for (size_t i = 0; i < ctx.num_inputs(); ++i) {
      const RuntimeTensor& t = ctx.input(i);
      const int64_t chunk = (t.rank() == 0 ? 1 : t.shape[static_cast<size_t>(s.axis)]) * inner;
      if (chunk == 0) continue;  // an empty input may have no storage at all
      const uint8_t* src = t.data + static_cast<size_t>(k * chunk) * s.element_size;
      if (!s.rescale[i]) {
        shape::CopyElements(dst, src, chunk, s.element_size);
      } else if (t.dtype == DType::UINT8) {
        Requantize<uint8_t>(src, dst, chunk, s.scale[i], s.bias[i], s.output_zero_point);
      } else {
        Requantize<int8_t>(reinterpret_cast<const int8_t*>(src), reinterpret_cast<int8_t*>(dst), chunk, s.scale[i],
                           s.bias[i], s.output_zero_point);
      }
      dst += static_cast<size_t>(chunk) * s.element_size;
    }
  }
  if (s.apply_activation) {
    float* values = out.As<float>();
    for (int64_t j = 0; j < out.NumElements(); ++j) values[j] = s.float_range.Apply(values[j]);
  }
}

// ---- xnnpack flavor ----

// The delegate's VisitConcatenationNode for 8-bit tensors: two to four
// inputs (XNNPACK's concatenate2..4) of the output's type, per-tensor
// quantization (whatever its values), rank 1 or more.
bool XnnpackAccepts(const KernelContext& ctx) {
  if (ctx.inputs.size() < 2 || ctx.inputs.size() > 4 || ctx.outputs.size() != 1) return false;
  const RuntimeTensor* out = ctx.outputs[0];
  if (out == nullptr || (out->dtype != DType::INT8 && out->dtype != DType::UINT8)) return false;
  if (!xnn::PerTensor8(*out, out->dtype) || out->rank() < 1) return false;
  for (const RuntimeTensor* in : ctx.inputs)
    if (in == nullptr || !xnn::PerTensor8(*in, out->dtype) || in->rank() != out->rank()) return false;
  return ctx.options_or_default<tflite::ConcatenationOptionsT>().fused_activation_function == Activation::NONE;
}

void XnnpackPrepare(KernelContext& ctx) {
  Prepare(ctx);
  auto& s = ctx.state_as<ConcatState>();
  s.rescale.assign(s.rescale.size(), false);  // bytes copied as they are
}

}  // namespace

TFD_SHAPE_REGISTER_MOVABLE(CONCATENATION, Prepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(CONCATENATION, DType::INT8, XnnpackAccepts, XnnpackPrepare, Eval);
TFD_REGISTER_XNNPACK_KERNEL(CONCATENATION, DType::UINT8, XnnpackAccepts, XnnpackPrepare, Eval);

}  // namespace tfd
