// BATCH_MATMUL: out[..., m, n] = sum_k lhs[..., m, k] * rhs[..., k, n], with
// adj_x / adj_y transposing the last two dimensions of lhs / rhs, ranks 2 to 5
// and NumPy broadcasting of the leading (batch) dimensions.
//
// float32; int8 x int8 -> int8 (both zero points applied, per-tensor
// rescale) or -> int32 (the accumulator); int16 x int16 -> int16 and
// int16 x int8 -> int16 (zero points 0, 64-bit accumulation); hybrid: float
// lhs with int8 rhs (per-tensor or per-channel along n), each lhs row
// quantized on the fly, symmetric or asymmetric (asymmetric_quantize_inputs).
#include <algorithm>
#include <limits>

#include "graph/dtype.h"
#include "interpreter/kernel_registry.h"
#include "kernels/internal/conv_util.h"

namespace tfd {
namespace {

enum class Kind { kFloat, kInt8, kInt8ToInt32, kInt16, kHybrid };

struct BatchMatMulState : KernelState {
  Kind kind = Kind::kFloat;
  bool adj_x = false, adj_y = false;
  int rows = 0, cols = 0, depth = 0;  // M, N, K
  // Batch dimensions of the output and the element strides of each operand's
  // matrices along them (0 where broadcast).
  std::vector<int32_t> batch_dims;
  std::vector<int64_t> lhs_strides, rhs_strides;
  int64_t num_batches = 1;
  int32_t lhs_offset = 0, rhs_offset = 0, output_offset = 0;
  int32_t multiplier = 0;
  int shift = 0;
  // Hybrid.
  bool asymmetric = false, per_channel = false;
  std::vector<float> channel_scales;
  // Scratch: one lhs matrix as rows [M][K] and one rhs matrix as [N][K].
  std::vector<float> lhs_f, rhs_f;
  std::vector<int16_t> lhs16, rhs16;
  std::vector<int8_t> lhs8, rhs8;
  std::vector<int32_t> rhs_row_sums;
};

void Prepare(KernelContext& ctx) {
  ctx.CheckArity(2, 2, 1);
  const RuntimeTensor& lhs = ctx.input(0);
  const RuntimeTensor& rhs = ctx.input(1);
  const RuntimeTensor& output = ctx.output(0);
  const auto options = ctx.options_or_default<tflite::BatchMatMulOptionsT>();
  if (lhs.rank() < 2 || lhs.rank() > 5 || rhs.rank() < 2 || rhs.rank() > 5)
    ctx.Fail("operands must have rank 2 to 5, have shapes {} and {}", ShapeString(lhs.shape), ShapeString(rhs.shape));
  auto s = std::make_unique<BatchMatMulState>();
  s->adj_x = options.adj_x;
  s->adj_y = options.adj_y;
  const int rank = std::max(lhs.rank(), rhs.rank());
  auto extend = [&](const std::vector<int32_t>& shape) {
    std::vector<int32_t> e(static_cast<size_t>(rank - static_cast<int>(shape.size())), 1);
    e.insert(e.end(), shape.begin(), shape.end());
    return e;
  };
  const std::vector<int32_t> l = extend(lhs.shape), r = extend(rhs.shape);
  s->rows = s->adj_x ? l[rank - 1] : l[rank - 2];
  s->depth = s->adj_x ? l[rank - 2] : l[rank - 1];
  const int rhs_depth = s->adj_y ? r[rank - 1] : r[rank - 2];
  s->cols = s->adj_y ? r[rank - 2] : r[rank - 1];
  if (s->depth != rhs_depth)
    ctx.Fail("inner dimensions differ: lhs {} (adj_x {}) has {}, rhs {} (adj_y {}) has {}", ShapeString(lhs.shape),
             s->adj_x, s->depth, ShapeString(rhs.shape), s->adj_y, rhs_depth);
  // Broadcast the batch dimensions; strides in elements, 0 when broadcast.
  const int64_t lhs_matrix = static_cast<int64_t>(l[rank - 2]) * l[rank - 1];
  const int64_t rhs_matrix = static_cast<int64_t>(r[rank - 2]) * r[rank - 1];
  s->batch_dims.resize(static_cast<size_t>(rank - 2));
  s->lhs_strides.assign(static_cast<size_t>(rank - 2), 0);
  s->rhs_strides.assign(static_cast<size_t>(rank - 2), 0);
  int64_t ls = lhs_matrix, rs = rhs_matrix;
  for (int i = rank - 3; i >= 0; --i) {
    if (l[i] != r[i] && l[i] != 1 && r[i] != 1)
      ctx.Fail("batch dimensions of {} and {} do not broadcast", ShapeString(lhs.shape), ShapeString(rhs.shape));
    s->batch_dims[i] = l[i] == 1 ? r[i] : l[i];
    s->lhs_strides[i] = l[i] == 1 ? 0 : ls;
    s->rhs_strides[i] = r[i] == 1 ? 0 : rs;
    ls *= l[i];
    rs *= r[i];
    s->num_batches *= s->batch_dims[i];
  }
  std::vector<int32_t> out_shape = s->batch_dims;
  out_shape.push_back(s->rows);
  out_shape.push_back(s->cols);

  const size_t lhs_size = static_cast<size_t>(s->rows) * s->depth, rhs_size = static_cast<size_t>(s->cols) * s->depth;
  if (lhs.dtype == DType::FLOAT32 && rhs.dtype == DType::FLOAT32) {
    if (output.dtype != DType::FLOAT32) ctx.Fail("float32 operands need a float32 output, got {}", DTypeName(output.dtype));
    s->kind = Kind::kFloat;
    s->lhs_f.resize(lhs_size);
    s->rhs_f.resize(rhs_size);
  } else if (lhs.dtype == DType::FLOAT32 && rhs.dtype == DType::INT8) {
    if (output.dtype != DType::FLOAT32) ctx.Fail("hybrid BATCH_MATMUL needs a float32 output, got {}", DTypeName(output.dtype));
    s->kind = Kind::kHybrid;
    conv::RequireQuantized(ctx, rhs, "hybrid rhs");
    s->per_channel = rhs.quant()->scale.size() > 1;
    s->channel_scales = conv::FilterScales(ctx, rhs, s->cols, s->adj_y ? rhs.rank() - 2 : rhs.rank() - 1, "hybrid rhs");
    if (s->per_channel && rhs.quant()->axis != (s->adj_y ? rhs.rank() - 2 : rhs.rank() - 1))
      ctx.Fail("per-channel rhs must be quantized along its output (n) dimension");
    conv::RequireZeroPoints(ctx, rhs, "hybrid int8 rhs");
    s->asymmetric = options.asymmetric_quantize_inputs;
    s->lhs_f.resize(lhs_size);
    s->lhs8.resize(lhs_size);
    s->rhs8.resize(rhs_size);
    s->rhs_row_sums.resize(static_cast<size_t>(s->cols));
  } else if ((lhs.dtype == DType::INT8 && rhs.dtype == DType::INT8) ||
             (lhs.dtype == DType::INT16 && (rhs.dtype == DType::INT16 || rhs.dtype == DType::INT8))) {
    conv::RequireQuantized(ctx, lhs, "lhs");
    conv::RequireQuantized(ctx, rhs, "rhs");
    if (rhs.quant()->scale.size() != 1)
      ctx.Fail("quantized BATCH_MATMUL needs per-tensor rhs quantization, has {} scales", rhs.quant()->scale.size());
    s->lhs16.resize(lhs_size);
    s->rhs16.resize(rhs_size);
    if (lhs.dtype == DType::INT8 && output.dtype == DType::INT32) {
      // The raw accumulator, zero points applied (as the TFLite the oracle
      // runs; the newest LiteRT multiplies the raw values).
      s->kind = Kind::kInt8ToInt32;
      s->lhs_offset = -lhs.zero_point();
      s->rhs_offset = -rhs.zero_point();
    } else {
      if (output.dtype != lhs.dtype)
        ctx.Fail("{} operands need a {} output, got {}", DTypeName(lhs.dtype),
                 lhs.dtype == DType::INT8 ? "int8 or int32" : "int16", DTypeName(output.dtype));
      conv::RequireQuantized(ctx, output, "output");
      const conv::Requant q = conv::SingleRequant(conv::LegacyMultiplier(ctx, lhs, rhs, nullptr, output));
      s->multiplier = q.multiplier[0];
      s->shift = q.shift[0];
      s->lhs_offset = -lhs.zero_point();
      s->rhs_offset = -rhs.zero_point();
      s->output_offset = output.zero_point();
      if (lhs.dtype == DType::INT8) {
        s->kind = Kind::kInt8;
      } else {
        if (lhs.zero_point() != 0 || rhs.zero_point() != 0 || output.zero_point() != 0)
          ctx.Fail("int16 BATCH_MATMUL needs zero points of 0 (lhs {}, rhs {}, output {})", lhs.zero_point(),
                   rhs.zero_point(), output.zero_point());
        s->kind = Kind::kInt16;
      }
    }
  } else {
    ctx.Fail("unsupported operand types {} x {} (float32, int8, int16, int16 x int8, float32 x int8 hybrid)",
             DTypeName(lhs.dtype), DTypeName(rhs.dtype));
  }
  ctx.ResizeOutput(0, out_shape);
  ctx.state = std::move(s);
}

// Copies one operand matrix into [outer][depth] rows: `transposed` when the
// stored layout is [depth][outer].
template <typename T, typename U>
void PackRows(const T* m, int outer, int depth, bool transposed, int32_t offset, U* rows) {
  if (!transposed) {
    for (int64_t i = 0, n = static_cast<int64_t>(outer) * depth; i < n; ++i) rows[i] = static_cast<U>(m[i] + offset);
    return;
  }
  for (int o = 0; o < outer; ++o)
    for (int d = 0; d < depth; ++d) rows[static_cast<int64_t>(o) * depth + d] = static_cast<U>(m[static_cast<int64_t>(d) * outer + o] + offset);
}

// Calls fn(batch_index, lhs_offset, rhs_offset) for each output matrix.
template <typename Fn>
void ForEachBatch(const BatchMatMulState& s, Fn&& fn) {
  const size_t n = s.batch_dims.size();
  std::vector<int32_t> pos(n, 0);
  int64_t lo = 0, ro = 0;
  for (int64_t b = 0; b < s.num_batches; ++b) {
    fn(b, lo, ro);
    for (size_t d = n; d-- > 0;) {
      lo += s.lhs_strides[d];
      ro += s.rhs_strides[d];
      if (++pos[d] < s.batch_dims[d]) break;
      lo -= s.lhs_strides[d] * s.batch_dims[d];
      ro -= s.rhs_strides[d] * s.batch_dims[d];
      pos[d] = 0;
    }
  }
}

void EvalFloat(KernelContext& ctx, BatchMatMulState& s) {
  const float* lhs = ctx.input(0).As<float>();
  const float* rhs = ctx.input(1).As<float>();
  float* out = ctx.output(0).As<float>();
  const int64_t matrix = static_cast<int64_t>(s.rows) * s.cols;
  ForEachBatch(s, [&](int64_t b, int64_t lo, int64_t ro) {
    PackRows(lhs + lo, s.rows, s.depth, s.adj_x, 0, s.lhs_f.data());
    PackRows(rhs + ro, s.cols, s.depth, !s.adj_y, 0, s.rhs_f.data());
    float* o = out + b * matrix;
    for (int m = 0; m < s.rows; ++m)
      for (int n = 0; n < s.cols; ++n)
        o[static_cast<int64_t>(m) * s.cols + n] = conv::DotF(s.lhs_f.data() + static_cast<int64_t>(m) * s.depth,
                                                            s.rhs_f.data() + static_cast<int64_t>(n) * s.depth, s.depth);
  });
}

template <typename L, typename R, typename Out>
void EvalInteger(KernelContext& ctx, BatchMatMulState& s) {
  const L* lhs = ctx.input(0).As<L>();
  const R* rhs = ctx.input(1).As<R>();
  Out* out = ctx.output(0).As<Out>();
  const int64_t matrix = static_cast<int64_t>(s.rows) * s.cols;
  const int32_t qmin = std::numeric_limits<Out>::min(), qmax = std::numeric_limits<Out>::max();
  ForEachBatch(s, [&](int64_t b, int64_t lo, int64_t ro) {
    PackRows(lhs + lo, s.rows, s.depth, s.adj_x, s.lhs_offset, s.lhs16.data());
    PackRows(rhs + ro, s.cols, s.depth, !s.adj_y, s.rhs_offset, s.rhs16.data());
    Out* o = out + b * matrix;
    for (int m = 0; m < s.rows; ++m) {
      const int16_t* lrow = s.lhs16.data() + static_cast<int64_t>(m) * s.depth;
      for (int n = 0; n < s.cols; ++n) {
        const int16_t* rrow = s.rhs16.data() + static_cast<int64_t>(n) * s.depth;
        Out& dst = o[static_cast<int64_t>(m) * s.cols + n];
        if (s.kind == Kind::kInt8ToInt32) {
          dst = static_cast<Out>(conv::DotI16(lrow, rrow, s.depth));
        } else if (s.kind == Kind::kInt8) {
          const int32_t acc = conv::DotI16(lrow, rrow, s.depth);
          const int32_t v = qmath::MultiplyByQuantizedMultiplier(acc, s.multiplier, s.shift) + s.output_offset;
          dst = qmath::Clamp<Out>(v, qmin, qmax);
        } else {
          const int64_t acc = conv::DotI16Wide(lrow, rrow, s.depth);
          const int32_t v = qmath::MultiplyByQuantizedMultiplier(acc, s.multiplier, s.shift) + s.output_offset;
          dst = qmath::Clamp<Out>(v, qmin, qmax);
        }
      }
    }
  });
}

void EvalHybrid(KernelContext& ctx, BatchMatMulState& s) {
  const float* lhs = ctx.input(0).As<float>();
  const int8_t* rhs = ctx.input(1).As<int8_t>();
  float* out = ctx.output(0).As<float>();
  const int64_t matrix = static_cast<int64_t>(s.rows) * s.cols;
  ForEachBatch(s, [&](int64_t b, int64_t lo, int64_t ro) {
    PackRows(lhs + lo, s.rows, s.depth, s.adj_x, 0, s.lhs_f.data());
    PackRows(rhs + ro, s.cols, s.depth, !s.adj_y, 0, s.rhs8.data());
    for (int n = 0; n < s.cols; ++n) {
      int32_t sum = 0;
      for (int k = 0; k < s.depth; ++k) sum += s.rhs8[static_cast<int64_t>(n) * s.depth + k];
      s.rhs_row_sums[n] = sum;
    }
    float* o = out + b * matrix;
    for (int m = 0; m < s.rows; ++m) {
      const float* row = s.lhs_f.data() + static_cast<int64_t>(m) * s.depth;
      int8_t* q = s.lhs8.data() + static_cast<int64_t>(m) * s.depth;
      float scale = 1;
      int32_t zero_point = 0;
      if (s.asymmetric) {
        conv::AsymmetricQuantize(row, s.depth, q, &scale, &zero_point);
      } else {
        conv::SymmetricQuantize(row, s.depth, q, &scale);
      }
      if (!s.per_channel) scale *= s.channel_scales[0];
      for (int n = 0; n < s.cols; ++n) {
        int32_t total = conv::DotI8(s.rhs8.data() + static_cast<int64_t>(n) * s.depth, q, s.depth);
        // TFLite subtracts row_sum * offset in float (the offset is a float there).
        total = static_cast<int32_t>(static_cast<float>(total) -
                                     static_cast<float>(s.rhs_row_sums[n]) * static_cast<float>(zero_point));
        float channel_scale = scale;
        if (s.per_channel) channel_scale *= s.channel_scales[n];
        o[static_cast<int64_t>(m) * s.cols + n] = 0.0f + channel_scale * static_cast<float>(total);
      }
    }
  });
}

void Eval(KernelContext& ctx) {
  auto& s = ctx.state_as<BatchMatMulState>();
  switch (s.kind) {
    case Kind::kFloat: return EvalFloat(ctx, s);
    case Kind::kHybrid: return EvalHybrid(ctx, s);
    case Kind::kInt8: return EvalInteger<int8_t, int8_t, int8_t>(ctx, s);
    case Kind::kInt8ToInt32: return EvalInteger<int8_t, int8_t, int32_t>(ctx, s);
    case Kind::kInt16:
      if (ctx.input(1).dtype == DType::INT8) return EvalInteger<int16_t, int8_t, int16_t>(ctx, s);
      return EvalInteger<int16_t, int16_t, int16_t>(ctx, s);
  }
}

}  // namespace

TFD_REGISTER_KERNEL(BATCH_MATMUL, DType::FLOAT32, Prepare, Eval);
TFD_REGISTER_KERNEL(BATCH_MATMUL, DType::INT8, Prepare, Eval);
TFD_REGISTER_KERNEL(BATCH_MATMUL, DType::INT16, Prepare, Eval);

}  // namespace tfd
