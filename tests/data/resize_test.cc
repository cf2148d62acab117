// Resizing: hand-computed values, and TensorFlow's own kernels as the oracle
// (TFLite RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR for each corner
// convention, AVERAGE_POOL_2D for integer-factor area downscales) on the
// fixture images.
#include <gtest/gtest.h>

#include <cmath>

#include "data/image.h"
#include "data/resize.h"
#include "kernel_test_util.h"
#include "test_support.h"

namespace tfd {
namespace {

using testing::Array;
using testing::Fixture;
using testing::OpModel;
using testing::OracleBatch;
using testing::TensorSpec;

FloatImage Ramp(int w, int h, int c) {
  FloatImage f{w, h, c, std::vector<float>(static_cast<size_t>(w) * h * c)};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k) f.at(y, x, k) = static_cast<float>(10 * y + x + 100 * k);
  return f;
}

FloatImage Row(std::vector<float> v) {
  FloatImage f{static_cast<int>(v.size()), 1, 1, std::move(v)};
  return f;
}

TEST(ResizeTest, AreaMatchesTensorFlowsWorkedExample) {
  // resize_area_op.cc: in[4] -> out[3], scale 4/3: out[0] = in0 + in1/3,
  // out[1] = 2/3 in1 + 2/3 in2, out[2] = in2/3 + in3, each times 3/4.
  FloatImage in = Row({1, 2, 3, 4});
  FloatImage out = Resize(in, 3, 1, ResizeMethod::kArea, ResizeCoordinates::kHalfPixel);
  ASSERT_EQ(out.width, 3);
  EXPECT_NEAR(out.data[0], (1 + 2 / 3.0) * 0.75, 1e-5);
  EXPECT_NEAR(out.data[1], (2 * 2 / 3.0 + 3 * 2 / 3.0) * 0.75, 1e-5);
  EXPECT_NEAR(out.data[2], (3 / 3.0 + 4) * 0.75, 1e-5);
  // 2x2 -> 1x1 is the mean; 2x downscale of a ramp averages pairs.
  FloatImage sq{2, 2, 1, {1, 2, 3, 6}};
  EXPECT_NEAR(Resize(sq, 1, 1, ResizeMethod::kArea, ResizeCoordinates::kHalfPixel).data[0], 3.0, 1e-6);
  FloatImage r = Resize(Row({0, 2, 4, 6, 8, 10}), 3, 1, ResizeMethod::kArea, ResizeCoordinates::kAsymmetric);
  EXPECT_EQ(r.data, (std::vector<float>{1, 5, 9}));
  // Upscaling by area replicates (each output box lies in one input cell).
  FloatImage up = Resize(Row({3, 7}), 4, 1, ResizeMethod::kArea, ResizeCoordinates::kHalfPixel);
  EXPECT_EQ(up.data, (std::vector<float>{3, 3, 7, 7}));
}

TEST(ResizeTest, AreaAlignCornersUsesTheCornerScale) {
  // align_corners: scale (in-1)/(out-1) = 3/2 for 4 -> 3. Boxes [0,1.5),
  // [1.5,3), [3,4.5) (the last clamps to the border cell).
  FloatImage out = Resize(Row({1, 2, 3, 4}), 3, 1, ResizeMethod::kArea, ResizeCoordinates::kAlignCorners);
  EXPECT_NEAR(out.data[0], (1 + 2 * 0.5) / 1.5, 1e-5);
  EXPECT_NEAR(out.data[1], (2 * 0.5 + 3) / 1.5, 1e-5);
  EXPECT_NEAR(out.data[2], (4 + 4 * 0.5) / 1.5, 1e-5);
}

TEST(ResizeTest, BilinearAndNearestHandValues) {
  FloatImage in = Row({0, 10, 20, 30});
  // half_pixel 4 -> 2: centres at 0.5 and 2.5.
  EXPECT_EQ(Resize(in, 2, 1, ResizeMethod::kBilinear, ResizeCoordinates::kHalfPixel).data,
            (std::vector<float>{5, 25}));
  // align_corners 4 -> 2: the two corners.
  EXPECT_EQ(Resize(in, 2, 1, ResizeMethod::kBilinear, ResizeCoordinates::kAlignCorners).data,
            (std::vector<float>{0, 30}));
  // asymmetric 4 -> 2: x * 2.
  EXPECT_EQ(Resize(in, 2, 1, ResizeMethod::kBilinear, ResizeCoordinates::kAsymmetric).data,
            (std::vector<float>{0, 20}));
  // Upscale 2 -> 4 half_pixel: -0.25 clamps, 0.25, 0.75, 1.25 clamps.
  EXPECT_EQ(Resize(Row({0, 8}), 4, 1, ResizeMethod::kBilinear, ResizeCoordinates::kHalfPixel).data,
            (std::vector<float>{0, 2, 6, 8}));
  // Nearest 4 -> 2: half_pixel floor((x+0.5)*2) = 1, 3; asymmetric 0, 2.
  EXPECT_EQ(Resize(in, 2, 1, ResizeMethod::kNearest, ResizeCoordinates::kHalfPixel).data,
            (std::vector<float>{10, 30}));
  EXPECT_EQ(Resize(in, 2, 1, ResizeMethod::kNearest, ResizeCoordinates::kAsymmetric).data,
            (std::vector<float>{0, 20}));
  // PIL bilinear 4 -> 2 is a triangle filter of support 2: weights 1/8,3/8,3/8,1/8 around 1.
  FloatImage pil = Resize(in, 2, 1, ResizeMethod::kBilinear, ResizeCoordinates::kPil);
  EXPECT_NEAR(pil.data[0], (0 * 3 + 10 * 3 + 20 * 1) / 7.0, 1e-4);
  // PIL box (area) 4 -> 2 averages pairs like TF area.
  EXPECT_EQ(Resize(in, 2, 1, ResizeMethod::kArea, ResizeCoordinates::kPil).data, (std::vector<float>{5, 25}));
  // OpenCV nearest is floor(x * scale).
  EXPECT_EQ(Resize(in, 2, 1, ResizeMethod::kNearest, ResizeCoordinates::kOpenCv).data,
            (std::vector<float>{0, 20}));
}

TEST(ResizeTest, SameSizeIsACopyAndBadSizesFail) {
  FloatImage in = Ramp(5, 4, 3);
  EXPECT_EQ(Resize(in, 5, 4, ResizeMethod::kBilinear, ResizeCoordinates::kAlignCorners).data, in.data);
  EXPECT_THROW(Resize(in, 0, 4, ResizeMethod::kBilinear, ResizeCoordinates::kHalfPixel), Error);
}

TEST(ResizeTest, CropAndPad) {
  FloatImage in = Ramp(4, 3, 1);
  FloatImage c = Crop(in, 1, 1, 2, 2);
  EXPECT_EQ(c.data, (std::vector<float>{11, 12, 21, 22}));
  FloatImage p = PadTo(Row({1, 2}), 2, 3, -1);
  EXPECT_EQ(p.data, (std::vector<float>{-1, -1, 1, 2, -1, -1}));
  EXPECT_THROW(Crop(in, 3, 0, 2, 1), Error);
}

// ---- Against the real TFLite runtime ----

Array ImageArray(const FloatImage& f) {
  return Array::Of(DType::FLOAT32, {1, f.height, f.width, f.channels}, f.data);
}

Model ResizeModel(BuiltinOp op, const FloatImage& in, int out_h, int out_w, bool align_corners, bool half_pixel) {
  OpModel m(op, 3);
  m.Input({DType::FLOAT32, {1, in.height, in.width, in.channels}});
  m.Const<int32_t>({DType::INT32, {2}}, {out_h, out_w});
  m.Output({DType::FLOAT32, {1, out_h, out_w, in.channels}});
  if (op == BuiltinOp::RESIZE_BILINEAR) {
    tflite::ResizeBilinearOptionsT o;
    o.align_corners = align_corners;
    o.half_pixel_centers = half_pixel;
    m.Options(o);
  } else {
    tflite::ResizeNearestNeighborOptionsT o;
    o.align_corners = align_corners;
    o.half_pixel_centers = half_pixel;
    m.Options(o);
  }
  return m.Build();
}

// Largest difference after rounding both to uint8 grey levels.
int MaxLevelDiff(const FloatImage& ours, const Array& oracle) {
  auto v = oracle.values<float>();
  EXPECT_EQ(v.size(), ours.data.size());
  int worst = 0;
  for (size_t i = 0; i < std::min(v.size(), ours.data.size()); ++i) {
    int a = static_cast<int>(std::clamp(std::round(ours.data[i]), 0.0f, 255.0f));
    int b = static_cast<int>(std::clamp(std::round(v[i]), 0.0f, 255.0f));
    worst = std::max(worst, std::abs(a - b));
  }
  return worst;
}

struct Case {
  std::string image;
  int out_h, out_w;
};

TEST(ResizeOracleTest, BilinearAndNearestMatchTfliteForEachConvention) {
  TFD_REQUIRE_FIXTURES();
  TFD_REQUIRE_ORACLE();
  const std::vector<Case> cases = {{"images/burger.jpg", 224, 224},          // downscale, aspect change
                                   {"images/cat.bmp", 96, 96},               // strong downscale
                                   {"images/burger-224.png", 300, 250},      // upscale in one axis
                                   {"images/mnist/sample3.png", 64, 40}};    // grey, upscale
  struct Conv {
    ResizeCoordinates c;
    bool align, half;
  };
  const Conv convs[] = {{ResizeCoordinates::kAsymmetric, false, false},
                        {ResizeCoordinates::kAlignCorners, true, false},
                        {ResizeCoordinates::kHalfPixel, false, true}};
  OracleBatch batch;
  struct Pending {
    int id;
    FloatImage ours;
    std::string what;
  };
  std::vector<Pending> pending;
  for (const auto& cs : cases) {
    FloatImage in = ToFloatImage(DecodeImage(Fixture(cs.image)));
    for (BuiltinOp op : {BuiltinOp::RESIZE_BILINEAR, BuiltinOp::RESIZE_NEAREST_NEIGHBOR})
      for (const Conv& cv : convs) {
        ResizeMethod m = op == BuiltinOp::RESIZE_BILINEAR ? ResizeMethod::kBilinear : ResizeMethod::kNearest;
        FloatImage ours = Resize(in, cs.out_w, cs.out_h, m, cv.c);
        int id = batch.Add(ResizeModel(op, in, cs.out_h, cs.out_w, cv.align, cv.half), {ImageArray(in)});
        pending.push_back({id, std::move(ours), cs.image + " " + ResizeMethodName(m) + " " + ResizeCoordinatesName(cv.c)});
      }
  }
  batch.Run();
  for (const auto& p : pending) {
    ASSERT_TRUE(batch.ok(p.id)) << p.what << ": " << batch.error(p.id);
    ASSERT_EQ(batch.outputs(p.id).size(), 1u);
    EXPECT_LE(MaxLevelDiff(p.ours, batch.outputs(p.id)[0]), 1) << p.what;
  }
}

TEST(ResizeOracleTest, IntegerFactorAreaEqualsAveragePool) {
  TFD_REQUIRE_FIXTURES();
  TFD_REQUIRE_ORACLE();
  struct AreaCase {
    std::string image;
    int factor;
  };
  OracleBatch batch;
  std::vector<std::pair<int, FloatImage>> pending;
  for (const AreaCase& ac : {AreaCase{"images/burger.jpg", 4}, AreaCase{"images/sunflower.bmp", 2},
                             AreaCase{"images/mnist/sample7.png", 7}}) {
    FloatImage in = ToFloatImage(DecodeImage(Fixture(ac.image)));
    in = Crop(in, 0, 0, in.width - in.width % ac.factor, in.height - in.height % ac.factor);
    int oh = in.height / ac.factor, ow = in.width / ac.factor;
    for (ResizeCoordinates c : {ResizeCoordinates::kHalfPixel, ResizeCoordinates::kAsymmetric,
                                ResizeCoordinates::kPil, ResizeCoordinates::kOpenCv}) {
      FloatImage ours = Resize(in, ow, oh, ResizeMethod::kArea, c);
      OpModel m(BuiltinOp::AVERAGE_POOL_2D);
      m.Input({DType::FLOAT32, {1, in.height, in.width, in.channels}});
      m.Output({DType::FLOAT32, {1, oh, ow, in.channels}});
      tflite::Pool2DOptionsT o;
      o.padding = tflite::Padding::VALID;
      o.stride_w = o.stride_h = o.filter_width = o.filter_height = ac.factor;
      m.Options(o);
      pending.push_back({batch.Add(m.Build(), {ImageArray(in)}), std::move(ours)});
    }
  }
  batch.Run();
  for (const auto& [id, ours] : pending) {
    ASSERT_TRUE(batch.ok(id)) << batch.error(id);
    auto v = batch.outputs(id)[0].values<float>();
    ASSERT_EQ(v.size(), ours.data.size());
    double worst = 0;
    for (size_t i = 0; i < v.size(); ++i) worst = std::max(worst, std::abs(static_cast<double>(v[i]) - ours.data[i]));
    EXPECT_LT(worst, 1e-3) << "area vs AVERAGE_POOL_2D";
  }
}

}  // namespace
}  // namespace tfd
