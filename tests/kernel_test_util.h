#pragma once
// Building one-operator models, running them through our interpreter and
// through the real TFLite runtime (the oracle), and comparing the results.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "graph/model.h"
#include "interpreter/kernel_registry.h"
#include "util/error.h"

namespace tfd::testing {

struct TensorSpec {
  DType dtype = DType::FLOAT32;
  std::vector<int32_t> shape;
  // Per-tensor quantization when scale > 0.
  float scale = 0.0f;
  int64_t zero_point = 0;
  // Per-channel quantization when non-empty (then `scale` is ignored).
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int32_t axis = 0;
  std::string name;
  std::optional<std::vector<int32_t>> shape_signature;
};

// A dense array with its dtype and shape (an input or an output).
struct Array {
  DType dtype = DType::FLOAT32;
  std::vector<int32_t> shape;
  std::vector<uint8_t> bytes;

  template <typename T>
  static Array Of(DType dtype, std::vector<int32_t> shape, const std::vector<T>& values) {
    Array a{dtype, std::move(shape), std::vector<uint8_t>(values.size() * sizeof(T))};
    if (!values.empty()) std::memcpy(a.bytes.data(), values.data(), a.bytes.size());
    return a;
  }
  template <typename T>
  std::vector<T> values() const {
    std::vector<T> v(bytes.size() / sizeof(T));
    if (!v.empty()) std::memcpy(v.data(), bytes.data(), v.size() * sizeof(T));
    return v;
  }
  int64_t count() const;
};

// Builds a model with a single operator whose graph inputs are the
// non-constant inputs, in the order they were added.
class OpModel {
 public:
  explicit OpModel(BuiltinOp op, int version = 1);
  explicit OpModel(const std::string& custom_code, int version = 1);

  int Input(const TensorSpec& spec);
  template <typename T>
  int Const(const TensorSpec& spec, const std::vector<T>& values) {
    std::vector<uint8_t> bytes(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    return ConstBytes(spec, std::move(bytes));
  }
  int ConstBytes(const TensorSpec& spec, std::vector<uint8_t> bytes);
  int Omitted();
  int Output(const TensorSpec& spec);
  int Intermediate(const TensorSpec& spec);

  template <typename T>
  void Options(T options) {
    op_.options.Set(std::move(options));
  }
  void CustomOptions(std::vector<uint8_t> bytes) { op_.custom_options = std::move(bytes); }

  Model Build() const;

 private:
  int AddTensor(const TensorSpec& spec, uint32_t buffer);
  Model model_;
  Operator op_;
  std::vector<int32_t> graph_inputs_, graph_outputs_;
};

// Runs the model's main subgraph with our interpreter.
std::vector<Array> RunOurs(const Model& model, const std::vector<Array>& inputs, bool reference_only = true);
// The same under an arithmetic profile (kXnnpack: what the oracle computes).
std::vector<Array> RunOurs(const Model& model, const std::vector<Array>& inputs, Arithmetic arithmetic);

// Seeded random values for each graph input (see data/random_fill.h).
std::vector<Array> RandomInputs(const Model& model, uint64_t seed);

// The real TFLite runtime, many cases in one Node process.
class OracleBatch {
 public:
  // Whether Node and the oracle's npm packages are installed; if not, `why`.
  static bool Available(std::string* why);

  int Add(const Model& model, const std::vector<Array>& inputs);
  // A model file's bytes exactly as given (not rewritten by our writer).
  int AddBytes(std::vector<uint8_t> model_bytes, const std::vector<Array>& inputs);
  void Run();  // throws on harness failure (not on a model the oracle refuses)
  bool ok(int id) const { return results_.at(static_cast<size_t>(id)).ok; }
  const std::string& error(int id) const { return results_.at(static_cast<size_t>(id)).error; }
  const std::vector<Array>& outputs(int id) const { return results_.at(static_cast<size_t>(id)).outputs; }
  // Indices of the main subgraph's nodes the runtime's XNNPACK delegate took
  // (oracle.js --delegation), for a case that ran; nullptr when the runtime's
  // profile could not tell (delegation_error says why).
  const std::vector<int>* delegated(int id) const {
    const Result& r = results_.at(static_cast<size_t>(id));
    return r.delegation_error.empty() ? &r.delegated : nullptr;
  }
  const std::string& delegation_error(int id) const { return results_.at(static_cast<size_t>(id)).delegation_error; }

 private:
  struct Case {
    std::vector<uint8_t> model;
    std::vector<Array> inputs;
  };
  struct Result {
    bool ok = false;
    std::string error;
    std::vector<Array> outputs;
    std::vector<int> delegated;
    std::string delegation_error;
  };
  std::vector<Case> cases_;
  std::vector<Result> results_;
};

#define TFD_REQUIRE_ORACLE()                                                     \
  do {                                                                           \
    std::string why;                                                             \
    if (!::tfd::testing::OracleBatch::Available(&why)) GTEST_SKIP() << why;      \
  } while (0)

// Consecutive runs of one interpreter: a stateful model (LSTM, SVDF...)
// carries its variable tensors from one run to the next, as TFLite does.
std::vector<std::vector<Array>> RunOursInSequence(const Model& model, const std::vector<std::vector<Array>>& runs,
                                                  Arithmetic arithmetic);
// The real runtime's outputs for the same: one interpreter, one Infer() per
// run (oracle --batch --keep-state). Throws if the runtime fails.
std::vector<std::vector<Array>> OracleInSequence(const std::vector<uint8_t>& model_bytes,
                                                 const std::vector<std::vector<Array>>& runs);

// Same dtype, shape and bytes.
::testing::AssertionResult Identical(const Array& ours, const Array& oracle);
// Integer outputs differing by at most `steps` quantization steps.
::testing::AssertionResult WithinSteps(const Array& ours, const Array& oracle, int steps);
// Float outputs: |ours - oracle| <= tolerance * max(1e-6, max |oracle|).
::testing::AssertionResult FloatClose(const Array& ours, const Array& oracle, double tolerance);

// Bytes equal, except that two NaNs are equal whatever their sign and
// payload: IEEE 754 leaves those open, and x86 returns the first operand's
// NaN when both are NaN, an order the compiler may pick for a commutative
// add (an input NaN meeting inf - inf's default NaN); a build with other
// optimization flags (the sanitizer build) can pick the other order.
inline bool SameOutputs(const std::vector<uint8_t>& got, const std::vector<uint8_t>& want, DType dtype) {
  if (dtype != DType::FLOAT32 || got.size() != want.size()) return got == want;
  for (size_t i = 0; i + 4 <= got.size(); i += 4) {
    float a, b;
    std::memcpy(&a, &got[i], 4);
    std::memcpy(&b, &want[i], 4);
    if (std::isnan(a) && std::isnan(b)) continue;
    if (std::memcmp(&got[i], &want[i], 4) != 0) return false;
  }
  return true;
}

}  // namespace tfd::testing
