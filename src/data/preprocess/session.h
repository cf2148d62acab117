#pragma once
// One model ready to run on data: its interpreter, input target, expected
// preprocessing and labels; predictions as dequantized scores.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "data/preprocess/expected.h"
#include "data/preprocess/label_match.h"
#include "data/dataset.h"
#include "data/preprocess.h"
#include "graph/model.h"
#include "interpreter/interpreter.h"

namespace tfd {

class ModelSession {
 public:
  // Loads the model (tfd::Error naming the file) and prepares an interpreter.
  // Only models with one input are supported.
  explicit ModelSession(const std::string& path, const ExpectedPreprocessing* partner = nullptr,
                        const InterpreterOptions& options = {});
  // A model already in memory (read by the caller, or written by the
  // quantizer); `name` stands for its path in messages.
  ModelSession(Model model, const std::string& name, const ExpectedPreprocessing* partner = nullptr,
               const InterpreterOptions& options = {});
  ~ModelSession();

  const std::string& path() const { return path_; }  // or the name given with a model in memory
  const Model& model() const { return *model_; }
  const InputTarget& target() const { return expected_.target; }
  const ExpectedPreprocessing& expected() const { return expected_; }
  // Re-derive the expectation with a paired model's (used for a float
  // reference that says nothing itself).
  void SetPartner(const ExpectedPreprocessing& partner);

  // Labels of output 0: from the model's metadata, or set by the caller.
  const std::vector<std::string>& labels() const { return labels_; }
  const std::string& labels_source() const { return labels_source_; }
  void SetLabels(std::vector<std::string> labels, std::string source);

  // The sample as input bytes under `spec`.
  TensorData Prepare(const Sample& sample, const PreprocessSpec& spec, const std::string& source,
                     bool allow_cast = false) const;
  // Output 0, dequantized to float.
  std::vector<float> Run(const TensorData& input);
  // Another interpreter of this model with the session's options, for a
  // worker thread running items beside others; RunOn is Run on it.
  std::unique_ptr<Interpreter> NewInterpreter() const;
  std::vector<float> RunOn(Interpreter& interp, const TensorData& input) const;
  // Runs the model on `input` and leaves every output in interpreter(), for
  // results that are more than output 0's scores (boxes, class maps).
  void Invoke(const TensorData& input);
  const Interpreter& interpreter() const { return *interp_; }
  // Whether output 0 is already a probability (produced by SOFTMAX or
  // LOGISTIC, possibly through reshapes).
  bool output_is_probability() const { return output_is_probability_; }
  // Whether output 0 is one vector of class scores (top-1 applies): shaped
  // so, and probabilities or labelled. Else a dense output (boxes, a mask,
  // landmarks: a [1, 63] landmark vector is shaped like scores too),
  // measured by its SQNR.
  bool output_is_class_scores() const {
    return output_shaped_as_scores_ && (output_is_probability_ || !labels_.empty());
  }
  // Probabilities from scores: as they are, or softmax of logits.
  std::vector<float> Probabilities(const std::vector<float>& scores) const;

 private:
  std::string path_;
  std::unique_ptr<Model> model_;
  InterpreterOptions options_;
  std::unique_ptr<Interpreter> interp_;
  ExpectedPreprocessing expected_;
  std::vector<std::string> labels_;
  std::string labels_source_;
  bool output_is_probability_ = false;
  bool output_shaped_as_scores_ = false;
};

// A tensor's values as real numbers (dequantized with its scale and zero
// point); tfd::Error for a type without real values (bool, strings).
std::vector<float> RealValues(const RuntimeTensor& t);
bool Dequantizable(DType dtype);

// Indices of the k highest scores, highest first (ties: lower index first).
std::vector<int> TopK(const std::vector<float>& scores, size_t k);

// 10 log10(sum ref^2 / sum (x - ref)^2); +inf when identical.
double SqnrDb(const std::vector<float>& x, const std::vector<float>& ref);

// An SQNR as it is compared and averaged: at most 100 dB (an exact output),
// an infinite or undefined one +-100 dB.
inline double CappedSqnrDb(double db) { return std::isfinite(db) ? std::min(db, 100.0) : (db > 0 ? 100.0 : -100.0); }

}  // namespace tfd
