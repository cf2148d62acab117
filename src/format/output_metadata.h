#pragma once
// What TFLite metadata says about how to read a model's outputs as a task's
// results (detection boxes, score calibration, thresholds), beside the
// general reader in metadata.h, which gives names, labels and normalization.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "graph/model.h"

namespace tfd {

enum class BoxType { kBoundaries, kUpperLeft, kCenter };  // [l,t,r,b], [l,t,w,h], [cx,cy,w,h]
enum class BoxCoordinates { kRatio, kPixel };

struct BoxProperties {
  // Where left, top, right, bottom (or their kUpperLeft / kCenter
  // counterparts) sit in the 4 values of a box: SSD stores [top, left,
  // bottom, right], i.e. index {1, 0, 3, 2}.
  std::array<int, 4> index = {1, 0, 3, 2};
  BoxType type = BoxType::kBoundaries;
  BoxCoordinates coordinates = BoxCoordinates::kRatio;
};

enum class ScoreTransform { kIdentity, kLog, kInverseLogistic };

struct CalibrationParams {
  float scale = 1, slope = 1, offset = 0;
  std::optional<float> min_score;
};

struct ScoreCalibration {
  ScoreTransform transform = ScoreTransform::kIdentity;
  float default_score = 0;
  // One entry per class (line of the TENSOR_AXIS_SCORE_CALIBRATION file); an
  // empty line gives nullopt: that class always scores default_score.
  std::vector<std::optional<CalibrationParams>> per_class;
};

struct OutputTaskMetadata {
  std::string name;  // the tensor metadata's name ("location", "score"...)
  std::optional<BoxProperties> box;
  std::optional<ScoreCalibration> calibration;
  std::optional<float> score_threshold;  // ScoreThresholdingOptions
};

// One entry per output of subgraph 0 that the metadata describes, in output
// order; empty when the model has no TFLITE_METADATA. tfd::Error for a
// malformed metadata buffer or score calibration file.
std::vector<OutputTaskMetadata> ReadOutputTaskMetadata(const Model& model);

}  // namespace tfd
