// SVDF: a fully connected layer factored into a feature filter and a time
// filter over a memory of the last `memory_size` feature activations, kept in
// a variable state tensor across runs.
//
// float32; int8 input/output with int16 state and time weights (TFLite's
// integer kernel, which ignores the state zero point and needs RELU); int8
// state and time weights as TFLite Micro runs them (state zero point
// honoured); hybrid: float input, state and output with int8 weights (the
// input quantized per batch, symmetric or asymmetric).
#include <limits>
#include <memory>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/activation.h"
#include "kernels/internal/quant_math.h"
#include "kernels/internal/seq_hybrid.h"

namespace tfd {
namespace {

enum : size_t { kInput = 0, kWeightsFeature = 1, kWeightsTime = 2, kBias = 3, kState = 4 };

struct SvdfState : KernelState {
  int rank = 1, batch = 0, input_size = 0, num_filters = 0, num_units = 0, memory_size = 0;
  FloatRange float_range;
  // Integer kernel.
  int32_t feature_multiplier = 0, time_multiplier = 0;
  int feature_shift = 0, time_shift = 0;
  int32_t input_zero_point = 0, output_zero_point = 0, state_zero_point = 0;
  // Hybrid kernel.
  bool hybrid = false, asymmetric = false;
  std::vector<float> time_weights;    // dequantized
  std::vector<int32_t> feature_row_sums;
};

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(5, 5, 1);
  const auto options = ctx.options_or_default<tflite::SVDFOptionsT>();
  const RuntimeTensor& input = ctx.input(kInput);
  const RuntimeTensor& weights_feature = ctx.input(kWeightsFeature);
  const RuntimeTensor& weights_time = ctx.input(kWeightsTime);
  const RuntimeTensor* bias = ctx.optional_input(kBias);
  const RuntimeTensor& state = ctx.input(kState);
  RuntimeTensor& output = ctx.output(0);
  if (input.rank() != 2) ctx.Fail("input must be [batch, input_size], has shape {}", ShapeString(input.shape));
  if (weights_feature.rank() != 2 || weights_time.rank() != 2)
    ctx.Fail("weights must be matrices (feature {}, time {})", ShapeString(weights_feature.shape),
             ShapeString(weights_time.shape));
  auto s = std::make_unique<SvdfState>();
  s->rank = options.rank;
  s->batch = input.dim(0);
  s->input_size = input.dim(1);
  s->num_filters = weights_feature.dim(0);
  s->memory_size = weights_time.dim(1);
  if (s->rank <= 0) ctx.Fail("rank must be positive, is {}", s->rank);
  if (s->num_filters % s->rank != 0) ctx.Fail("{} filters are not a multiple of rank {}", s->num_filters, s->rank);
  s->num_units = s->num_filters / s->rank;
  if (weights_feature.dim(1) != s->input_size)
    ctx.Fail("feature weights have {} columns, input has {}", weights_feature.dim(1), s->input_size);
  if (weights_time.dim(0) != s->num_filters)
    ctx.Fail("time weights have {} rows, expected {} filters", weights_time.dim(0), s->num_filters);
  if (bias != nullptr && (bias->rank() != 1 || bias->dim(0) != s->num_units))
    ctx.Fail("bias has shape {}, expected [{}]", ShapeString(bias->shape), s->num_units);
  if (state.rank() != 2 || state.dim(0) != s->batch || state.dim(1) != s->memory_size * s->num_filters)
    ctx.Fail("state has shape {}, expected [{}, {}]", ShapeString(state.shape), s->batch,
             s->memory_size * s->num_filters);
  if (state.meta == nullptr || !state.meta->is_variable) ctx.Fail("state (input 4) must be a variable tensor");

  if (input.dtype == DType::FLOAT32 && weights_feature.dtype == DType::FLOAT32) {
    for (const RuntimeTensor* t : {&weights_time, bias, &state, static_cast<const RuntimeTensor*>(&output)})
      if (t != nullptr && t->dtype != DType::FLOAT32) ctx.Fail("float SVDF has a {} tensor", DTypeName(t->dtype));
    s->float_range = FloatActivationRange(ctx, options.fused_activation_function);
  } else if (input.dtype == DType::INT8 && weights_feature.dtype == DType::INT8) {
    const DType state_type = state.dtype;
    if (state_type != DType::INT16 && state_type != DType::INT8)
      ctx.Fail("int8 SVDF needs an int16 or int8 state, got {}", DTypeName(state_type));
    if (weights_time.dtype != state_type)
      ctx.Fail("time weights ({}) must have the state's type ({})", DTypeName(weights_time.dtype), DTypeName(state_type));
    if (bias != nullptr && bias->dtype != DType::INT32) ctx.Fail("int8 SVDF needs an int32 bias, got {}", DTypeName(bias->dtype));
    if (output.dtype != DType::INT8) ctx.Fail("int8 SVDF needs an int8 output, got {}", DTypeName(output.dtype));
    if (options.fused_activation_function != Activation::RELU)
      ctx.Fail("int8 SVDF supports only the RELU activation (as TFLite), got {}",
               tflite::EnumNameActivationFunctionType(options.fused_activation_function));
    if (!input.quant() || !weights_feature.quant() || !weights_time.quant() || !state.quant() || !output.quant())
      ctx.Fail("int8 SVDF needs quantization parameters on input, weights, state and output");
    // Float products, as the reference computes them.
    const float feature_scale = input.scale() * weights_feature.scale() / state.scale();
    const float time_scale = state.scale() * weights_time.scale() / output.scale();
    qmath::QuantizeMultiplier(feature_scale, &s->feature_multiplier, &s->feature_shift);
    qmath::QuantizeMultiplier(time_scale, &s->time_multiplier, &s->time_shift);
    s->input_zero_point = input.zero_point();
    s->output_zero_point = output.zero_point();
    // TFLite's int16 kernel assumes a zero state zero point; TFLite Micro's
    // int8 variant applies it.
    s->state_zero_point = state_type == DType::INT8 ? state.zero_point() : 0;
  } else if (input.dtype == DType::FLOAT32 && weights_feature.dtype == DType::INT8) {
    s->hybrid = true;
    s->asymmetric = options.asymmetric_quantize_inputs;
    if (weights_time.dtype != DType::INT8)
      ctx.Fail("hybrid SVDF needs int8 time weights, got {}", DTypeName(weights_time.dtype));
    for (const RuntimeTensor* t : {bias, &state, static_cast<const RuntimeTensor*>(&output)})
      if (t != nullptr && t->dtype != DType::FLOAT32) ctx.Fail("hybrid SVDF has a {} tensor", DTypeName(t->dtype));
    if (!weights_feature.quant() || !weights_time.quant()) ctx.Fail("hybrid SVDF needs quantization parameters on the weights");
    s->float_range = FloatActivationRange(ctx, options.fused_activation_function);
  } else if (input.dtype == DType::FLOAT32) {
    ctx.Fail("unsupported SVDF weights type {} with float input", DTypeName(weights_feature.dtype));
  } else {
    ctx.Fail("unsupported combination: {} input with {} weights", DTypeName(input.dtype), DTypeName(weights_feature.dtype));
  }
  ctx.ResizeOutput(0, {s->batch, s->num_units});
  ctx.state = std::move(s);
}

// Drops the oldest activation of every filter: the whole state moves left by
// one element (each filter's newest slot is overwritten next).
template <typename T>
void ShiftState(T* state, int64_t count) {
  for (int64_t i = 0; i + 1 < count; ++i) state[i] = state[i + 1];
}

// matmul(state, time weights), reduced over rank, bias and activation.
void TimeWeightsBiasActivation(const SvdfState& s, const float* weights_time, const float* bias, const float* state,
                               float* output) {
  const int memory = s.memory_size, filters = s.num_filters;
  for (int b = 0; b < s.batch; ++b) {
    const float* state_batch = state + int64_t{b} * filters * memory;
    float* out = output + b * s.num_units;
    for (int u = 0; u < s.num_units; ++u) out[u] = bias != nullptr ? bias[u] : 0.0f;
    for (int f = 0; f < filters; ++f) {
      float dot = 0.0f;
      for (int m = 0; m < memory; ++m) dot += weights_time[f * memory + m] * state_batch[f * memory + m];
      out[f / s.rank] += dot;
    }
    for (int u = 0; u < s.num_units; ++u) out[u] = s.float_range.Apply(out[u]);
  }
}

void EvalHybrid(KernelContext& ctx, SvdfState& s) {
  const RuntimeTensor& feature_tensor = ctx.input(kWeightsFeature);
  const RuntimeTensor& time_tensor = ctx.input(kWeightsTime);
  const int8_t* weights_feature = feature_tensor.As<int8_t>();
  if (s.time_weights.empty()) {
    // Dequantized once, like the reference's persistent float copy.
    const float scale = time_tensor.scale();
    s.time_weights.resize(static_cast<size_t>(time_tensor.NumElements()));
    for (size_t i = 0; i < s.time_weights.size(); ++i) s.time_weights[i] = time_tensor.As<int8_t>()[i] * scale;
    s.feature_row_sums = seq_hybrid::RowSums(weights_feature, s.num_filters, s.input_size);
  }
  const float* input = ctx.input(kInput).As<float>();
  const RuntimeTensor* bias_tensor = ctx.optional_input(kBias);
  float* state = ctx.input(kState).As<float>();
  const int memory = s.memory_size, filters = s.num_filters;
  ShiftState(state, int64_t{s.batch} * filters * memory);
  std::vector<float> activations(static_cast<size_t>(s.batch) * static_cast<size_t>(filters), 0.0f);
  if (!seq_hybrid::AllZero(input, int64_t{s.batch} * s.input_size)) {
    seq_hybrid::QuantizedRows q;
    q.Quantize(input, s.batch, s.input_size, s.asymmetric);
    seq_hybrid::MatmulAccumulate(weights_feature, feature_tensor.scale(), filters, s.input_size, q, s.batch,
                                 s.feature_row_sums.data(), s.asymmetric, activations.data());
  }
  for (size_t i = 0; i < activations.size(); ++i) state[i * static_cast<size_t>(memory) + static_cast<size_t>(memory) - 1] = activations[i];
  TimeWeightsBiasActivation(s, s.time_weights.data(), bias_tensor != nullptr ? bias_tensor->As<float>() : nullptr, state,
                            ctx.output(0).As<float>());
}

void EvalFloat(KernelContext& ctx, const SvdfState& s) {
  const float* input = ctx.input(kInput).As<float>();
  const float* weights_feature = ctx.input(kWeightsFeature).As<float>();
  const float* weights_time = ctx.input(kWeightsTime).As<float>();
  const RuntimeTensor* bias_tensor = ctx.optional_input(kBias);
  const float* bias = bias_tensor != nullptr ? bias_tensor->As<float>() : nullptr;
  float* state = ctx.input(kState).As<float>();
  float* output = ctx.output(0).As<float>();
  const int memory = s.memory_size, filters = s.num_filters;
  ShiftState(state, int64_t{s.batch} * filters * memory);
  for (int b = 0; b < s.batch; ++b) {
    float* state_batch = state + int64_t{b} * filters * memory;
    for (int f = 0; f < filters; ++f) {
      float dot = 0.0f;
      for (int i = 0; i < s.input_size; ++i) dot += weights_feature[f * s.input_size + i] * input[b * s.input_size + i];
      state_batch[f * memory + memory - 1] = dot;
    }
  }
  TimeWeightsBiasActivation(s, weights_time, bias, state, output);
}

template <typename StateT>
void EvalInteger(KernelContext& ctx, const SvdfState& s) {
  const int8_t* input = ctx.input(kInput).As<int8_t>();
  const int8_t* weights_feature = ctx.input(kWeightsFeature).As<int8_t>();
  const StateT* weights_time = ctx.input(kWeightsTime).As<StateT>();
  const RuntimeTensor* bias_tensor = ctx.optional_input(kBias);
  const int32_t* bias = bias_tensor != nullptr ? bias_tensor->As<int32_t>() : nullptr;
  StateT* state = ctx.input(kState).As<StateT>();
  int8_t* output = ctx.output(0).As<int8_t>();
  const int memory = s.memory_size, filters = s.num_filters;
  constexpr int32_t kStateMin = std::numeric_limits<StateT>::min(), kStateMax = std::numeric_limits<StateT>::max();
  ShiftState(state, int64_t{s.batch} * filters * memory);
  std::vector<int32_t> units(static_cast<size_t>(s.num_units));
  for (int b = 0; b < s.batch; ++b) {
    StateT* state_batch = state + int64_t{b} * filters * memory;
    for (int f = 0; f < filters; ++f) {
      int32_t dot = 0;
      for (int i = 0; i < s.input_size; ++i)
        dot += int32_t{weights_feature[f * s.input_size + i]} * (input[b * s.input_size + i] - s.input_zero_point);
      dot = qmath::MultiplyByQuantizedMultiplier(dot, s.feature_multiplier, s.feature_shift) + s.state_zero_point;
      state_batch[f * memory + memory - 1] = static_cast<StateT>(std::min(std::max(kStateMin, dot), kStateMax));
    }
    for (int u = 0; u < s.num_units; ++u) units[static_cast<size_t>(u)] = bias != nullptr ? bias[u] : 0;
    for (int f = 0; f < filters; ++f) {
      // int16 x int16 products over the memory can exceed int32; summed
      // modulo 2^32 like the reference's int32 accumulator on hardware.
      int64_t dot = 0;
      for (int m = 0; m < memory; ++m)
        dot += int64_t{weights_time[f * memory + m]} * (state_batch[f * memory + m] - s.state_zero_point);
      int32_t& unit = units[static_cast<size_t>(f / s.rank)];
      unit = static_cast<int32_t>(static_cast<uint32_t>(unit) + static_cast<uint32_t>(static_cast<uint64_t>(dot)));
    }
    for (int u = 0; u < s.num_units; ++u) {
      const int32_t v = qmath::MultiplyByQuantizedMultiplier(units[static_cast<size_t>(u)], s.time_multiplier, s.time_shift) +
                        s.output_zero_point;
      output[b * s.num_units + u] = static_cast<int8_t>(std::min(127, std::max(-128, v)));
    }
  }
}

void Eval(KernelContext& ctx) {
  auto& s = ctx.state_as<SvdfState>();
  if (s.hybrid) return EvalHybrid(ctx, s);
  if (ctx.input(kInput).dtype == DType::FLOAT32) return EvalFloat(ctx, s);
  if (ctx.input(kState).dtype == DType::INT16) return EvalInteger<int16_t>(ctx, s);
  EvalInteger<int8_t>(ctx, s);
}

}  // namespace

TFD_REGISTER_KERNEL(SVDF, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(SVDF, DType::INT8, Prepare, Eval);

}  // namespace tfd
