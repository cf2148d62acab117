// Interpreter::InvokeFrom on an interpreter that keeps all tensors: part of a
// graph runs again on what the last run left, which compare uses to send one
// layer's error alone through the rest of the model.
#include <cstring>

#include "format/model_reader.h"
#include "interpreter/interpreter.h"
#include "kernel_test_util.h"
#include "test_support.h"

namespace tfd {
namespace {

using testing::Fixture;

std::vector<uint8_t> OutputBytes(const Interpreter& interp) {
  const RuntimeTensor& t = interp.output(0);
  return std::vector<uint8_t>(t.data, t.data + t.bytes);
}

void Feed(Interpreter& interp, const testing::Array& a) {
  RuntimeTensor& in = interp.input(0);
  interp.SetInput(0, in.dtype, in.shape, a.bytes.data(), a.bytes.size());
}

// ResNet's residual adds read tensors made many nodes earlier: rerunning the
// tail only gives the same answer if nothing was overwritten.
TEST(InvokeFrom, RerunningTheTailGivesTheSameOutput) {
  TFD_REQUIRE_FIXTURES();
  const Model m = LoadModel(Fixture("models/mlperf-tiny/pretrainedResnet.tflite"));
  InterpreterOptions options;
  options.keep_all_tensors = true;
  Interpreter interp(m, options);
  Feed(interp, testing::RandomInputs(m, 7)[0]);
  interp.Invoke();
  const auto full = OutputBytes(interp);
  for (size_t node : {size_t{1}, size_t{5}, m.main().operators.size() - 1}) {
    interp.InvokeFrom(node);
    EXPECT_EQ(OutputBytes(interp), full) << "from node " << node;
  }
  Interpreter plain(m);
  EXPECT_GT(interp.arena_bytes(), plain.arena_bytes() + 0) << "every tensor has its own memory";
}

// VWW is a chain: replacing one activation with another input's and running
// the rest gives exactly that input's output.
TEST(InvokeFrom, AReplacedActivationFlowsToTheOutput) {
  TFD_REQUIRE_FIXTURES();
  const Model m = LoadModel(Fixture("models/mlperf-tiny/vww_96_float.tflite"));
  InterpreterOptions options;
  options.keep_all_tensors = true;
  Interpreter a(m, options), b(m, options);
  Feed(a, testing::RandomInputs(m, 1)[0]);
  Feed(b, testing::RandomInputs(m, 2)[0]);
  a.Invoke();
  b.Invoke();
  ASSERT_NE(OutputBytes(a), OutputBytes(b));
  const int node = 10;
  const int t = m.main().operators[node].outputs[0];
  RuntimeTensor& dst = a.tensor(0, t);
  const RuntimeTensor& src = b.tensor(0, t);
  ASSERT_EQ(dst.bytes, src.bytes);
  std::memcpy(dst.data, src.data, src.bytes);
  a.InvokeFrom(node + 1);
  EXPECT_EQ(OutputBytes(a), OutputBytes(b));
}

TEST(InvokeFrom, NeedsKeptTensorsAndAFullRunFirst) {
  TFD_REQUIRE_FIXTURES();
  const Model m = LoadModel(Fixture("models/mlperf-tiny/vww_96_float.tflite"));
  Interpreter plain(m);
  Feed(plain, testing::RandomInputs(m, 1)[0]);
  plain.Invoke();
  EXPECT_THROW(plain.InvokeFrom(3), std::exception);
  InterpreterOptions options;
  options.keep_all_tensors = true;
  Interpreter kept(m, options);
  EXPECT_THROW(kept.InvokeFrom(3), std::exception);
  Feed(kept, testing::RandomInputs(m, 1)[0]);
  kept.Invoke();
  EXPECT_THROW(kept.InvokeFrom(m.main().operators.size() + 1), std::exception);
  EXPECT_NO_THROW(kept.InvokeFrom(m.main().operators.size()));
}

}  // namespace
}  // namespace tfd
