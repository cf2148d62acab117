// Dataset labels against a model's labels: comma-separated names both ways,
// ambiguities decided the same way every time.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "data/dataset.h"
#include "data/preprocess/label_match.h"
#include "format/metadata.h"
#include "format/model_reader.h"
#include "test_support.h"
#include "util/error.h"

namespace tfd {
namespace {

using testing::Fixture;

TEST(LabelMatchTest, AnyNameMatchesBothWays) {
  const std::vector<std::string> model = {"background", "tench", "goldfish, Carassius auratus", "great white shark"};
  // Dataset label with synonyms, model label plain.
  EXPECT_EQ(LabelIndex("tench, Tinca tinca", model), 1);
  EXPECT_EQ(LabelIndex("Tinca tinca, tench", model), 1);
  // Dataset label plain, model label with synonyms.
  EXPECT_EQ(LabelIndex("Carassius auratus", model), 2);
  EXPECT_EQ(LabelIndex("goldfish", model), 2);
  // Both with synonyms, one shared; trimmed, case and '_' ignored.
  EXPECT_EQ(LabelIndex("  GOLDFISH ,  koi", model), 2);
  EXPECT_EQ(LabelIndex("great_white_shark, man-eater", model), 3);
  // Whole labels too, and numbers as indices when no name matches.
  EXPECT_EQ(LabelIndex("goldfish, Carassius auratus", model), 2);
  EXPECT_EQ(LabelIndex("3", model), 3);
  EXPECT_EQ(LabelIndex("7", model), -1);
  EXPECT_EQ(LabelIndex("carp", model), -1);
  EXPECT_EQ(LabelIndex(" , ", model), -1);
  EXPECT_EQ(LabelIndex("", model), -1);
  // A part of a name is not a name.
  EXPECT_EQ(LabelIndex("shark", model), -1);
}

TEST(LabelMatchTest, AmbiguousMatchesAreDecidedByAFixedOrder) {
  const std::vector<std::string> model = {"crane", "partridge", "ruffed grouse", "cardigan", "Cardigan", "crane",
                                          "missile", "projectile"};
  // 1. the whole label, exactly, before the same ignoring case.
  EXPECT_EQ(LabelIndex("cardigan", model), 3);
  EXPECT_EQ(LabelIndex("Cardigan", model), 4);
  // 2. the dataset label's earliest name that matches.
  EXPECT_EQ(LabelIndex("ruffed grouse, partridge, Bonasa umbellus", model), 2);
  EXPECT_EQ(LabelIndex("partridge, ruffed grouse", model), 1);
  EXPECT_EQ(LabelIndex("projectile, missile", model), 7);
  // 4. same case before a different case.
  EXPECT_EQ(LabelIndex("Cardigan, Cardigan Welsh corgi", model), 4);
  EXPECT_EQ(LabelIndex("cardigan, jacket", model), 3);
  // 5. the lower index for the same name listed twice.
  EXPECT_EQ(LabelIndex("crane", model), 0);
  // Order of the model's labels does not change what a name picks, beyond
  // the duplicates: reversed, the same labels map to the same names.
  std::vector<std::string> reversed(model.rbegin(), model.rend());
  EXPECT_EQ(reversed[static_cast<size_t>(LabelIndex("ruffed grouse, partridge, Bonasa umbellus", reversed))],
            "ruffed grouse");
  EXPECT_EQ(reversed[static_cast<size_t>(LabelIndex("Cardigan, Cardigan Welsh corgi", reversed))], "Cardigan");
  EXPECT_EQ(reversed[static_cast<size_t>(LabelIndex("projectile, missile", reversed))], "projectile");
}

TEST(LabelMatchTest, ImagenetSampleMapsEveryItemToItsClassOnTheTfliteModelsLabels) {
  // imagenet-sample's labels are ImageNet's full names ("goldfish,
  // Carassius auratus"); the TFLite MobileNet's label file has short ones
  // ("goldfish"). The full-name list (labels/imagenet_labels.txt) has the
  // same indices (background is 0), so every item's class is known.
  TFD_REQUIRE_FIXTURES();
  Model model = LoadModel(Fixture("models/tflite-support/mobilenet_v1_0.25_224_1_metadata_1.tflite"));
  auto md = ReadModelMetadata(model);
  ASSERT_TRUE(md && !md->outputs.empty());
  const std::vector<std::string>& labels = md->outputs[0].labels;
  ASSERT_EQ(labels.size(), 1001u);
  std::vector<std::string> full = ReadLabelsFile(Fixture("labels/imagenet_labels.txt"));
  ASSERT_EQ(full.size(), 1001u);
  std::map<std::string, int> truth;
  for (size_t i = 0; i < full.size(); ++i) truth.emplace(full[i], static_cast<int>(i));
  Dataset d = OpenDataset(Fixture("imagenet-sample/labels.csv"));
  ASSERT_EQ(d.items.size(), 500u);
  size_t mapped = 0, right = 0;
  for (const auto& item : d.items) {
    int index = LabelIndex(item.label, labels);
    mapped += index >= 0;
    auto t = truth.find(item.label);
    ASSERT_NE(t, truth.end()) << item.label;
    if (index == t->second) ++right;
    else ADD_FAILURE() << "'" << item.label << "' -> " << index << " ('" << (index >= 0 ? labels[static_cast<size_t>(index)] : "")
                       << "'), expected " << t->second;
  }
  EXPECT_EQ(mapped, 500u);  // was 252 when only whole dataset labels were compared
  EXPECT_EQ(right, 500u);
}

TEST(LabelMatchTest, TooManyUnmappedIsMoreThanAFewLabelsOrAShareOfTheItems) {
  EXPECT_FALSE(TooManyUnmapped(0, 0, 500));
  EXPECT_FALSE(TooManyUnmapped(3, 3, 500));   // three rare labels
  EXPECT_TRUE(TooManyUnmapped(4, 4, 500));    // more than a few labels
  EXPECT_TRUE(TooManyUnmapped(1, 25, 500));   // one label, 5% of the items
  EXPECT_FALSE(TooManyUnmapped(1, 24, 500));
  EXPECT_TRUE(TooManyUnmapped(248, 248, 500));
}

TEST(LabelsFileTest, ClassMapCsvIsReadByIndexWithQuotedNames) {
  auto dir = testing::TempDir("classmap");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
    return (dir / name).string();
  };
  // Rows out of order, a quoted name holding commas, CRLF line ends.
  auto labels = ReadLabelsFile(write("map.csv",
                                     "index,mid,display_name\r\n2,/m/c,Conversation\r\n0,/m/a,Speech\r\n"
                                     "1,/m/b,\"Child speech, kid speaking\"\r\n"));
  EXPECT_EQ(labels, (std::vector<std::string>{"Speech", "Child speech, kid speaking", "Conversation"}));
  // The columns are found by name, wherever they are.
  EXPECT_EQ(ReadLabelsFile(write("swapped.csv", "display_name,index\ncat,1\ndog,0\n")),
            (std::vector<std::string>{"dog", "cat"}));
  // A plain labels file whose first line merely contains commas stays a list.
  EXPECT_EQ(ReadLabelsFile(write("plain.txt", "goldfish, Carassius auratus\ntench\n")),
            (std::vector<std::string>{"goldfish, Carassius auratus", "tench"}));
  auto error_of = [&](const std::string& text) {
    try {
      ReadLabelsFile(write("bad.csv", text));
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("index,display_name\n0,a\n2,c\n").find("no row for index 1"), std::string::npos);
  EXPECT_NE(error_of("index,display_name\n0,a\n0,b\n").find("index 0 appears twice"), std::string::npos);
  EXPECT_NE(error_of("index,display_name\nx,a\n").find("bad.csv:2: class map index 'x'"), std::string::npos);
  EXPECT_NE(error_of("index,display_name\n-1,a\n").find("is not a class index"), std::string::npos);
  EXPECT_NE(error_of("index,mid,display_name\n0\n").find("has 1 fields"), std::string::npos);
  EXPECT_NE(error_of("index,display_name\n").find("no classes"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(LabelsFileTest, YamnetClassMapShippedInTheRepositoryHas521Classes) {
  auto labels = ReadLabelsFile((std::filesystem::path(TFD_SOURCE_DIR) / "labels" / "yamnet_class_map.csv").string());
  ASSERT_EQ(labels.size(), 521u);
  EXPECT_EQ(labels[0], "Speech");
  EXPECT_EQ(labels[1], "Child speech, kid speaking");
  EXPECT_EQ(labels[494], "Silence");
  EXPECT_EQ(labels[520], "Field recording");
}

}  // namespace
}  // namespace tfd
