#pragma once
// A detector's outputs as the objects it found: boxes in the image's own
// pixels, class index and name, score. The steps are the Task Library
// ObjectDetector's: the first `count` rows (already sorted by score by the
// model's post-processing), each score calibrated where the metadata says
// so, kept when above the threshold, until max_results are kept; box edges
// read through the metadata's corner order and scaled by the image size.
#include <optional>
#include <string>
#include <vector>

#include "data/detection/detector_outputs.h"
#include "interpreter/interpreter.h"

namespace tfd {

// Edges in pixels of the image the detector was given (or in ratios of its
// size when decoded with size 1 x 1).
struct Box {
  float left = 0, top = 0, right = 0, bottom = 0;
  float width() const { return right - left; }
  float height() const { return bottom - top; }
};

struct Detection {
  Box box;
  int class_index = 0;
  float score = 0;
  std::string label;  // "" when the model has no name for the class
};

// The Task Library's integer box: origin rounded, size from the rounded edges.
struct PixelBox {
  int x = 0, y = 0, width = 0, height = 0;
};
PixelBox ToPixelBox(const Box& box);

// The detector's four outputs, dequantized to float.
struct DetectorValues {
  std::vector<float> boxes, classes, scores;
  float count = 0;
};
DetectorValues ReadDetectorValues(const Interpreter& interp, const DetectorOutputs& outputs);

struct DetectOptions {
  // Detections scoring at or below it are dropped; nullopt: the metadata's
  // threshold, else none.
  std::optional<float> score_threshold;
  int max_results = -1;  // < 1: all the model returns
};

// `labels` names class i at line i (the metadata's, or a --labels file).
std::vector<Detection> DecodeDetections(const DetectorValues& values, const DetectorOutputs& outputs,
                                        int image_width, int image_height, const DetectOptions& options,
                                        const std::vector<std::string>& labels);

// A raw score through the metadata's score calibration for `class_index`.
float CalibrateScore(const ScoreCalibration& calibration, int class_index, float score);

}  // namespace tfd
