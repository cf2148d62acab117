#include "data/item_stream.h"

#include "util/error.h"

namespace tfd {

namespace {

// A decoding error names the file first ("PATH: cannot decode..."): the
// item already carries the path.
std::string DecodeErrorWithoutPath(const std::string& msg, const std::string& path) {
  if (msg.rfind(path, 0) != 0) return msg;
  return msg.substr(path.size() + (msg.size() > path.size() + 1 ? 2 : 0));
}

}  // namespace

std::string WithoutPath(const std::string& message, const std::string& path) {
  if (message.rfind(path + ": ", 0) == 0) return message.substr(path.size() + 2);
  return message;
}

ItemStream::ItemStream(const Dataset& dataset, size_t first) : dataset_(&dataset), next_(first) {}

size_t ItemStream::size() const { return dataset_->items.size(); }

std::optional<StreamItem> ItemStream::Next() {
  if (next_ >= dataset_->items.size()) return std::nullopt;
  StreamItem item;
  item.index = next_++;
  item.entry = &dataset_->items[item.index];
  try {
    item.sample = LoadSample(item.entry->path);
  } catch (const Error& e) {
    item.error = DecodeErrorWithoutPath(e.what(), item.entry->path);
    if (item.error.empty()) item.error = "cannot be read";
  }
  return item;
}

TensorData PrepareSample(const Sample& sample, const PreprocessSpec& spec, const InputTarget& target,
                         const std::string& source, bool allow_cast) {
  try {
    if (const Image* img = std::get_if<Image>(&sample)) return PreprocessImage(*img, spec, target, allow_cast);
    if (const NpyArray* a = std::get_if<NpyArray>(&sample)) return TensorFromNpy(*a, spec, target, source);
    return TensorFromAudio(std::get<Audio>(sample), spec, target);
  } catch (const Error& e) {
    std::string msg = e.what();
    if (msg.rfind(source, 0) == 0) throw;
    Fail("{}: {}", source, msg);
  }
}

InputStream::InputStream(const Dataset& dataset, const InputTarget& target, const PreprocessSpec& spec,
                         bool allow_cast)
    : items_(dataset), target_(target), spec_(spec), allow_cast_(allow_cast) {}

std::optional<InputItem> InputStream::Next() {
  std::optional<StreamItem> item = items_.Next();
  if (!item) return std::nullopt;
  InputItem out;
  out.index = item->index;
  out.entry = item->entry;
  out.error = std::move(item->error);
  if (!out.ok()) return out;
  try {
    out.input = PrepareSample(item->sample, spec_, target_, out.entry->path, allow_cast_);
  } catch (const Error& e) {
    out.error = WithoutPath(e.what(), out.entry->path);
  }
  return out;
}

void ForEachInput(const Dataset& dataset, const InputTarget& target, const PreprocessSpec& spec,
                  const std::function<void(const InputItem&)>& fn, bool allow_cast) {
  InputStream inputs(dataset, target, spec, allow_cast);
  while (std::optional<InputItem> item = inputs.Next()) fn(*item);
}

}  // namespace tfd
