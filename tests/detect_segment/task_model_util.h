#pragma once
// Copies of fixture models with the TFLite metadata the Task Library's
// vision tasks require (the fixtures have none), written with tflite-doctor's
// own model writer; the fixtures themselves are never modified.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "format/model_reader.h"
#include "format/model_writer.h"
#include "tflite_metadata_generated.h"
#include "util/file_io.h"

namespace tfd::testing {

namespace md = tflite_metadata;

inline std::unique_ptr<md::TensorMetadataT> NamedTensor(const std::string& name) {
  auto t = std::make_unique<md::TensorMetadataT>();
  t->name = name;
  return t;
}

inline std::unique_ptr<md::TensorMetadataT> RgbImageInput() {
  auto t = NamedTensor("image");
  t->content = std::make_unique<md::ContentT>();
  md::ImagePropertiesT image;
  image.color_space = md::ColorSpaceType::RGB;
  t->content->content_properties.Set(std::move(image));
  return t;
}

inline std::unique_ptr<md::AssociatedFileT> LabelFile(const std::string& name, md::AssociatedFileType type) {
  auto f = std::make_unique<md::AssociatedFileT>();
  f->name = name;
  f->type = type;
  return f;
}

inline void AttachMetadata(Model& model, const md::ModelMetadataT& metadata) {
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(md::ModelMetadata::Pack(fbb, &metadata), "M001");
  model.buffers.push_back({std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize())});
  model.metadata.push_back({"TFLITE_METADATA", static_cast<uint32_t>(model.buffers.size() - 1)});
}

// `ssd` with metadata as Model Maker writes for an SSD: an RGB image input;
// outputs location (boxes as [top, left, bottom, right] ratios), category
// (with `labels` as its TENSOR_VALUE_LABELS file, when given), score and
// number of detections; `score_threshold` as ScoreThresholdingOptions.
inline void WriteSsdWithMetadata(const std::string& ssd, const std::string& out,
                                 const std::optional<std::string>& labels, std::optional<float> score_threshold = {}) {
  Model model = LoadModel(ssd);
  md::ModelMetadataT m;
  m.name = "SSD with metadata (test copy)";
  m.min_parser_version = "1.2.0";
  auto sg = std::make_unique<md::SubGraphMetadataT>();
  sg->input_tensor_metadata.push_back(RgbImageInput());
  auto location = NamedTensor("location");
  location->content = std::make_unique<md::ContentT>();
  md::BoundingBoxPropertiesT box;
  box.index = {1, 0, 3, 2};
  box.type = md::BoundingBoxType::BOUNDARIES;
  box.coordinate_type = md::CoordinateType::RATIO;
  location->content->content_properties.Set(std::move(box));
  sg->output_tensor_metadata.push_back(std::move(location));
  auto category = NamedTensor("category");
  if (labels) {
    category->associated_files.push_back(LabelFile("labelmap.txt", md::AssociatedFileType::TENSOR_VALUE_LABELS));
    model.associated_files.push_back({"labelmap.txt", ReadFileBytes(*labels)});
  }
  sg->output_tensor_metadata.push_back(std::move(category));
  auto score = NamedTensor("score");
  if (score_threshold) {
    auto unit = std::make_unique<md::ProcessUnitT>();
    md::ScoreThresholdingOptionsT th;
    th.global_score_threshold = *score_threshold;
    unit->options.Set(std::move(th));
    score->process_units.push_back(std::move(unit));
  }
  sg->output_tensor_metadata.push_back(std::move(score));
  sg->output_tensor_metadata.push_back(NamedTensor("number of detections"));
  m.subgraph_metadata.push_back(std::move(sg));
  AttachMetadata(model, m);
  SaveModel(model, out);
}

}  // namespace tfd::testing

namespace tfd::testing {

// A model whose output is its uint8 input [1, height, width, 3] reshaped to
// [1, height * width * 3], both with scale 1 and zero point 0: run by the
// Task Library's ImageClassifier, its class scores are the input values its
// preprocessing made.
inline Model InputEchoModel(int height, int width) {
  Model m;
  m.buffers.push_back({});
  m.op_codes.push_back({BuiltinOp::RESHAPE, "", 1});
  Subgraph g;
  Quantization unit;
  unit.scale = {1.0f};
  unit.zero_point = {0};
  Tensor in;
  in.name = "image";
  in.dtype = DType::UINT8;
  in.shape = {1, height, width, 3};
  in.quantization = unit;
  Tensor out = in;
  out.name = "values";
  out.shape = {1, height * width * 3};
  Tensor shape;
  shape.name = "new_shape";
  shape.dtype = DType::INT32;
  shape.shape = {2};
  std::vector<int32_t> dims = {1, height * width * 3};
  m.buffers.push_back({std::vector<uint8_t>(reinterpret_cast<uint8_t*>(dims.data()), reinterpret_cast<uint8_t*>(dims.data()) + 8)});
  shape.buffer = 1;
  g.tensors = {in, out, shape};
  Operator op;
  op.opcode_index = 0;
  op.inputs = {0, 2};
  op.outputs = {1};
  tflite::ReshapeOptionsT options;
  options.new_shape = dims;
  op.options.Set(std::move(options));
  g.operators.push_back(std::move(op));
  g.inputs = {0};
  g.outputs = {1};
  m.subgraphs.push_back(std::move(g));
  return m;
}

}  // namespace tfd::testing
