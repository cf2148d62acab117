// UNIDIRECTIONAL_SEQUENCE_LSTM: an LSTM layer run over a whole sequence, its
// output and cell state kept in variable tensors across runs.
//
// float32: CIFG, peephole, projection (with clipping), layer normalisation,
// cell clipping, time-major and batch-major inputs.
// int8 input with int8 weights, int16 cell state and int32 biases: TFLite's
// fully integer "8x8_16" kernel (gate matmuls rescaled to Q3.12, gemmlowp
// fixed-point sigmoid/tanh, integer layer norm), with the same options.
// Hybrid: float input and states with int8 weights (float biases), the
// vectors quantized per batch row each step (asymmetric_quantize_inputs).
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "interpreter/kernel_registry.h"
#include "kernels/internal/activation.h"
#include "kernels/internal/quant_math.h"
#include "kernels/internal/seq_fixedpoint.h"
#include "kernels/internal/seq_hybrid.h"

namespace tfd {
namespace {

// Input slots, as in TFLite's lstm_shared.h.
enum : size_t {
  kInput = 0,
  kInputToInputWeights = 1,
  kInputToForgetWeights = 2,
  kInputToCellWeights = 3,
  kInputToOutputWeights = 4,
  kRecurrentToInputWeights = 5,
  kRecurrentToForgetWeights = 6,
  kRecurrentToCellWeights = 7,
  kRecurrentToOutputWeights = 8,
  kCellToInputWeights = 9,
  kCellToForgetWeights = 10,
  kCellToOutputWeights = 11,
  kInputGateBias = 12,
  kForgetGateBias = 13,
  kCellGateBias = 14,
  kOutputGateBias = 15,
  kProjectionWeights = 16,
  kProjectionBias = 17,
  kOutputState = 18,
  kCellState = 19,
  kInputLayerNorm = 20,
  kForgetLayerNorm = 21,
  kCellLayerNorm = 22,
  kOutputLayerNorm = 23,
};

// Gates in the order the state keeps them.
enum Gate { kInputGate = 0, kForgetGate = 1, kCellGate = 2, kOutputGate = 3 };
constexpr size_t kInputWeightsOf[4] = {kInputToInputWeights, kInputToForgetWeights, kInputToCellWeights,
                                       kInputToOutputWeights};
constexpr size_t kRecurrentWeightsOf[4] = {kRecurrentToInputWeights, kRecurrentToForgetWeights,
                                           kRecurrentToCellWeights, kRecurrentToOutputWeights};
constexpr size_t kPeepholeOf[4] = {kCellToInputWeights, kCellToForgetWeights, 0, kCellToOutputWeights};
constexpr size_t kBiasOf[4] = {kInputGateBias, kForgetGateBias, kCellGateBias, kOutputGateBias};
constexpr size_t kLayerNormOf[4] = {kInputLayerNorm, kForgetLayerNorm, kCellLayerNorm, kOutputLayerNorm};

struct Multiplier {
  int32_t multiplier = 0;
  int shift = 0;
};

Multiplier Quantize(double scale) {
  Multiplier m;
  qmath::QuantizeMultiplier(scale, &m.multiplier, &m.shift);
  return m;
}

// Integer parameters of one gate.
struct IntegerGate {
  bool present = false;
  Multiplier input_scale, recurrent_scale, peephole_scale, layer_norm_scale;
  int32_t variance_guard = 1;
  // bias (unless layer-normalised) + weight row sums * -zero point.
  std::vector<int32_t> input_bias, recurrent_bias;
};

struct LstmState : KernelState {
  bool integer = false;
  bool time_major = false;
  int max_time = 1, n_batch = 1, n_input = 0, n_cell = 0, n_output = 0;
  bool use_cifg = false, use_peephole = false, use_layer_norm = false, use_projection = false;
  Activation activation = Activation::TANH;
  float cell_clip = 0.0f, proj_clip = 0.0f;

  // Integer kernel.
  IntegerGate gates[4];
  Multiplier hidden_scale, projection_scale;
  int32_t hidden_zero_point = 0;
  int32_t output_state_zero_point = 0;
  int cell_scale_log2 = 0;
  int16_t quantized_cell_clip = 0;
  int8_t quantized_proj_clip = 0;
  std::vector<int32_t> projection_bias;
  bool biases_ready = false;

  // Hybrid kernel.
  bool hybrid = false, asymmetric = false;
  struct {
    std::vector<int32_t> input[4], recurrent[4], projection;
    bool ready = false;
  } row_sums;
};

const RuntimeTensor* Optional(const KernelContext& ctx, size_t i) { return ctx.optional_input(i); }

// log2(x) when x is a power of two (TFLite's CheckedLog2).
bool CheckedLog2(float x, int* result) {
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(x_log2);
  *result = static_cast<int>(rounded);
  return std::abs(x_log2 - rounded) < 1e-3f;
}

void CheckMatrix(const KernelContext& ctx, const RuntimeTensor* t, const char* name, int rows, int cols) {
  if (t == nullptr) return;
  if (t->rank() != 2 || t->dim(0) != rows || t->dim(1) != cols)
    ctx.Fail("{} has shape {}, expected [{}, {}]", name, ShapeString(t->shape), rows, cols);
}

void CheckVector(const KernelContext& ctx, const RuntimeTensor* t, const char* name, int size) {
  if (t == nullptr) return;
  if (t->rank() != 1 || t->dim(0) != size) ctx.Fail("{} has shape {}, expected [{}]", name, ShapeString(t->shape), size);
}

void CheckType(const KernelContext& ctx, const RuntimeTensor* t, const char* name, DType expected) {
  if (t != nullptr && t->dtype != expected)
    ctx.Fail("{} is {}, expected {}", name, DTypeName(t->dtype), DTypeName(expected));
}

float ScaleOf(const KernelContext& ctx, const RuntimeTensor* t, const char* name) {
  if (t == nullptr) return 1.0f;
  if (!t->quant()) ctx.Fail("{} needs quantization parameters", name);
  return t->scale();
}

void PrepareInteger(KernelContext& ctx, LstmState& s) {
  const RuntimeTensor& input = ctx.input(kInput);
  const RuntimeTensor& output = ctx.output(0);
  const RuntimeTensor& output_state = ctx.input(kOutputState);
  const RuntimeTensor& cell_state = ctx.input(kCellState);
  for (size_t g = 0; g < 4; ++g) {
    CheckType(ctx, Optional(ctx, kInputWeightsOf[g]), "input weights", DType::INT8);
    CheckType(ctx, Optional(ctx, kRecurrentWeightsOf[g]), "recurrent weights", DType::INT8);
    if (kPeepholeOf[g] != 0) CheckType(ctx, Optional(ctx, kPeepholeOf[g]), "peephole weights", DType::INT16);
    CheckType(ctx, Optional(ctx, kBiasOf[g]), "gate bias", DType::INT32);
    if (s.use_layer_norm) CheckType(ctx, Optional(ctx, kLayerNormOf[g]), "layer norm coefficients", DType::INT16);
  }
  CheckType(ctx, Optional(ctx, kProjectionWeights), "projection weights", DType::INT8);
  CheckType(ctx, Optional(ctx, kProjectionBias), "projection bias", DType::INT32);
  if (output.dtype != DType::INT8) ctx.Fail("int8 LSTM needs an int8 output, got {}", DTypeName(output.dtype));
  if (output_state.dtype != DType::INT8 || cell_state.dtype != DType::INT16)
    ctx.Fail("int8 LSTM needs an int8 output state and an int16 cell state (got {} and {})",
             DTypeName(output_state.dtype), DTypeName(cell_state.dtype));
  if (ctx.intermediates.size() != 5)
    ctx.Fail("int8 LSTM needs 5 intermediate tensors carrying quantization parameters, has {}", ctx.intermediates.size());
  if (!input.quant() || !output.quant() || !output_state.quant() || !cell_state.quant())
    ctx.Fail("int8 LSTM needs quantization parameters on input, output and both states");
  if (s.use_peephole && s.n_output > s.n_cell)
    ctx.Fail("int8 LSTM with peephole weights needs output size <= cell count (TFLite walks the peephole with the "
             "output size)");

  const auto& options = ctx.options_or_default<tflite::UnidirectionalSequenceLSTMOptionsT>();
  // Clip values in the state's quantized units, truncated like the reference.
  s.quantized_cell_clip =
      options.cell_clip > 0.0f
          ? static_cast<int16_t>(std::min(std::max(options.cell_clip / cell_state.scale(), -32768.0f), 32767.0f))
          : 0;
  s.quantized_proj_clip =
      options.proj_clip > 0.0f
          ? static_cast<int8_t>(std::min(std::max(options.proj_clip / output.scale(), -128.0f), 127.0f))
          : 0;

  // Gate matmul outputs are Q3.12 unless layer norm gives them their own scale.
  float intermediate_scale[4];
  for (int i = 0; i < 4; ++i) {
    if (s.use_layer_norm) {
      const RuntimeTensor* t = ctx.intermediates[static_cast<size_t>(i)];
      if (t == nullptr || !t->quant())
        ctx.Fail("int8 layer-norm LSTM needs quantization parameters on intermediate {}", i);
      intermediate_scale[i] = t->scale();
    } else {
      intermediate_scale[i] = std::pow(2.0f, -12.0f);
    }
  }
  const RuntimeTensor* hidden = ctx.intermediates[4];
  if (hidden == nullptr || !hidden->quant()) ctx.Fail("int8 LSTM needs quantization parameters on intermediate 4 (hidden)");
  const float hidden_scale = hidden->scale();
  s.hidden_zero_point = hidden->zero_point();

  if (!CheckedLog2(cell_state.scale(), &s.cell_scale_log2))
    ctx.Fail("int8 LSTM needs a power-of-two cell state scale, got {}", cell_state.scale());
  if (15 + s.cell_scale_log2 < 0 || 15 + s.cell_scale_log2 > 6)
    ctx.Fail("int8 LSTM supports cell state scales 2^-15 .. 2^-9, got 2^{}", s.cell_scale_log2);

  const float input_scale = input.scale();
  const float output_state_scale = output_state.scale();
  for (int g = 0; g < 4; ++g) {
    IntegerGate& gate = s.gates[g];
    gate.present = !(g == kInputGate && s.use_cifg);
    if (!gate.present) continue;
    // The effective scales are float products, as in the reference.
    const float input_weight_scale = ScaleOf(ctx, Optional(ctx, kInputWeightsOf[g]), "input weights");
    const float recurrent_weight_scale = ScaleOf(ctx, Optional(ctx, kRecurrentWeightsOf[g]), "recurrent weights");
    const float effective_input = input_weight_scale * input_scale / intermediate_scale[g];
    const float effective_recurrent = recurrent_weight_scale * output_state_scale / intermediate_scale[g];
    gate.input_scale = Quantize(effective_input);
    gate.recurrent_scale = Quantize(effective_recurrent);
    float effective_peephole = 1.0f;
    if (s.use_peephole && kPeepholeOf[g] != 0) {
      const float peephole_scale = ScaleOf(ctx, Optional(ctx, kPeepholeOf[g]), "peephole weights");
      effective_peephole = static_cast<float>(std::pow(2.0, s.cell_scale_log2) * peephole_scale / intermediate_scale[g]);
    }
    gate.peephole_scale = Quantize(effective_peephole);
    float layer_norm_scale = 1.0f;
    if (s.use_layer_norm) layer_norm_scale = ScaleOf(ctx, Optional(ctx, kLayerNormOf[g]), "layer norm coefficients");
    gate.layer_norm_scale = Quantize(layer_norm_scale);
    // Keeps the integer variance from reaching zero.
    gate.variance_guard = std::max(1, static_cast<int32_t>(10000 * layer_norm_scale));
  }
  const float effective_hidden = static_cast<float>(std::pow(2.0, -15) / hidden_scale * std::pow(2.0, -15));
  s.hidden_scale = Quantize(effective_hidden);
  const float projection_weight_scale = ScaleOf(ctx, Optional(ctx, kProjectionWeights), "projection weights");
  s.projection_scale = Quantize(projection_weight_scale * hidden_scale / output_state_scale);
  s.output_state_zero_point = output_state.zero_point();
}

// bias[row] + sum(weights[row, :]) * scalar, TFLite's
// PrecomputeZeroPointTimesWeightWithBias.
std::vector<int32_t> ZeroPointTimesWeightsPlusBias(const RuntimeTensor* weights, const RuntimeTensor* bias,
                                                   int32_t scalar) {
  if (weights == nullptr) return {};
  const int rows = weights->dim(0), cols = weights->dim(1);
  std::vector<int32_t> out(static_cast<size_t>(rows), 0);
  if (bias != nullptr) std::copy(bias->As<int32_t>(), bias->As<int32_t>() + rows, out.begin());
  if (scalar != 0) {
    const int8_t* w = weights->As<int8_t>();
    for (int r = 0; r < rows; ++r) {
      int32_t row_sum = 0;
      for (int c = 0; c < cols; ++c) row_sum += w[r * cols + c];
      out[static_cast<size_t>(r)] = static_cast<int32_t>(static_cast<uint32_t>(out[static_cast<size_t>(r)]) +
                                                         static_cast<uint32_t>(row_sum * scalar));
    }
  }
  return out;
}

void PrepareIntegerBiases(const KernelContext& ctx, LstmState& s) {
  const int32_t input_offset = -ctx.input(kInput).zero_point();
  const int32_t output_state_offset = -ctx.input(kOutputState).zero_point();
  for (int g = 0; g < 4; ++g) {
    IntegerGate& gate = s.gates[g];
    if (!gate.present) continue;
    // With layer norm the bias is added after normalisation instead.
    const RuntimeTensor* bias = s.use_layer_norm ? nullptr : Optional(ctx, kBiasOf[g]);
    gate.input_bias = ZeroPointTimesWeightsPlusBias(Optional(ctx, kInputWeightsOf[g]), bias, input_offset);
    gate.recurrent_bias =
        ZeroPointTimesWeightsPlusBias(Optional(ctx, kRecurrentWeightsOf[g]), nullptr, output_state_offset);
  }
  s.projection_bias =
      ZeroPointTimesWeightsPlusBias(Optional(ctx, kProjectionWeights), Optional(ctx, kProjectionBias), s.hidden_zero_point);
  s.biases_ready = true;
}

void Prepare(KernelContext& ctx) {
  if (ctx.num_inputs() != 20 && ctx.num_inputs() != 24)
    ctx.Fail("expects 20 or 24 inputs (optional ones may be omitted), has {}", ctx.num_inputs());
  if (ctx.num_outputs() != 1) ctx.Fail("expects 1 output, has {}", ctx.num_outputs());
  auto s = std::make_unique<LstmState>();
  const auto options = ctx.options_or_default<tflite::UnidirectionalSequenceLSTMOptionsT>();
  if (options.diagonal_recurrent_tensors) ctx.Fail("diagonal recurrent weights are not supported");
  if (options.cell_clip < 0 || options.proj_clip < 0) ctx.Fail("cell_clip and proj_clip must not be negative");
  s->time_major = options.time_major;
  s->activation = options.fused_activation_function;
  s->cell_clip = options.cell_clip;
  s->proj_clip = options.proj_clip;

  const RuntimeTensor& input = ctx.input(kInput);
  if (input.rank() != 2 && input.rank() != 3) ctx.Fail("input must have rank 2 or 3, has shape {}", ShapeString(input.shape));
  if (input.rank() == 3) {
    s->max_time = s->time_major ? input.dim(0) : input.dim(1);
    s->n_batch = s->time_major ? input.dim(1) : input.dim(0);
  } else {
    s->max_time = 1;
    s->n_batch = input.dim(0);
  }
  s->n_input = input.dim(-1);

  const RuntimeTensor& input_to_output = ctx.input(kInputToOutputWeights);
  const RuntimeTensor& recurrent_to_output = ctx.input(kRecurrentToOutputWeights);
  if (input_to_output.rank() != 2 || recurrent_to_output.rank() != 2)
    ctx.Fail("weights must be matrices (input-to-output {}, recurrent-to-output {})", ShapeString(input_to_output.shape),
             ShapeString(recurrent_to_output.shape));
  s->n_cell = input_to_output.dim(0);
  s->n_output = recurrent_to_output.dim(1);
  const int n_cell = s->n_cell, n_input = s->n_input, n_output = s->n_output;

  const RuntimeTensor* input_to_input = Optional(ctx, kInputToInputWeights);
  const RuntimeTensor* recurrent_to_input = Optional(ctx, kRecurrentToInputWeights);
  if ((input_to_input == nullptr) != (recurrent_to_input == nullptr))
    ctx.Fail("input-gate weights must be both present or both omitted (CIFG)");
  s->use_cifg = input_to_input == nullptr;
  for (size_t g = 0; g < 4; ++g) {
    const RuntimeTensor* w = g == kInputGate ? input_to_input : &ctx.input(kInputWeightsOf[g]);
    const RuntimeTensor* r = g == kInputGate ? recurrent_to_input : &ctx.input(kRecurrentWeightsOf[g]);
    CheckMatrix(ctx, w, "input weights", n_cell, n_input);
    CheckMatrix(ctx, r, "recurrent weights", n_cell, n_output);
    const RuntimeTensor* bias = g == kInputGate ? Optional(ctx, kInputGateBias) : &ctx.input(kBiasOf[g]);
    if (g == kInputGate && s->use_cifg && bias != nullptr) ctx.Fail("a CIFG LSTM must not have an input gate bias");
    if (g == kInputGate && !s->use_cifg && bias == nullptr) ctx.Fail("input gate bias is missing");
    CheckVector(ctx, bias, "gate bias", n_cell);
  }
  const RuntimeTensor* cell_to_input = Optional(ctx, kCellToInputWeights);
  const RuntimeTensor* cell_to_forget = Optional(ctx, kCellToForgetWeights);
  const RuntimeTensor* cell_to_output = Optional(ctx, kCellToOutputWeights);
  CheckVector(ctx, cell_to_input, "cell-to-input weights", n_cell);
  CheckVector(ctx, cell_to_forget, "cell-to-forget weights", n_cell);
  CheckVector(ctx, cell_to_output, "cell-to-output weights", n_cell);
  const bool all_peephole = (cell_to_input != nullptr || s->use_cifg) && cell_to_forget != nullptr && cell_to_output != nullptr;
  const bool no_peephole = cell_to_input == nullptr && cell_to_forget == nullptr && cell_to_output == nullptr;
  if (!all_peephole && !no_peephole) ctx.Fail("peephole weights must be all present or all omitted");
  s->use_peephole = cell_to_output != nullptr;

  const RuntimeTensor* projection = Optional(ctx, kProjectionWeights);
  const RuntimeTensor* projection_bias = Optional(ctx, kProjectionBias);
  CheckMatrix(ctx, projection, "projection weights", n_output, n_cell);
  CheckVector(ctx, projection_bias, "projection bias", n_output);
  if (projection == nullptr && projection_bias != nullptr) ctx.Fail("projection bias without projection weights");
  if (projection == nullptr && n_output != n_cell)
    ctx.Fail("without projection the output size ({}) must equal the cell count ({})", n_output, n_cell);
  s->use_projection = projection != nullptr;

  s->use_layer_norm = ctx.num_inputs() == 24 && Optional(ctx, kForgetLayerNorm) != nullptr;
  if (s->use_layer_norm) {
    if (s->use_cifg != (Optional(ctx, kInputLayerNorm) == nullptr))
      ctx.Fail("input layer norm coefficients must be present exactly when the input gate is");
    for (size_t g = 0; g < 4; ++g) {
      if (g == kInputGate && s->use_cifg) continue;
      CheckVector(ctx, &ctx.input(kLayerNormOf[g]), "layer norm coefficients", n_cell);
    }
  }

  RuntimeTensor& output_state = ctx.input(kOutputState);
  RuntimeTensor& cell_state = ctx.input(kCellState);
  if (output_state.NumElements() != int64_t{s->n_batch} * n_output)
    ctx.Fail("output state has {} elements, expected batch {} x output {}", output_state.NumElements(), s->n_batch, n_output);
  if (cell_state.NumElements() != int64_t{s->n_batch} * n_cell)
    ctx.Fail("cell state has {} elements, expected batch {} x cells {}", cell_state.NumElements(), s->n_batch, n_cell);
  if (output_state.meta == nullptr || !output_state.meta->is_variable)
    ctx.Fail("output state (input 18) must be a variable tensor");
  if (cell_state.meta == nullptr || !cell_state.meta->is_variable) ctx.Fail("cell state (input 19) must be a variable tensor");

  const DType weight_type = input_to_output.dtype;
  if (input.dtype == DType::FLOAT32 && weight_type == DType::FLOAT32) {
    s->integer = false;
    for (size_t i = 1; i < ctx.num_inputs(); ++i)
      if (ctx.inputs[i] != nullptr && ctx.inputs[i]->dtype != DType::FLOAT32)
        ctx.Fail("float LSTM input {} is {}, expected float32", i, DTypeName(ctx.inputs[i]->dtype));
    if (ctx.output(0).dtype != DType::FLOAT32) ctx.Fail("float LSTM output must be float32");
    switch (s->activation) {
      case Activation::NONE:
      case Activation::RELU:
      case Activation::RELU_N1_TO_1:
      case Activation::RELU6:
      case Activation::TANH: break;
      default: ctx.Fail("unsupported activation {}", tflite::EnumNameActivationFunctionType(s->activation));
    }
  } else if (input.dtype == DType::INT8 && weight_type == DType::INT8) {
    s->integer = true;
    PrepareInteger(ctx, *s);
  } else if (input.dtype == DType::FLOAT32 && weight_type == DType::INT8) {
    s->hybrid = true;
    s->asymmetric = options.asymmetric_quantize_inputs;
    for (size_t g = 0; g < 4; ++g) {
      CheckType(ctx, Optional(ctx, kInputWeightsOf[g]), "input weights", DType::INT8);
      CheckType(ctx, Optional(ctx, kRecurrentWeightsOf[g]), "recurrent weights", DType::INT8);
      if (kPeepholeOf[g] != 0) CheckType(ctx, Optional(ctx, kPeepholeOf[g]), "peephole weights", DType::INT8);
      CheckType(ctx, Optional(ctx, kBiasOf[g]), "gate bias", DType::FLOAT32);
      if (s->use_layer_norm) CheckType(ctx, Optional(ctx, kLayerNormOf[g]), "layer norm coefficients", DType::FLOAT32);
    }
    CheckType(ctx, Optional(ctx, kProjectionWeights), "projection weights", DType::INT8);
    CheckType(ctx, Optional(ctx, kProjectionBias), "projection bias", DType::FLOAT32);
    CheckType(ctx, &output_state, "output state", DType::FLOAT32);
    CheckType(ctx, &cell_state, "cell state", DType::FLOAT32);
    CheckType(ctx, &ctx.output(0), "output", DType::FLOAT32);
    for (size_t i = 1; i < ctx.num_inputs(); ++i)
      if (ctx.inputs[i] != nullptr && ctx.inputs[i]->dtype == DType::INT8 && !ctx.inputs[i]->quant())
        ctx.Fail("hybrid LSTM weights (input {}) need quantization parameters", i);
  } else {
    ctx.Fail("unsupported combination: {} input with {} weights", DTypeName(input.dtype), DTypeName(weight_type));
  }

  std::vector<int32_t> out_shape = input.shape;
  out_shape.back() = n_output;
  ctx.ResizeOutput(0, out_shape);
  ctx.state = std::move(s);
}

// ---------------------------------------------------------------- float ----

float ApplyActivation(Activation act, float x) {
  switch (act) {
    case Activation::RELU: return std::max(0.0f, x);
    case Activation::RELU_N1_TO_1: return std::min(1.0f, std::max(-1.0f, x));
    case Activation::RELU6: return std::min(6.0f, std::max(0.0f, x));
    case Activation::TANH: return std::tanh(x);
    default: return x;
  }
}

float Sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

struct FloatTensors {
  const float* input_weights[4] = {};
  const float* recurrent_weights[4] = {};
  const float* peephole[4] = {};
  const float* bias[4] = {};
  const float* layer_norm[4] = {};
  const float* projection = nullptr;
  const float* projection_bias = nullptr;
};

// Adds the peephole term to a gate's pre-activation values, then layer norm
// (if any) and the activation.
void FinishGate(const LstmState& s, const float* peephole, const float* layer_norm, const float* bias, const float* c,
                int n_batch, bool sigmoid, float* out) {
  const int n_cell = s.n_cell;
  for (int b = 0; b < n_batch; ++b) {
    float* row_out = out + b * n_cell;
    if (peephole != nullptr)
      for (int r = 0; r < n_cell; ++r) row_out[r] += peephole[r] * c[b * n_cell + r];
    if (layer_norm != nullptr) {
      // Mean/stddev normalisation, then coefficients and bias.
      float sum = 0.0f;
      for (int r = 0; r < n_cell; ++r) sum += row_out[r];
      const float mean = sum / n_cell;
      float sum_diff_sq = 0.0f;
      for (int r = 0; r < n_cell; ++r) {
        const float diff = row_out[r] - mean;
        sum_diff_sq += diff * diff;
      }
      const float variance = sum_diff_sq / n_cell;
      const float stddev_inv = 1.0f / std::sqrt(variance + 1e-8f);
      for (int r = 0; r < n_cell; ++r) row_out[r] = (row_out[r] - mean) * stddev_inv * layer_norm[r] + bias[r];
    }
    for (int r = 0; r < n_cell; ++r) row_out[r] = sigmoid ? Sigmoid(row_out[r]) : ApplyActivation(s.activation, row_out[r]);
  }
}

// bias (0 with layer norm) + W x + R h for n_batch rows, float weights.
struct FloatMatmuls {
  const LstmState& s;
  const FloatTensors& t;

  void Preactivation(int g, const float* x, bool x_is_zero, const float* h, int n_batch, float* out) const {
    const int n_cell = s.n_cell, n_input = s.n_input, n_output = s.n_output;
    for (int b = 0; b < n_batch; ++b)
      for (int r = 0; r < n_cell; ++r) {
        float acc = s.use_layer_norm ? 0.0f : t.bias[g][r];
        if (!x_is_zero) {
          float dot = 0.0f;
          const float* w = t.input_weights[g] + r * n_input;
          for (int i = 0; i < n_input; ++i) dot += w[i] * x[b * n_input + i];
          acc += dot;
        }
        float dot = 0.0f;
        const float* w = t.recurrent_weights[g] + r * n_output;
        for (int i = 0; i < n_output; ++i) dot += w[i] * h[b * n_output + i];
        acc += dot;
        out[b * n_cell + r] = acc;
      }
  }
  const float* Peephole(int g) const { return t.peephole[g]; }
  // output_state = projection bias (or 0) + P hidden.
  void Project(const float* hidden, int n_batch, float* output_state) const {
    const int n_cell = s.n_cell, n_output = s.n_output;
    for (int b = 0; b < n_batch; ++b)
      for (int r = 0; r < n_output; ++r) {
        float dot = 0.0f;
        const float* w = t.projection + r * n_cell;
        for (int i = 0; i < n_cell; ++i) dot += w[i] * hidden[b * n_cell + i];
        output_state[b * n_output + r] = (t.projection_bias != nullptr ? t.projection_bias[r] : 0.0f) + dot;
      }
  }
};

// One time step over n_batch rows with float states; `m` computes the
// matmuls (float or hybrid).
template <typename Matmuls>
void FloatStateStep(const LstmState& s, const FloatTensors& t, const Matmuls& m, const float* x, int n_batch,
                    float* output_state, float* cell_state, float* output, std::vector<float>* scratch) {
  const int n_cell = s.n_cell, n_output = s.n_output, n = n_batch * n_cell;
  scratch->resize(static_cast<size_t>(4 * n));
  float* input_gate = scratch->data();
  float* forget_gate = input_gate + n;
  float* cell_gate = forget_gate + n;
  float* output_gate = cell_gate + n;
  const bool x_is_zero = seq_hybrid::AllZero(x, int64_t{n_batch} * s.n_input);
  m.Prepare(x, x_is_zero, output_state, n_batch);
  auto gate = [&](int g, bool sigmoid, float* out) {
    m.Preactivation(g, x, x_is_zero, output_state, n_batch, out);
    FinishGate(s, m.Peephole(g), t.layer_norm[g], t.bias[g], cell_state, n_batch, sigmoid, out);
  };
  if (!s.use_cifg) gate(kInputGate, true, input_gate);
  gate(kForgetGate, true, forget_gate);
  gate(kCellGate, false, cell_gate);
  for (int i = 0; i < n; ++i) {
    const float input_weight = s.use_cifg ? 1.0f - forget_gate[i] : input_gate[i];
    float c = forget_gate[i] * cell_state[i];
    c += cell_gate[i] * input_weight;
    if (s.cell_clip > 0.0f) c = std::max(std::min(s.cell_clip, c), -s.cell_clip);
    cell_state[i] = c;
  }
  gate(kOutputGate, true, output_gate);
  // Hidden value, reusing the cell gate buffer.
  float* hidden = cell_gate;
  for (int i = 0; i < n; ++i) hidden[i] = output_gate[i] * ApplyActivation(s.activation, cell_state[i]);
  if (s.use_projection) {
    m.Project(hidden, n_batch, output_state);
    if (s.proj_clip > 0.0f)
      for (int i = 0; i < n_batch * n_output; ++i)
        output_state[i] = std::max(std::min(s.proj_clip, output_state[i]), -s.proj_clip);
  } else {
    std::copy(hidden, hidden + n_batch * n_output, output_state);
  }
  std::copy(output_state, output_state + n_batch * n_output, output);
}

// The hybrid kernel's matmuls: x, h and the hidden value quantized per batch
// row (symmetric, or asymmetric with weight row sums), int8 dot products
// scaled back to float.
struct HybridMatmuls {
  const LstmState& s;
  const int8_t* input_weights[4] = {};
  const int8_t* recurrent_weights[4] = {};
  float input_scale[4] = {}, recurrent_scale[4] = {};
  const float* bias[4] = {};
  const int8_t* projection = nullptr;
  float projection_scale = 1.0f;
  const float* projection_bias = nullptr;
  std::vector<float> peephole[4];  // dequantized
  mutable seq_hybrid::QuantizedRows qx, qh;
  mutable bool h_is_zero = true;

  explicit HybridMatmuls(const LstmState& state) : s(state) {}

  void Prepare(const float* x, bool x_is_zero, const float* h, int n_batch) const {
    if (!x_is_zero) qx.Quantize(x, n_batch, s.n_input, s.asymmetric);
    h_is_zero = seq_hybrid::AllZero(h, int64_t{n_batch} * s.n_output);
    if (!h_is_zero) qh.Quantize(h, n_batch, s.n_output, s.asymmetric);
  }
  void Preactivation(int g, const float*, bool x_is_zero, const float*, int n_batch, float* out) const {
    for (int b = 0; b < n_batch; ++b)
      for (int r = 0; r < s.n_cell; ++r) out[b * s.n_cell + r] = s.use_layer_norm ? 0.0f : bias[g][r];
    if (!x_is_zero)
      seq_hybrid::MatmulAccumulate(input_weights[g], input_scale[g], s.n_cell, s.n_input, qx, n_batch,
                                   s.row_sums.input[g].data(), s.asymmetric, out);
    if (!h_is_zero)
      seq_hybrid::MatmulAccumulate(recurrent_weights[g], recurrent_scale[g], s.n_cell, s.n_output, qh, n_batch,
                                   s.row_sums.recurrent[g].data(), s.asymmetric, out);
  }
  const float* Peephole(int g) const { return peephole[g].empty() ? nullptr : peephole[g].data(); }
  void Project(const float* hidden, int n_batch, float* output_state) const {
    for (int b = 0; b < n_batch; ++b)
      for (int r = 0; r < s.n_output; ++r) output_state[b * s.n_output + r] = projection_bias != nullptr ? projection_bias[r] : 0.0f;
    if (seq_hybrid::AllZero(hidden, int64_t{n_batch} * s.n_cell)) return;
    seq_hybrid::QuantizedRows q;
    q.Quantize(hidden, n_batch, s.n_cell, s.asymmetric);
    seq_hybrid::MatmulAccumulate(projection, projection_scale, s.n_output, s.n_cell, q, n_batch,
                                 s.row_sums.projection.data(), s.asymmetric, output_state);
  }
};

FloatTensors FloatInputs(const KernelContext& ctx, const LstmState& s) {
  FloatTensors t;
  auto data = [&](size_t i) -> const float* {
    const RuntimeTensor* r = ctx.optional_input(i);
    return r != nullptr && r->dtype == DType::FLOAT32 ? r->As<float>() : nullptr;
  };
  for (int g = 0; g < 4; ++g) {
    t.input_weights[g] = data(kInputWeightsOf[g]);
    t.recurrent_weights[g] = data(kRecurrentWeightsOf[g]);
    t.peephole[g] = kPeepholeOf[g] != 0 ? data(kPeepholeOf[g]) : nullptr;
    t.bias[g] = data(kBiasOf[g]);
    t.layer_norm[g] = s.use_layer_norm ? data(kLayerNormOf[g]) : nullptr;
  }
  t.projection = data(kProjectionWeights);
  t.projection_bias = data(kProjectionBias);
  return t;
}

template <typename Matmuls>
void RunFloatStates(KernelContext& ctx, const LstmState& s, const FloatTensors& t, const Matmuls& m) {
  const float* input = ctx.input(kInput).As<float>();
  float* output_state = ctx.input(kOutputState).As<float>();
  float* cell_state = ctx.input(kCellState).As<float>();
  float* output = ctx.output(0).As<float>();
  std::vector<float> scratch;
  const int n_input = s.n_input, n_output = s.n_output, n_cell = s.n_cell;
  if (s.time_major) {
    for (int step = 0; step < s.max_time; ++step)
      FloatStateStep(s, t, m, input + int64_t{step} * s.n_batch * n_input, s.n_batch, output_state, cell_state,
                     output + int64_t{step} * s.n_batch * n_output, &scratch);
  } else {
    for (int b = 0; b < s.n_batch; ++b)
      for (int step = 0; step < s.max_time; ++step) {
        const int64_t row = int64_t{b} * s.max_time + step;
        FloatStateStep(s, t, m, input + row * n_input, 1, output_state + b * n_output, cell_state + b * n_cell,
                       output + row * n_output, &scratch);
      }
  }
}

struct FloatMatmulsWithPrepare : FloatMatmuls {
  void Prepare(const float*, bool, const float*, int) const {}
};

void EvalFloat(KernelContext& ctx, const LstmState& s) {
  const FloatTensors t = FloatInputs(ctx, s);
  RunFloatStates(ctx, s, t, FloatMatmulsWithPrepare{{s, t}});
}

void EvalHybrid(KernelContext& ctx, LstmState& s) {
  auto weights = [&](size_t i) -> const int8_t* {
    const RuntimeTensor* r = ctx.optional_input(i);
    return r != nullptr ? r->As<int8_t>() : nullptr;
  };
  auto scale = [&](size_t i) {
    const RuntimeTensor* r = ctx.optional_input(i);
    return r != nullptr ? r->scale() : 1.0f;
  };
  if (!s.row_sums.ready) {
    // Weight row sums for the asymmetric input offsets, computed once.
    for (int g = 0; g < 4; ++g) {
      if (const int8_t* w = weights(kInputWeightsOf[g])) s.row_sums.input[g] = seq_hybrid::RowSums(w, s.n_cell, s.n_input);
      if (const int8_t* w = weights(kRecurrentWeightsOf[g]))
        s.row_sums.recurrent[g] = seq_hybrid::RowSums(w, s.n_cell, s.n_output);
    }
    if (const int8_t* w = weights(kProjectionWeights)) s.row_sums.projection = seq_hybrid::RowSums(w, s.n_output, s.n_cell);
    s.row_sums.ready = true;
  }
  const FloatTensors t = FloatInputs(ctx, s);
  HybridMatmuls m(s);
  for (int g = 0; g < 4; ++g) {
    m.input_weights[g] = weights(kInputWeightsOf[g]);
    m.recurrent_weights[g] = weights(kRecurrentWeightsOf[g]);
    m.input_scale[g] = scale(kInputWeightsOf[g]);
    m.recurrent_scale[g] = scale(kRecurrentWeightsOf[g]);
    m.bias[g] = t.bias[g];
    if (kPeepholeOf[g] != 0 && ctx.optional_input(kPeepholeOf[g]) != nullptr) {
      const RuntimeTensor& p = *ctx.optional_input(kPeepholeOf[g]);
      for (int i = 0; i < s.n_cell; ++i) m.peephole[g].push_back(p.scale() * p.As<int8_t>()[i]);
    }
  }
  m.projection = weights(kProjectionWeights);
  m.projection_scale = scale(kProjectionWeights);
  m.projection_bias = t.projection_bias;
  RunFloatStates(ctx, s, t, m);
}

// -------------------------------------------------------------- integer ----

int16_t ClampInt16(int32_t v) { return static_cast<int16_t>(std::min(32767, std::max(-32768, v))); }

// gate[b, r] = sat16(gate + rescale(bias[r] + W[r, :] . x[b, :])), TFLite's
// integer MatrixBatchVectorMultiplyAccumulate.
void AccumulateMatmul(const int8_t* x, const int32_t* bias, const int8_t* weights, Multiplier m, int n_batch, int n_in,
                      int n_out, int16_t* gate) {
  for (int b = 0; b < n_batch; ++b)
    for (int r = 0; r < n_out; ++r) {
      int32_t acc = bias[r];
      const int8_t* w = weights + r * n_in;
      const int8_t* v = x + b * n_in;
      for (int c = 0; c < n_in; ++c) acc += int32_t{v[c]} * w[c];
      acc = qmath::MultiplyByQuantizedMultiplier(acc, m.multiplier, m.shift);
      gate[b * n_out + r] = ClampInt16(acc + gate[b * n_out + r]);
    }
}

// The reference's integer layer normalisation (ApplyLayerNorm).
void IntegerLayerNorm(int16_t* gate, const int16_t* weights, const int32_t* bias, Multiplier scale,
                      int32_t variance_guard, int n_batch, int n_cell) {
  constexpr int kTwoToPower20 = 1 << 20;
  for (int b = 0; b < n_batch; ++b) {
    int16_t* row = gate + b * n_cell;
    int64_t sum = 0, sum_sq = 0;
    for (int j = 0; j < n_cell; ++j) {
      const int32_t v = row[j];
      sum += v;
      sum_sq += v * v;
    }
    const int32_t mean = static_cast<int32_t>(sum * 1024 / n_cell);
    const int32_t temp = kTwoToPower20 / n_cell;
    const int64_t variance = sum_sq * temp - int64_t{mean} * mean;
    int32_t variance2 = static_cast<int32_t>(variance / kTwoToPower20);
    if (variance2 < 1) variance2 = variance_guard;
    int32_t inv_stddev;
    int inv_stddev_shift;
    seq_fixed::InvSqrtQuantizedMultiplierExp(variance2, -1, &inv_stddev, &inv_stddev_shift);
    for (int j = 0; j < n_cell; ++j) {
      const int32_t shifted = 1024 * row[j] - mean;
      const int32_t rescaled = qmath::MultiplyByQuantizedMultiplier(shifted, inv_stddev, inv_stddev_shift);
      // int32 arithmetic (wrapping) before the widening, as in the reference.
      const int64_t val3 = static_cast<int32_t>(static_cast<uint32_t>(rescaled) * static_cast<uint32_t>(int32_t{weights[j]}) +
                                                static_cast<uint32_t>(bias[j]));
      const int32_t val4 = static_cast<int32_t>((val3 > 0 ? val3 + 512 : val3 - 512) / 1024);
      const int32_t val5 = qmath::MultiplyByQuantizedMultiplier(val4, scale.multiplier, scale.shift + 12);
      row[j] = ClampInt16(val5);
    }
  }
}

struct IntegerTensors {
  const int8_t* input_weights[4] = {};
  const int8_t* recurrent_weights[4] = {};
  const int16_t* peephole[4] = {};
  const int32_t* bias[4] = {};
  const int16_t* layer_norm[4] = {};
  const int8_t* projection = nullptr;
};

void IntegerGateValues(const LstmState& s, const IntegerTensors& t, int g, const int8_t* x, const int8_t* h,
                       const int16_t* c, int n_batch, int16_t* gate) {
  const IntegerGate& p = s.gates[g];
  std::fill(gate, gate + n_batch * s.n_cell, int16_t{0});
  AccumulateMatmul(x, p.input_bias.data(), t.input_weights[g], p.input_scale, n_batch, s.n_input, s.n_cell, gate);
  AccumulateMatmul(h, p.recurrent_bias.data(), t.recurrent_weights[g], p.recurrent_scale, n_batch, s.n_output, s.n_cell,
                   gate);
  if (t.peephole[g] != nullptr) {
    // TFLite walks the peephole vector and the cell state with the output
    // size as the vector length (equal to the cell count without
    // projection); reproduced as is.
    const int v_size = s.n_output;
    const int16_t* cell = c;
    int16_t* result = gate;
    for (int b = 0; b < n_batch; ++b)
      for (int v = 0; v < v_size; ++v) {
        int32_t prod = int32_t{t.peephole[g][v]} * *cell++;
        prod = qmath::MultiplyByQuantizedMultiplier(prod, p.peephole_scale.multiplier, p.peephole_scale.shift);
        *result = ClampInt16(prod + *result);
        ++result;
      }
  }
  if (s.use_layer_norm)
    IntegerLayerNorm(gate, t.layer_norm[g], t.bias[g], p.layer_norm_scale, p.variance_guard, n_batch, s.n_cell);
  const int n = n_batch * s.n_cell;
  if (g == kCellGate) {
    for (int i = 0; i < n; ++i) gate[i] = seq_fixed::Tanh(gate[i], 3);
  } else {
    for (int i = 0; i < n; ++i) gate[i] = seq_fixed::Logistic(gate[i], 3);
  }
}

void IntegerStep(const LstmState& s, const IntegerTensors& t, const int8_t* x, int n_batch, int8_t* output_state,
                 int16_t* cell_state, int8_t* output, std::vector<int16_t>* scratch) {
  const int n_cell = s.n_cell, n_output = s.n_output, n = n_batch * n_cell;
  scratch->resize(static_cast<size_t>(5 * n));
  int16_t* input_gate = scratch->data();
  int16_t* forget_gate = input_gate + n;
  int16_t* cell_gate = forget_gate + n;
  int16_t* output_gate = cell_gate + n;
  int16_t* hidden16 = output_gate + n;

  if (!s.use_cifg) IntegerGateValues(s, t, kInputGate, x, output_state, cell_state, n_batch, input_gate);
  IntegerGateValues(s, t, kForgetGate, x, output_state, cell_state, n_batch, forget_gate);
  IntegerGateValues(s, t, kCellGate, x, output_state, cell_state, n_batch, cell_gate);

  // c = f * c + i * g, with i = 1 - f for CIFG.
  for (int i = 0; i < n; ++i) {
    const int16_t kept = static_cast<int16_t>(qmath::RoundingDivideByPOT(int32_t{forget_gate[i]} * cell_state[i], 15));
    const int16_t input_weight = s.use_cifg ? static_cast<int16_t>(32767 - forget_gate[i]) : input_gate[i];
    const int16_t added = static_cast<int16_t>(
        qmath::RoundingDivideByPOT(int32_t{input_weight} * cell_gate[i], 30 + s.cell_scale_log2));
    int16_t c = ClampInt16(int32_t{kept} + added);
    if (s.quantized_cell_clip > 0) c = std::min<int16_t>(std::max<int16_t>(c, -s.quantized_cell_clip), s.quantized_cell_clip);
    cell_state[i] = c;
  }

  IntegerGateValues(s, t, kOutputGate, x, output_state, cell_state, n_batch, output_gate);

  // hidden = o * tanh(c).
  for (int i = 0; i < n; ++i) hidden16[i] = seq_fixed::Tanh(cell_state[i], 15 + s.cell_scale_log2);
  // Requantized to the hidden intermediate's scale and stored as
  // value - zero point. With projection, the projection's precomputed bias
  // adds zero point * row sums back. Without projection this value is the
  // output as is: the TFLite runtime we compare against subtracts the zero
  // point there too (exact only for a zero point of 0, which converters
  // normally produce), and we reproduce it.
  auto hidden_value = [&](int i) {
    int32_t v = int32_t{output_gate[i]} * hidden16[i];
    v = qmath::MultiplyByQuantizedMultiplier(v, s.hidden_scale.multiplier, s.hidden_scale.shift);
    v -= s.hidden_zero_point;
    return static_cast<int8_t>(std::min(127, std::max(-128, v)));
  };
  if (s.use_projection) {
    std::vector<int8_t> hidden(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) hidden[static_cast<size_t>(i)] = hidden_value(i);
    for (int b = 0; b < n_batch; ++b)
      for (int r = 0; r < n_output; ++r) {
        int32_t acc = s.projection_bias[static_cast<size_t>(r)];
        const int8_t* w = t.projection + r * n_cell;
        for (int c = 0; c < n_cell; ++c) acc += int32_t{hidden[static_cast<size_t>(b * n_cell + c)]} * w[c];
        acc = qmath::MultiplyByQuantizedMultiplier(acc, s.projection_scale.multiplier, s.projection_scale.shift);
        acc += s.output_state_zero_point;
        int32_t v = std::min(127, std::max(-128, acc));
        if (s.quantized_proj_clip > 0) v = std::min<int32_t>(std::max<int32_t>(v, -s.quantized_proj_clip), s.quantized_proj_clip);
        output_state[b * n_output + r] = static_cast<int8_t>(v);
      }
  } else {
    for (int i = 0; i < n; ++i) output_state[i] = hidden_value(i);
  }
  std::copy(output_state, output_state + n_batch * n_output, output);
}

void EvalInteger(KernelContext& ctx, LstmState& s) {
  if (!s.biases_ready) PrepareIntegerBiases(ctx, s);
  IntegerTensors t;
  for (int g = 0; g < 4; ++g) {
    auto* w = ctx.optional_input(kInputWeightsOf[g]);
    auto* r = ctx.optional_input(kRecurrentWeightsOf[g]);
    auto* p = kPeepholeOf[g] != 0 ? ctx.optional_input(kPeepholeOf[g]) : nullptr;
    auto* b = ctx.optional_input(kBiasOf[g]);
    auto* ln = s.use_layer_norm ? ctx.optional_input(kLayerNormOf[g]) : nullptr;
    t.input_weights[g] = w ? w->As<int8_t>() : nullptr;
    t.recurrent_weights[g] = r ? r->As<int8_t>() : nullptr;
    t.peephole[g] = p ? p->As<int16_t>() : nullptr;
    t.bias[g] = b ? b->As<int32_t>() : nullptr;
    t.layer_norm[g] = ln ? ln->As<int16_t>() : nullptr;
  }
  if (auto* p = ctx.optional_input(kProjectionWeights)) t.projection = p->As<int8_t>();
  const int8_t* input = ctx.input(kInput).As<int8_t>();
  int8_t* output_state = ctx.input(kOutputState).As<int8_t>();
  int16_t* cell_state = ctx.input(kCellState).As<int16_t>();
  int8_t* output = ctx.output(0).As<int8_t>();
  std::vector<int16_t> scratch;
  const int n_input = s.n_input, n_output = s.n_output, n_cell = s.n_cell;
  if (s.time_major) {
    for (int step = 0; step < s.max_time; ++step)
      IntegerStep(s, t, input + int64_t{step} * s.n_batch * n_input, s.n_batch, output_state, cell_state,
                  output + int64_t{step} * s.n_batch * n_output, &scratch);
  } else {
    for (int b = 0; b < s.n_batch; ++b)
      for (int step = 0; step < s.max_time; ++step) {
        const int64_t row = int64_t{b} * s.max_time + step;
        IntegerStep(s, t, input + row * n_input, 1, output_state + b * n_output, cell_state + b * n_cell,
                    output + row * n_output, &scratch);
      }
  }
}

void Eval(KernelContext& ctx) {
  auto& s = ctx.state_as<LstmState>();
  if (s.integer) {
    EvalInteger(ctx, s);
  } else if (s.hybrid) {
    EvalHybrid(ctx, s);
  } else {
    EvalFloat(ctx, s);
  }
}

}  // namespace

TFD_REGISTER_KERNEL(UNIDIRECTIONAL_SEQUENCE_LSTM, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(UNIDIRECTIONAL_SEQUENCE_LSTM, DType::INT8, Prepare, Eval);

}  // namespace tfd
