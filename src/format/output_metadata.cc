#include "format/output_metadata.h"

#include <sstream>

#include <flatbuffers/flatbuffers.h>

#include "tflite_metadata_generated.h"
#include "util/error.h"

namespace tfd {
namespace {

namespace md = tflite_metadata;

const AssociatedFile* FindFile(const Model& model, const std::string& name) {
  for (const auto& f : model.associated_files)
    if (f.name == name) return &f;
  return nullptr;
}

// A line "scale,slope,offset[,min_score]" of a score calibration file.
std::optional<CalibrationParams> ParseCalibrationLine(const std::string& line, const std::string& file, size_t number) {
  if (line.find_first_not_of(" \t\r") == std::string::npos) return std::nullopt;
  std::vector<float> values;
  std::stringstream ss(line);
  std::string field;
  while (std::getline(ss, field, ',')) {
    try {
      size_t used = 0;
      values.push_back(std::stof(field, &used));
    } catch (const std::exception&) {
      Fail("score calibration file {} line {}: '{}' is not a number", file, number, field);
    }
  }
  if (values.size() != 3 && values.size() != 4)
    Fail("score calibration file {} line {}: expected scale,slope,offset[,min_score], got {} values", file, number,
         values.size());
  CalibrationParams p{values[0], values[1], values[2], std::nullopt};
  if (values.size() == 4) p.min_score = values[3];
  return p;
}

OutputTaskMetadata ReadOne(const Model& model, const md::TensorMetadata& t) {
  OutputTaskMetadata out;
  if (t.name()) out.name = t.name()->str();
  if (const auto* content = t.content())
    if (const auto* box = content->content_properties_as_BoundingBoxProperties()) {
      BoxProperties p;
      if (box->index()) {
        if (box->index()->size() != 4) Fail("output '{}': BoundingBoxProperties.index has {} entries, not 4", out.name, box->index()->size());
        for (int i = 0; i < 4; ++i) {
          uint32_t v = box->index()->Get(static_cast<flatbuffers::uoffset_t>(i));
          if (v > 3) Fail("output '{}': BoundingBoxProperties.index holds {}, beyond 0..3", out.name, v);
          p.index[static_cast<size_t>(i)] = static_cast<int>(v);
        }
      } else {
        p.index = {0, 1, 2, 3};  // the metadata schema's default order
      }
      switch (box->type()) {
        case md::BoundingBoxType::UPPER_LEFT: p.type = BoxType::kUpperLeft; break;
        case md::BoundingBoxType::CENTER: p.type = BoxType::kCenter; break;
        default: p.type = BoxType::kBoundaries; break;
      }
      p.coordinates = box->coordinate_type() == md::CoordinateType::PIXEL ? BoxCoordinates::kPixel : BoxCoordinates::kRatio;
      out.box = p;
    }
  if (t.process_units())
    for (const auto* unit : *t.process_units()) {
      if (!unit) continue;
      if (const auto* th = unit->options_as_ScoreThresholdingOptions()) out.score_threshold = th->global_score_threshold();
      if (const auto* cal = unit->options_as_ScoreCalibrationOptions()) {
        ScoreCalibration c;
        c.default_score = cal->default_score();
        switch (cal->score_transformation()) {
          case md::ScoreTransformationType::LOG: c.transform = ScoreTransform::kLog; break;
          case md::ScoreTransformationType::INVERSE_LOGISTIC: c.transform = ScoreTransform::kInverseLogistic; break;
          default: c.transform = ScoreTransform::kIdentity; break;
        }
        out.calibration = c;
      }
    }
  if (out.calibration && t.associated_files()) {
    for (const auto* f : *t.associated_files()) {
      if (!f || f->type() != md::AssociatedFileType::TENSOR_AXIS_SCORE_CALIBRATION || !f->name()) continue;
      const AssociatedFile* file = FindFile(model, f->name()->str());
      if (!file) Fail("output '{}': its score calibration file {} is not in the model", out.name, f->name()->str());
      std::string text(file->data.begin(), file->data.end());
      std::stringstream ss(text);
      std::string line;
      size_t number = 0;
      while (std::getline(ss, line)) out.calibration->per_class.push_back(ParseCalibrationLine(line, file->name, ++number));
    }
  }
  return out;
}

}  // namespace

std::vector<OutputTaskMetadata> ReadOutputTaskMetadata(const Model& model) {
  const auto* bytes = model.MetadataBytes("TFLITE_METADATA");
  if (!bytes) return {};
  flatbuffers::Verifier verifier(bytes->data(), bytes->size());
  if (!verifier.VerifyBuffer<md::ModelMetadata>(nullptr)) Fail("TFLITE_METADATA is not a valid metadata flatbuffer");
  const auto* m = flatbuffers::GetRoot<md::ModelMetadata>(bytes->data());
  std::vector<OutputTaskMetadata> out;
  if (!m->subgraph_metadata() || m->subgraph_metadata()->size() == 0) return out;
  const auto* sg = m->subgraph_metadata()->Get(0);
  if (!sg || !sg->output_tensor_metadata()) return out;
  for (const auto* t : *sg->output_tensor_metadata()) out.push_back(t ? ReadOne(model, *t) : OutputTaskMetadata{});
  return out;
}

}  // namespace tfd
