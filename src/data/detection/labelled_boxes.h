#pragma once
// Labelled boxes for evaluating a detector: a COCO-style JSON (images with
// file_name, annotations with image_id, category_id and bbox [x, y, width,
// height] in pixels, categories with id and name) or a CSV of
// path,label,x,y,width,height (an optional header line). Boxes are keyed by
// the image's file name (without folders), which is how dataset items are
// found in them.
#include <map>
#include <string>
#include <vector>

#include "data/detection/detections.h"

namespace tfd {

struct NamedBox {
  std::string label;
  Box box;  // pixels of the image
};

struct LabelledBoxes {
  std::map<std::string, std::vector<NamedBox>> by_file;  // file name -> its boxes
  size_t boxes = 0;
};

// tfd::Error naming the file (and the CSV line or JSON entry) when it is
// unreadable or malformed.
LabelledBoxes ReadLabelledBoxes(const std::string& path);

}  // namespace tfd
