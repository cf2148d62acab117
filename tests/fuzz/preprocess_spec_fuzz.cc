// Preprocessing specs typed by hand: any JSON, any field values.
#include <nlohmann/json.hpp>

#include "data/preprocess.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return tfd::fuzz::Guard(data, size, [](const std::vector<uint8_t>& bytes) {
    nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return;
    tfd::PreprocessSpec spec = tfd::ParsePreprocessSpec(j, "fuzz.json");
    // What parses describes itself and writes back as a spec that parses again.
    (void)tfd::DescribeSpec(spec);
    tfd::ParsePreprocessSpec(tfd::PreprocessSpecJson(spec), "round-trip.json");
  });
}
