#include "analysis/compare/bias_scale.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "graph/dtype.h"

namespace tfd {
namespace {

struct BiasOperands {
  int input = -1, weights = -1, bias = -1;
};

std::optional<BiasOperands> OperandsOf(const Model& m, const Operator& op) {
  BiasOperands o;
  auto at = [&](size_t i) { return i < op.inputs.size() ? op.inputs[i] : -1; };
  switch (m.op_code(op).builtin) {
    case BuiltinOp::CONV_2D:
    case BuiltinOp::DEPTHWISE_CONV_2D:
    case BuiltinOp::FULLY_CONNECTED: o = {at(0), at(1), at(2)}; break;
    case BuiltinOp::TRANSPOSE_CONV: o = {at(2), at(1), at(3)}; break;
    default: return std::nullopt;
  }
  if (o.input < 0 || o.weights < 0 || o.bias < 0) return std::nullopt;
  return o;
}

const Quantization* AffineOf(const Tensor& t) {
  return t.quantization && t.quantization->IsAffine() ? &*t.quantization : nullptr;
}

// The scale each bias element is read at, or empty when the operands are
// not quantized so that the kernel reads the bias at input x weight scale.
std::vector<double> ReadScales(const Model& m, const BiasOperands& o) {
  const Subgraph& g = m.main();
  const Tensor& in = g.tensors[static_cast<size_t>(o.input)];
  const Tensor& w = g.tensors[static_cast<size_t>(o.weights)];
  const Tensor& b = g.tensors[static_cast<size_t>(o.bias)];
  const Quantization *qi = AffineOf(in), *qw = AffineOf(w), *qb = AffineOf(b);
  if (!qi || !qw || !qb || qi->IsPerChannel() || (b.dtype != DType::INT32 && b.dtype != DType::INT64) ||
      m.ConstantData(b) == nullptr)
    return {};
  const size_t n = static_cast<size_t>(ElementCount(b.shape).value_or(0));
  if (n == 0 || (qw->scale.size() != 1 && qw->scale.size() != n) || (qb->scale.size() != 1 && qb->scale.size() != n))
    return {};
  std::vector<double> read(n);
  for (size_t c = 0; c < n; ++c)
    read[c] = static_cast<double>(qi->scale[0]) * qw->scale[qw->scale.size() == 1 ? 0 : c];
  return read;
}

double StoredScale(const Quantization& q, size_t c) { return q.scale[q.scale.size() == 1 ? 0 : c]; }

// Scales agree up to the float rounding of their product (TFLite allows a
// relative 1e-6; converters compute the product in float).
bool Mismatched(double stored, double read) {
  return !(std::abs(stored - read) <= 1e-4 * std::max(std::abs(stored), std::abs(read)));
}

}  // namespace

std::optional<BiasScaleMismatch> FindBiasScaleMismatch(const Model& m, int node) {
  const Subgraph& g = m.main();
  if (node < 0 || static_cast<size_t>(node) >= g.operators.size()) return std::nullopt;
  auto o = OperandsOf(m, g.operators[static_cast<size_t>(node)]);
  if (!o) return std::nullopt;
  std::vector<double> read = ReadScales(m, *o);
  const Tensor& b = g.tensors[static_cast<size_t>(o->bias)];
  for (size_t c = 0; c < read.size(); ++c) {
    const double stored = StoredScale(*b.quantization, c);
    if (!Mismatched(stored, read[c]) || !(stored > 0)) continue;
    BiasScaleMismatch mm;
    mm.bias = b.name;
    mm.input = g.tensors[static_cast<size_t>(o->input)].name;
    mm.stored = stored;
    mm.read = read[c];
    mm.factor = read[c] / stored;
    return mm;
  }
  return std::nullopt;
}

void StoreBiasForItsInput(Model& m, int node) {
  if (!FindBiasScaleMismatch(m, node)) return;
  Subgraph& g = m.subgraphs[0];
  const BiasOperands o = *OperandsOf(m, g.operators[static_cast<size_t>(node)]);
  const std::vector<double> read = ReadScales(m, o);
  Tensor& b = g.tensors[static_cast<size_t>(o.bias)];
  const std::vector<uint8_t> data = *m.ConstantData(b);
  const size_t width = b.dtype == DType::INT32 ? 4 : 8;
  if (data.size() != read.size() * width) return;  // not one value per element: left as it is
  std::vector<uint8_t> out(data.size());
  auto requantize = [&](auto dummy) {
    using T = decltype(dummy);
    for (size_t c = 0; c < read.size(); ++c) {
      T v;
      std::memcpy(&v, data.data() + c * sizeof(T), sizeof(T));
      const double real = static_cast<double>(v) * StoredScale(*b.quantization, c);
      const double q = std::round(real / read[c]);
      const double lo = static_cast<double>(std::numeric_limits<T>::min());
      const double hi = static_cast<double>(std::numeric_limits<T>::max());
      const T stored = static_cast<T>(std::min(hi, std::max(lo, q)));
      std::memcpy(out.data() + c * sizeof(T), &stored, sizeof(T));
    }
  };
  if (b.dtype == DType::INT32) requantize(int32_t{});
  else requantize(int64_t{});
  m.buffers.push_back({out});
  b.buffer = static_cast<uint32_t>(m.buffers.size() - 1);
  const bool per_channel_weights = g.tensors[static_cast<size_t>(o.weights)].quantization->IsPerChannel();
  if (per_channel_weights) {
    b.quantization->scale.assign(read.begin(), read.end());
    b.quantization->zero_point.assign(read.size(), 0);
    b.quantization->axis = 0;
  } else {
    b.quantization->scale = {static_cast<float>(read[0])};
    b.quantization->zero_point = {0};
  }
}

}  // namespace tfd
