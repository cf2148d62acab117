#pragma once
// Detection and segmentation agreement between two models, as text and JSON.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/detection/matching.h"
#include "analysis/segmentation/agreement.h"

namespace tfd {

// `threshold`: the score above which detections were compared.
std::string DetectionAgreementText(const DetectionAgreement& a, float threshold);
nlohmann::json DetectionAgreementJson(const DetectionAgreement& a, float threshold);

// `labels` name classes (may be empty).
std::string ClassMapAgreementText(const ClassMapAgreement& a, const std::vector<std::string>& labels);
nlohmann::json ClassMapAgreementJson(const ClassMapAgreement& a, const std::vector<std::string>& labels);

nlohmann::json AveragePrecisionJson(const AveragePrecision& ap, const std::vector<std::string>& labels);

}  // namespace tfd
