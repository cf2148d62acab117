#pragma once
// The contract between the interpreter and an operator's kernel.
//
// A kernel has two steps, as in TFLite: Prepare (once per shape change:
// check dtypes, compute output shapes, precompute fixed-point parameters into
// its own state) and Eval (every run). Kernels are registered per
// (operator, input dtype) in the KernelRegistry, one operator per source file.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "interpreter/runtime_tensor.h"
#include "util/error.h"

namespace tfd {

class Interpreter;

// Per-node data a kernel computes in Prepare and uses in Eval.
struct KernelState {
  virtual ~KernelState() = default;
};

class KernelContext {
 public:
  const Model* model = nullptr;
  const Operator* op = nullptr;
  const OpCode* opcode = nullptr;
  int subgraph_index = 0;
  int node_index = 0;
  std::vector<RuntimeTensor*> inputs;   // nullptr where an optional input is omitted
  std::vector<RuntimeTensor*> outputs;
  std::vector<RuntimeTensor*> intermediates;
  std::unique_ptr<KernelState> state;
  Interpreter* interpreter = nullptr;
  bool preparing = false;

  size_t num_inputs() const { return inputs.size(); }
  size_t num_outputs() const { return outputs.size(); }
  RuntimeTensor& input(size_t i) const;
  RuntimeTensor* optional_input(size_t i) const { return i < inputs.size() ? inputs[i] : nullptr; }
  RuntimeTensor& output(size_t i) const;

  // Whether a tensor's values can be read now. In the planning Prepare only
  // constants have values; a kernel whose output shape depends on the values
  // of a non-constant input leaves that output unsized there, and is prepared
  // again while running, when values_known() holds for every input.
  bool values_known(const RuntimeTensor& t) const { return !preparing || t.is_constant(); }

  // Sets an output's shape. In Prepare this feeds the memory plan; in Eval a
  // different shape turns the tensor dynamic (its own storage) for this run.
  void ResizeOutput(size_t i, std::vector<int32_t> shape);

  // Typed builtin options; nullptr when the node carries none of that type.
  template <typename T>
  const T* options() const {
    return op->options.type == tflite::BuiltinOptionsUnionTraits<T>::enum_value
               ? static_cast<const T*>(op->options.value)
               : nullptr;
  }
  // The options, or the schema's defaults when the node has none.
  template <typename T>
  T options_or_default() const {
    const T* o = options<T>();
    return o ? *o : T();
  }
  template <typename S>
  S& state_as() const { return *static_cast<S*>(state.get()); }

  // "node 12 (CONV_2D -> 'conv1/Relu')": how errors name a node.
  std::string Describe() const;

  template <typename... Args>
  [[noreturn]] void Fail(fmt::format_string<Args...> format, Args&&... args) const {
    throw Error(Describe() + ": " + fmt::format(format, std::forward<Args>(args)...));
  }
  void Check(bool condition, const char* what) const {
    if (!condition) Fail("{}", what);
  }
  // Requires inputs.size() within [min_in, max_in] and outputs.size() == n_out.
  void CheckArity(size_t min_in, size_t max_in, size_t n_out) const;
};

struct KernelImpl {
  void (*prepare)(KernelContext& ctx) = nullptr;
  void (*eval)(KernelContext& ctx) = nullptr;
};

}  // namespace tfd
