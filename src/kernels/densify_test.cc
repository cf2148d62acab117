#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>

#include "format/model_reader.h"
#include "kernel_test_util.h"
#include "kernels/internal/seq_testing.h"

namespace tfd {
namespace {

using testing::Array;
using testing::OpModel;
using DimType = tflite::DimensionType;

enum class IndexType { kInt32, kUint16, kUint8 };

tflite::SparseIndexVectorUnion IndexVector(const std::vector<int>& values, IndexType type) {
  tflite::SparseIndexVectorUnion u;
  if (type == IndexType::kInt32) {
    tflite::Int32VectorT v;
    v.values.assign(values.begin(), values.end());
    u.Set(std::move(v));
  } else if (type == IndexType::kUint16) {
    tflite::Uint16VectorT v;
    for (int x : values) v.values.push_back(static_cast<uint16_t>(x));
    u.Set(std::move(v));
  } else {
    tflite::Uint8VectorT v;
    for (int x : values) v.values.push_back(static_cast<uint8_t>(x));
    u.Set(std::move(v));
  }
  return u;
}

struct Encoding {
  tflite::SparsityParametersT sparsity;
  std::vector<uint8_t> values;  // stored elements, in traversal order
};

// Encodes a dense tensor the way TFLite's converter does: dimensions visited
// in `order` (original ones first, then the block dimensions of `block_map`
// with sizes `block_size`), SPARSE_CSR levels keeping only sub-blocks with a
// non-zero element, dense levels keeping everything below a kept entry.
Encoding Encode(const std::vector<uint8_t>& dense, size_t element_size, const std::vector<int>& shape,
                const std::vector<int>& order, const std::vector<DimType>& formats, const std::vector<int>& block_map,
                const std::vector<int>& block_size, IndexType index_type) {
  const int rank = static_cast<int>(shape.size());
  std::vector<int> expanded(shape);
  for (size_t k = 0; k < block_map.size(); ++k) {
    expanded[static_cast<size_t>(block_map[k])] /= block_size[k];
    expanded.push_back(block_size[k]);
  }
  const size_t levels = order.size();
  std::vector<std::vector<int>> segments(levels, std::vector<int>{0}), indices(levels);
  std::vector<int> coords(levels, 0);
  Encoding e;
  auto flat_index = [&]() {
    std::vector<int> index(static_cast<size_t>(rank));
    for (int i = 0; i < rank; ++i) index[static_cast<size_t>(order[static_cast<size_t>(i)])] = coords[static_cast<size_t>(i)];
    for (size_t i = static_cast<size_t>(rank); i < levels; ++i) {
      const size_t block = static_cast<size_t>(order[i] - rank);
      const size_t dim = static_cast<size_t>(block_map[block]);
      index[dim] = index[dim] * block_size[block] + coords[i];
    }
    int64_t flat = 0;
    for (int d = 0; d < rank; ++d) flat = flat * shape[static_cast<size_t>(d)] + index[static_cast<size_t>(d)];
    return static_cast<size_t>(flat);
  };
  auto is_zero = [&](size_t flat) {
    for (size_t b = 0; b < element_size; ++b)
      if (dense[flat * element_size + b] != 0) return false;
    return true;
  };
  std::function<bool(size_t)> any_nonzero = [&](size_t level) -> bool {
    if (level == levels) return !is_zero(flat_index());
    for (int i = 0; i < expanded[static_cast<size_t>(order[level])]; ++i) {
      coords[level] = i;
      if (any_nonzero(level + 1)) return true;
    }
    return false;
  };
  std::function<void(size_t)> emit = [&](size_t level) {
    if (level == levels) {
      const size_t flat = flat_index();
      e.values.insert(e.values.end(), dense.begin() + static_cast<long>(flat * element_size),
                      dense.begin() + static_cast<long>((flat + 1) * element_size));
      return;
    }
    const int size = expanded[static_cast<size_t>(order[level])];
    for (int i = 0; i < size; ++i) {
      coords[level] = i;
      if (formats[level] == DimType::SPARSE_CSR) {
        if (!any_nonzero(level + 1)) continue;
        coords[level] = i;
        indices[level].push_back(i);
      }
      emit(level + 1);
    }
    if (formats[level] == DimType::SPARSE_CSR) segments[level].push_back(static_cast<int>(indices[level].size()));
  };
  emit(0);
  e.sparsity.traversal_order = order;
  e.sparsity.block_map = block_map;
  for (size_t l = 0; l < levels; ++l) {
    auto m = std::make_unique<tflite::DimensionMetadataT>();
    m->format = formats[l];
    if (formats[l] == DimType::DENSE) {
      m->dense_size = expanded[static_cast<size_t>(order[l])];
    } else {
      m->array_segments = IndexVector(segments[l], index_type);
      m->array_indices = IndexVector(indices[l], index_type);
    }
    e.sparsity.dim_metadata.push_back(std::move(m));
  }
  return e;
}

Model DensifyModel(DType dtype, const std::vector<int>& shape, const Encoding& e) {
  OpModel m(BuiltinOp::DENSIFY);
  const int input = m.ConstBytes({dtype, shape}, e.values);
  m.Output({dtype, shape});
  Model model = m.Build();
  model.subgraphs[0].tensors[static_cast<size_t>(input)].sparsity = e.sparsity;
  return model;
}

// A random tensor with about half of its blocks zero.
std::vector<uint8_t> RandomSparse(DType dtype, int64_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> out;
  std::bernoulli_distribution zero(0.55);
  for (int64_t i = 0; i < count; ++i) {
    const bool z = zero(rng);
    if (dtype == DType::FLOAT32) {
      const float v = z ? 0.0f : std::uniform_real_distribution<float>(-2, 2)(rng);
      uint8_t b[4];
      std::memcpy(b, &v, 4);
      out.insert(out.end(), b, b + 4);
    } else if (dtype == DType::INT8) {
      out.push_back(z ? 0 : static_cast<uint8_t>(std::uniform_int_distribution<int>(1, 255)(rng)));
    } else {  // float16 bit patterns of small normal numbers
      const uint16_t v = z ? 0 : static_cast<uint16_t>(std::uniform_int_distribution<int>(0x2000, 0x4fff)(rng));
      out.push_back(static_cast<uint8_t>(v & 0xff));
      out.push_back(static_cast<uint8_t>(v >> 8));
    }
  }
  return out;
}

TEST(Densify, HandEncodedCsrMatrix) {
  // [[0, 1.5, 0, 0], [0, 0, 0, 0], [2, 0, 0, -3]] as rows dense, columns CSR.
  Encoding e;
  e.sparsity.traversal_order = {0, 1};
  auto rows = std::make_unique<tflite::DimensionMetadataT>();
  rows->format = DimType::DENSE;
  rows->dense_size = 3;
  auto cols = std::make_unique<tflite::DimensionMetadataT>();
  cols->format = DimType::SPARSE_CSR;
  cols->array_segments = IndexVector({0, 1, 1, 3}, IndexType::kUint8);
  cols->array_indices = IndexVector({1, 0, 3}, IndexType::kUint8);
  e.sparsity.dim_metadata.push_back(std::move(rows));
  e.sparsity.dim_metadata.push_back(std::move(cols));
  const std::vector<float> values = {1.5f, 2.0f, -3.0f};
  e.values.resize(values.size() * 4);
  std::memcpy(e.values.data(), values.data(), e.values.size());
  auto out = testing::RunOurs(DensifyModel(DType::FLOAT32, {3, 4}, e), {});
  EXPECT_EQ(out[0].shape, std::vector<int32_t>({3, 4}));
  EXPECT_EQ(out[0].values<float>(), std::vector<float>({0, 1.5f, 0, 0, 0, 0, 0, 0, 2, 0, 0, -3}));
}

TEST(Densify, HandEncodedBlocksFloat16) {
  // 4x4 int-valued float16 matrix in 2x2 blocks; only blocks (0,1) and (1,0)
  // are non-zero. Block rows dense, block columns CSR, block cells dense.
  Encoding e;
  e.sparsity.traversal_order = {0, 1, 2, 3};
  e.sparsity.block_map = {0, 1};
  auto dense = [](int n) {
    auto m = std::make_unique<tflite::DimensionMetadataT>();
    m->format = DimType::DENSE;
    m->dense_size = n;
    return m;
  };
  auto csr = std::make_unique<tflite::DimensionMetadataT>();
  csr->format = DimType::SPARSE_CSR;
  csr->array_segments = IndexVector({0, 1, 2}, IndexType::kInt32);
  csr->array_indices = IndexVector({1, 0}, IndexType::kInt32);
  e.sparsity.dim_metadata.push_back(dense(2));
  e.sparsity.dim_metadata.push_back(std::move(csr));
  e.sparsity.dim_metadata.push_back(dense(2));
  e.sparsity.dim_metadata.push_back(dense(2));
  // float16 1, 2, 3, 4 then 5, 6, 7, 8.
  const std::vector<uint16_t> h = {0x3c00, 0x4000, 0x4200, 0x4400, 0x4500, 0x4600, 0x4700, 0x4800};
  e.values.resize(h.size() * 2);
  std::memcpy(e.values.data(), h.data(), e.values.size());
  auto out = testing::RunOurs(DensifyModel(DType::FLOAT16, {4, 4}, e), {});
  EXPECT_EQ(out[0].values<uint16_t>(), std::vector<uint16_t>({0, 0, 0x3c00, 0x4000, 0, 0, 0x4200, 0x4400, 0x4500, 0x4600,
                                                              0, 0, 0x4700, 0x4800, 0, 0}));
}

TEST(Densify, EncoderRoundTripsEveryLayout) {
  // Our encoder and kernel agree for all small layouts, every type.
  for (DType dtype : {DType::FLOAT32, DType::INT8, DType::FLOAT16}) {
    const size_t size = dtype == DType::FLOAT32 ? 4 : dtype == DType::FLOAT16 ? 2 : 1;
    auto dense = RandomSparse(dtype, 4 * 6, 5);
    for (auto f0 : {DimType::DENSE, DimType::SPARSE_CSR})
      for (auto f1 : {DimType::DENSE, DimType::SPARSE_CSR})
        for (auto order : {std::vector<int>{0, 1}, std::vector<int>{1, 0}}) {
          auto e = Encode(dense, size, {4, 6}, order, {f0, f1}, {}, {}, IndexType::kUint16);
          auto out = testing::RunOurs(DensifyModel(dtype, {4, 6}, e), {});
          EXPECT_EQ(out[0].bytes, dense);
        }
  }
}

TEST(Densify, RejectsBadSparsity) {
  auto dense = RandomSparse(DType::FLOAT32, 12, 2);
  auto encode = [&] { return Encode(dense, 4, {3, 4}, {0, 1}, {DimType::DENSE, DimType::SPARSE_CSR}, {}, {}, IndexType::kInt32); };
  {
    Encoding e = encode();
    e.sparsity.traversal_order = {0};
    Model m = DensifyModel(DType::FLOAT32, {3, 4}, e);
    EXPECT_THROW(testing::RunOurs(m, {}), Error);
  }
  {
    // A column index past the end.
    Encoding e = encode();
    e.sparsity.dim_metadata[1]->array_indices.AsInt32Vector()->values[0] = 9;
    Model m = DensifyModel(DType::FLOAT32, {3, 4}, e);
    EXPECT_THROW(testing::RunOurs(m, {}), Error);
  }
  {
    // More entries than stored values.
    Encoding e = encode();
    e.values.resize(4);
    Model m = DensifyModel(DType::FLOAT32, {3, 4}, e);
    EXPECT_THROW(testing::RunOurs(m, {}), Error);
  }
  {
    // No sparsity at all.
    Encoding e = encode();
    Model m = DensifyModel(DType::FLOAT32, {3, 4}, e);
    m.subgraphs[0].tensors[0].sparsity.reset();
    EXPECT_THROW(testing::RunOurs(m, {}), Error);
  }
  {
    Encoding e = encode();
    Model m = DensifyModel(DType::FLOAT32, {3, 4}, e);
    m.subgraphs[0].tensors[0].dtype = DType::INT32;
    m.subgraphs[0].tensors[1].dtype = DType::INT32;
    EXPECT_THROW(testing::RunOurs(m, {}), Error);
  }
}

struct Layout {
  std::vector<int> shape, order;
  std::vector<DimType> formats;
  std::vector<int> block_map, block_size;
  IndexType index_type;
  std::string label;
};

// The oracle's XNNPACK delegate takes DENSIFY nodes over as weight unpacking
// and cannot run a graph whose output is a DENSIFY result, so the oracle's
// model adds a zero graph input to it (x + 0 is exact, also in int8 with equal
// scales and zero points of 0); ours runs DENSIFY alone.
Model WithZeroAdded(Model model) {
  auto& g = model.subgraphs[0];
  model.op_codes.push_back({BuiltinOp::ADD, "", 1});
  Tensor zero = g.tensors[1];
  zero.name = "zero";
  g.tensors.push_back(zero);
  const int32_t zero_index = static_cast<int32_t>(g.tensors.size() - 1);
  Tensor sum = g.tensors[1];
  sum.name = "sum";
  g.tensors.push_back(sum);
  Operator add;
  add.opcode_index = 1;
  add.inputs = {1, zero_index};
  add.outputs = {zero_index + 1};
  add.options.Set(tflite::AddOptionsT());
  g.operators.push_back(add);
  g.inputs = {zero_index};
  g.outputs = {zero_index + 1};
  return model;
}

TEST(Densify, MatchesTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  using D = DimType;
  const std::vector<Layout> layouts = {
      {{5, 8}, {0, 1}, {D::DENSE, D::SPARSE_CSR}, {}, {}, IndexType::kInt32, "CSR rows"},
      {{5, 8}, {1, 0}, {D::DENSE, D::SPARSE_CSR}, {}, {}, IndexType::kUint16, "CSC"},
      {{5, 8}, {0, 1}, {D::SPARSE_CSR, D::SPARSE_CSR}, {}, {}, IndexType::kUint8, "doubly sparse"},
      {{8, 8}, {0, 1, 2}, {D::DENSE, D::SPARSE_CSR, D::DENSE}, {1}, {4}, IndexType::kUint8, "1x4 blocks"},
      {{4, 6}, {0, 1, 2, 3}, {D::DENSE, D::SPARSE_CSR, D::DENSE, D::DENSE}, {0, 1}, {2, 3}, IndexType::kInt32, "2x3 blocks"},
      {{2, 3, 4}, {0, 1, 2}, {D::DENSE, D::DENSE, D::SPARSE_CSR}, {}, {}, IndexType::kUint16, "rank 3"},
      {{3, 2, 4}, {2, 0, 1}, {D::SPARSE_CSR, D::DENSE, D::SPARSE_CSR}, {}, {}, IndexType::kInt32, "rank 3 permuted"},
  };
  testing::OracleBatch oracle;
  std::vector<std::pair<Model, std::string>> runs;
  uint64_t seed = 1;
  for (DType dtype : {DType::FLOAT32, DType::INT8}) {
    const size_t size = dtype == DType::FLOAT32 ? 4 : 1;
    for (const auto& l : layouts) {
      int64_t count = 1;
      for (int d : l.shape) count *= d;
      auto dense = RandomSparse(dtype, count, seed++);
      auto e = Encode(dense, size, l.shape, l.order, l.formats, l.block_map, l.block_size, l.index_type);
      Model model = DensifyModel(dtype, l.shape, e);
      if (dtype == DType::INT8)
        for (auto& t : model.subgraphs[0].tensors) t.quantization = Quantization{{1.0f}, {0}, {}, {}, 0, std::nullopt};
      Model with_add = WithZeroAdded(model);
      const Tensor& zero = with_add.subgraphs[0].tensors[static_cast<size_t>(with_add.subgraphs[0].inputs[0])];
      oracle.Add(with_add, {Array{dtype, zero.shape, std::vector<uint8_t>(static_cast<size_t>(count) * size, 0)}});
      runs.push_back({model, std::string(DTypeName(dtype)) + " " + l.label});
    }
  }
  oracle.Run();
  for (size_t i = 0; i < runs.size(); ++i) {
    SCOPED_TRACE(runs[i].second);
    ASSERT_TRUE(oracle.ok(static_cast<int>(i))) << oracle.error(static_cast<int>(i));
    EXPECT_TRUE(testing::Identical(testing::RunOurs(runs[i].first, {})[0], oracle.outputs(static_cast<int>(i))[0]));
  }
}

// float16 bits to float (exact).
float HalfToFloat(uint16_t h) {
  const int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  const float sign = (h & 0x8000) ? -1.0f : 1.0f;
  if (exponent == 0) return sign * std::ldexp(static_cast<float>(mantissa), -24);
  if (exponent == 31) return mantissa ? NAN : sign * INFINITY;
  return sign * std::ldexp(static_cast<float>(mantissa + 1024), exponent - 25);
}

// MediaPipe's sparse face detector stores float16 conv weights sparsely,
// each DENSIFY feeding a DEQUANTIZE to float32. The oracle runs DENSIFY ->
// DEQUANTIZE (+ 0, see WithZeroAdded); we run DENSIFY and widen in the test.
TEST(Densify, RealSparseModelWeightsMatchTfliteRuntime) {
  TFD_REQUIRE_ORACLE();
  const std::string path =
      std::string(TFD_SOURCE_DIR) + "/tools/oracle/node_modules/@mediapipe/face_detection/face_detection_full_range_sparse.tflite";
  if (!std::ifstream(path).good()) GTEST_SKIP() << "MediaPipe face detection package not installed";
  Model source = LoadModel(path);
  const auto& g = source.main();
  testing::OracleBatch oracle;
  std::vector<Model> ours;
  for (size_t n = 0; n < g.operators.size() && ours.size() < 8; ++n) {
    if (source.op_code(g.operators[n]).builtin != BuiltinOp::DENSIFY) continue;
    const int32_t dense = g.operators[n].outputs[0];
    size_t consumer = n + 1;
    while (consumer < g.operators.size() && g.operators[consumer].inputs.at(0) != dense) ++consumer;
    ASSERT_LT(consumer, g.operators.size());
    ASSERT_EQ(source.op_code(g.operators[consumer]).builtin, BuiltinOp::DEQUANTIZE);
    Model pair = testing::seq::ExtractNodes(source, {n, consumer});
    auto& sg = pair.subgraphs[0];
    const int32_t widened = sg.outputs[0];
    const auto shape = sg.tensors[static_cast<size_t>(widened)].shape;
    Tensor zero = sg.tensors[static_cast<size_t>(widened)];
    zero.name = "zero";
    sg.tensors.push_back(zero);
    const int32_t zero_index = static_cast<int32_t>(sg.tensors.size() - 1);
    sg.inputs = {zero_index};
    sg.outputs.clear();
    testing::seq::AppendNode(pair, BuiltinOp::ADD, {widened, zero_index}, DType::FLOAT32, shape);
    int64_t count = 1;
    for (int32_t d : shape) count *= d;
    oracle.Add(pair, {Array{DType::FLOAT32, shape, std::vector<uint8_t>(static_cast<size_t>(count) * 4, 0)}});
    ours.push_back(testing::seq::ExtractNode(source, n));
  }
  ASSERT_FALSE(ours.empty());
  oracle.Run();
  for (size_t i = 0; i < ours.size(); ++i) {
    ASSERT_TRUE(oracle.ok(static_cast<int>(i))) << oracle.error(static_cast<int>(i));
    auto half = testing::RunOurs(ours[i], {})[0];
    ASSERT_EQ(half.dtype, DType::FLOAT16);
    std::vector<float> widened;
    for (uint16_t h : half.values<uint16_t>()) widened.push_back(HalfToFloat(h));
    EXPECT_TRUE(testing::Identical(Array::Of<float>(DType::FLOAT32, half.shape, widened), oracle.outputs(static_cast<int>(i))[0]));
  }
}

}  // namespace
}  // namespace tfd
