#include "test_support.h"

namespace tfd {
namespace {

TEST(MainCli, NoArgumentsPrintsTheHelp) {
  auto r = testing::RunCli("");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  // The usage line and every subcommand with its description.
  EXPECT_NE(r.out.find("Usage:"), std::string::npos) << r.out;
  for (const char* command : {"inspect", "run", "check", "classify", "eval", "audit-preprocessing", "compare"})
    EXPECT_NE(r.out.find(std::string("\n  ") + command + " "), std::string::npos) << command << "\n" << r.out;
}

TEST(MainCli, AnUnknownSubcommandIsStillAnError) {
  auto r = testing::RunCli("frobnicate");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.err.rfind("tflite-doctor: error: unknown command 'frobnicate' (commands: audit-preprocessing, check, ", 0), 0u)
      << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
}

}  // namespace
}  // namespace tfd
