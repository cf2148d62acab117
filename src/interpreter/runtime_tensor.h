#pragma once
// A tensor as the interpreter sees it while running: resolved shape, where its
// bytes are, and the model tensor it came from (name, quantization).
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "graph/dtype.h"
#include "graph/model.h"

namespace tfd {

enum class TensorStorage : uint8_t {
  kUnallocated,
  kConstant,    // points into the model's buffer; never written
  kArena,       // planned into the shared arena; lives from producer to last consumer
  kDynamic,     // shape known only while running; owns its bytes
  kPersistent,  // variables (e.g. LSTM state): own bytes, survive across runs
  kFolded,      // output of a node whose inputs are all constant, computed once
                // at Prepare (e.g. float16 weights' DEQUANTIZE); owns its bytes
};

class RuntimeTensor {
 public:
  const Tensor* meta = nullptr;  // the model's description of this tensor
  DType dtype = DType::FLOAT32;
  std::vector<int32_t> shape;
  TensorStorage storage = TensorStorage::kUnallocated;
  uint8_t* data = nullptr;
  size_t bytes = 0;
  std::vector<uint8_t> owned;  // backing store for kDynamic / kPersistent

  const std::string& name() const {
    static const std::string kEmpty;
    return meta ? meta->name : kEmpty;
  }
  // Saturates at INT64_MAX: a computed shape may claim more elements than
  // int64 holds, and the memory check must see a huge number, not a wrapped one.
  int64_t NumElements() const {
    int64_t n = 1;
    for (int32_t d : shape) {
      if (d == 0) return 0;
      int64_t magnitude = d < 0 ? -static_cast<int64_t>(d) : d;  // -1 marks a dim not known yet
      if ((n < 0 ? -n : n) > INT64_MAX / magnitude) return INT64_MAX;
      n *= d;
    }
    return n;
  }
  int rank() const { return static_cast<int>(shape.size()); }
  int32_t dim(int i) const { return shape[static_cast<size_t>(i < 0 ? i + rank() : i)]; }
  // Constant: the model's data, or a value computed from constants only at
  // Prepare; either way the same on every run.
  bool is_constant() const { return storage == TensorStorage::kConstant || storage == TensorStorage::kFolded; }

  template <typename T>
  T* As() { return reinterpret_cast<T*>(data); }
  template <typename T>
  const T* As() const { return reinterpret_cast<const T*>(data); }

  // Quantization, when the tensor has affine parameters.
  const Quantization* quant() const {
    return meta && meta->quantization && meta->quantization->IsAffine() ? &*meta->quantization : nullptr;
  }
  float scale() const { return quant() ? quant()->scale[0] : 0.0f; }
  int32_t zero_point() const {
    const Quantization* q = quant();
    return q && !q->zero_point.empty() ? static_cast<int32_t>(q->zero_point[0]) : 0;
  }
};

// Bytes needed for `count` elements of `dtype` (int4 packed two per byte;
// strings have no fixed size and return 0). Saturates at SIZE_MAX.
size_t StorageBytes(DType dtype, int64_t count);

}  // namespace tfd
