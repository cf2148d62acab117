#pragma once
// Which outputs of a model are a detector's boxes, classes, scores and
// count, and how its boxes are laid out. Read from the model itself: TFLite
// metadata names ("location", "category", "score", "number of detections",
// as the Task Library's ObjectDetector reads them), else the outputs of a
// TFLite_Detection_PostProcess node, else the shapes in SSD's output order
// (boxes first) or EfficientDet-Lite's (scores first).
#include <optional>
#include <string>
#include <vector>

#include "format/output_metadata.h"
#include "graph/model.h"

namespace tfd {

struct DetectorOutputs {
  // Positions among the outputs of subgraph 0.
  size_t boxes = 0, classes = 0, scores = 0, count = 0;
  int max_detections = 0;  // N of the [1, N, 4] box tensor; 0 when known only at run time
  BoxProperties box;       // SSD's [top, left, bottom, right] ratios unless the metadata says otherwise
  std::optional<ScoreCalibration> calibration;
  std::optional<float> score_threshold;  // declared by the metadata
  std::vector<std::string> labels;       // of the classes output, from its metadata
  std::string labels_file;
  std::string found_by;  // "metadata", "TFLite_Detection_PostProcess", "output shapes"
};

// nullopt when the model does not have a detector's four outputs.
std::optional<DetectorOutputs> FindDetectorOutputs(const Model& model);

}  // namespace tfd
