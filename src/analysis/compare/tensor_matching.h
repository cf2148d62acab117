#pragma once
// Pairs the activation tensors of two graphs of the same network (a float
// reference and a deployed, usually quantized, model).
//
// Converters rename, fuse and wrap tensors in QUANTIZE/DEQUANTIZE, so a pair
// is found, in order of trust: (1) the same name (ignoring the "_int8"-style
// suffixes converters add), (2) the same position in the two sequences of
// computing nodes, aligned by operator type, and (3) graph inputs and outputs
// by position. QUANTIZE, DEQUANTIZE and CAST nodes carry a value from one
// type to another without computing anything, so their outputs stand for
// their inputs.
#include <string>
#include <vector>

#include "graph/model.h"

namespace tfd {

struct TensorPair {
  int reference = -1;  // tensor index in the reference's main subgraph
  int deployed = -1;   // tensor index in the deployed model's main subgraph
  int deployed_node = -1;  // node producing the deployed tensor (-1: graph input)
  std::string matched_by;  // "name", "topology", "input", "output"
};

struct TensorMatching {
  std::vector<TensorPair> pairs;         // in the deployed model's execution order
  std::vector<int> unmatched_reference;  // activation tensors with no partner
  std::vector<int> unmatched_deployed;
};

TensorMatching MatchTensors(const Model& reference, const Model& deployed);

// True for nodes that only change a value's representation (QUANTIZE,
// DEQUANTIZE, CAST).
bool IsRepresentationChange(const Model& model, const Operator& op);

// The tensor a value really comes from, looking through representation
// changes (e.g. the float input behind a QUANTIZE).
int SourceTensor(const Model& model, int tensor);

}  // namespace tfd
