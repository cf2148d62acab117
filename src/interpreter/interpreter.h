#pragma once
// Runs a model's subgraphs with the registered kernels.
//
//   Interpreter interp(model);          // resolves a kernel for every node
//   interp.AllocateTensors();           // prepares nodes, plans the arena
//   fill interp.input(i)...; interp.Invoke(); read interp.output(i)
//
// Memory: constant tensors point into the model's buffers; every other tensor
// whose size is known after Prepare gets a slice of one arena, planned so that
// tensors whose lifetimes (producer .. last consumer) do not overlap share
// bytes. Tensors whose shape is only known while running own their storage.
#include <functional>
#include <memory>
#include <vector>

#include "interpreter/kernel.h"
#include "interpreter/kernel_registry.h"
#include "interpreter/runtime_tensor.h"

namespace tfd {

struct InterpreterOptions {
  bool reference_kernels_only = false;
  // Which runtime's arithmetic to reproduce (see kernel_registry.h).
  Arithmetic arithmetic = Arithmetic::kReference;
  // Give every tensor its own memory instead of reusing it once the tensor is
  // dead, so that all values of a run stay readable and part of the graph
  // can run again (InvokeFrom). Costs the sum of all tensor sizes.
  bool keep_all_tensors = false;
  // Nodes whose inputs are all constant (the model's data, or such nodes'
  // outputs: float16 or 8-bit weights' DEQUANTIZE, DENSIFY of sparse
  // weights...) run once, at Prepare, as TFLite does for a constant's
  // DEQUANTIZE; Invoke then skips them (the observer still sees their
  // outputs) and later nodes see constants (e.g. packed weights). The same
  // kernels compute the same values. Off with keep_all_tensors: a caller
  // that overwrites a tensor and runs the rest (InvokeFrom) must have every
  // consumer read it again.
  bool fold_constants = true;
};

// Called after each node with each tensor it produced (and once per subgraph
// input with node_index -1 at the start of a run). Arena memory is reused,
// so an observer that keeps values must copy them during the call.
using TensorObserver =
    std::function<void(int subgraph_index, int node_index, int tensor_index, const RuntimeTensor& tensor)>;

class Interpreter {
 public:
  explicit Interpreter(const Model& model, InterpreterOptions options = {});
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  const Model& model() const { return model_; }

  size_t num_inputs() const;
  size_t num_outputs() const;
  RuntimeTensor& input(size_t i);
  const RuntimeTensor& output(size_t i) const;
  int input_tensor_index(size_t i) const;
  int output_tensor_index(size_t i) const;

  // Changes an input's shape (e.g. a dynamic batch); takes effect at the next
  // AllocateTensors (Invoke calls it when needed).
  void ResizeInput(size_t i, std::vector<int32_t> shape);

  // Prepares every node of the main subgraph and plans memory.
  void AllocateTensors();

  // Copies `bytes` into input i after checking dtype and shape; an input
  // whose signature has dynamic (-1) dims is resized to `shape` first.
  void SetInput(size_t i, DType dtype, const std::vector<int32_t>& shape, const void* data, size_t bytes);

  void Invoke();

  // Runs the main subgraph's nodes from `first_node` on, reading what earlier
  // nodes left from the last Invoke (and any tensor the caller overwrote
  // since). Needs keep_all_tensors.
  void InvokeFrom(size_t first_node);

  void SetObserver(TensorObserver observer) { observer_ = std::move(observer); }

  // Variables (e.g. LSTM state) back to their initial values.
  void ResetVariables();

  RuntimeTensor& tensor(int subgraph_index, int tensor_index);
  size_t arena_bytes() const;
  // Name of the kernel implementation chosen for a node ("reference"...).
  const std::string& kernel_name(int node_index) const;
  // Whether a node of the main subgraph was run at Prepare, its inputs all
  // constant (see InterpreterOptions::fold_constants).
  bool node_folded(int node_index) const;

  // For control-flow kernels: prepare (if needed) and run another subgraph
  // whose inputs the caller has filled.
  void InvokeSubgraph(int subgraph_index);

 private:
  struct SubgraphRuntime;
  void Prepare(SubgraphRuntime& sg);
  void Run(SubgraphRuntime& sg, size_t first_node = 0);

  const Model& model_;
  InterpreterOptions options_;
  std::vector<std::unique_ptr<SubgraphRuntime>> subgraphs_;
  TensorObserver observer_;
};

}  // namespace tfd
