#pragma once
// A dataset's items decoded one at a time, so that memory holds one item
// whatever the dataset's size: the listing (paths and labels) stays in
// memory, decoded pixels do not. Every command that runs a model over a
// dataset (eval, compare --data, audit-preprocessing) and any calibration
// (a quantizer's representative data) reads items through this.
//
// Pull style, decoded files:
//
//   Dataset dataset = OpenDataset("photos/");
//   ItemStream items(dataset);
//   while (std::optional<StreamItem> item = items.Next()) {
//     if (!item->ok()) { report(item->entry->path, item->error); continue; }
//     use(item->sample);  // Image, NpyArray or Audio; gone at the next Next()
//   }
//
// Pull style, a model input's bytes (what calibration needs):
//
//   ExpectedPreprocessing e = ExpectedFor(model);     // data/preprocess/expected.h
//   InputStream inputs(dataset, e.target, e.spec);
//   while (std::optional<InputItem> in = inputs.Next())
//     if (in->ok()) interpreter.SetInput(0, in->input.dtype, in->input.shape,
//                                        in->input.bytes.data(), in->input.bytes.size());
//
// or the callback form, ForEachInput(dataset, e.target, e.spec, fn).
// Items come in the listing's order; an item that cannot be decoded or
// converted is returned with `error` set (never thrown), so the caller
// decides whether one bad file stops the run.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "data/dataset.h"
#include "data/preprocess.h"

namespace tfd {

struct StreamItem {
  size_t index = 0;                    // position in dataset.items
  const DatasetItem* entry = nullptr;  // its path and label (owned by the dataset)
  Sample sample;                       // the decoded file; empty when !ok()
  std::string error;                   // why it could not be decoded, without the path; "" when ok
  bool ok() const { return error.empty(); }
};

// Decodes dataset.items[first], [first + 1], ... in turn. The dataset must
// outlive the stream.
class ItemStream {
 public:
  explicit ItemStream(const Dataset& dataset, size_t first = 0);
  // The next item, or nullopt after the last.
  std::optional<StreamItem> Next();
  size_t size() const;  // items in the dataset
 private:
  const Dataset* dataset_;
  size_t next_;
};

// `sample` as the bytes of an input tensor described by `target` under
// `spec` (images through the pipeline, .npy and audio converted as they
// are). tfd::Error whose message starts with `source` on failure.
TensorData PrepareSample(const Sample& sample, const PreprocessSpec& spec, const InputTarget& target,
                         const std::string& source, bool allow_cast = false);

struct InputItem {
  size_t index = 0;
  const DatasetItem* entry = nullptr;
  TensorData input;   // the input tensor's bytes; empty when !ok()
  std::string error;  // why the item could not be decoded or converted, without the path
  bool ok() const { return error.empty(); }
};

// Items decoded and converted for one input tensor, one at a time.
class InputStream {
 public:
  InputStream(const Dataset& dataset, const InputTarget& target, const PreprocessSpec& spec, bool allow_cast = false);
  std::optional<InputItem> Next();
  size_t size() const { return items_.size(); }

 private:
  ItemStream items_;
  InputTarget target_;
  PreprocessSpec spec_;
  bool allow_cast_;
};

// Calls `fn` on every item of `dataset` in turn (failed ones included, with
// their error set).
void ForEachInput(const Dataset& dataset, const InputTarget& target, const PreprocessSpec& spec,
                  const std::function<void(const InputItem&)>& fn, bool allow_cast = false);

// The message of an error about `path` without its leading "path: ".
std::string WithoutPath(const std::string& message, const std::string& path);

}  // namespace tfd
