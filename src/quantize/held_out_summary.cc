#include "quantize/held_out_summary.h"

#include "data/dataset.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"

namespace tfd::quantize {

HeldOutSummary MeasureAgainstFloat(const std::string& float_path, const std::string& quantized_path,
                                   const std::string& data, const std::string& preprocess) {
  Dataset dataset = OpenDataset(data);
  ModelSession reference(float_path);
  ModelSession quantized(quantized_path, &reference.expected());
  reference.SetPartner(quantized.expected());
  EvalOptions options;
  options.spec = ResolveSpec(preprocess, quantized).spec;
  options.reference_spec = ResolveSpec(preprocess, reference).spec;
  EvalResult with_reference = Evaluate(quantized, &reference, dataset, options);
  HeldOutSummary s;
  s.data = data;
  s.items = with_reference.items.size();
  s.sqnr_db = with_reference.sqnr_db;
  s.agreement = with_reference.agreement;
  s.labeled = with_reference.labeled;
  s.top1 = with_reference.top1;
  if (s.labeled > 0) {
    EvalOptions float_options;
    float_options.spec = *options.reference_spec;
    s.float_top1 = Evaluate(reference, nullptr, dataset, float_options).top1;
  }
  return s;
}

}  // namespace tfd::quantize
