// The topology corpus: every file in traces/corpus/topology/ carries its expected result
// ("# expect: sound" or "# expect: violated ID ...", the exact set of invariant IDs that
// fire) and one line of why; every real sample in tests/data/topologies/ carries the
// verdict its reporter or the kernel gave ("verdict: ok" / "verdict: broken"). Each file is
// one test case, so a new file is picked up without touching this code. A "# era: vX.Y"
// header line is passed as the era hint (CLI --era), for dumps whose layout does not date
// them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "traces/litmus.h"

namespace sbm {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Every corpus file, and the real samples (those whose header states a verdict; the
// crafted reader samples next to them test the readers only).
std::vector<std::string> corpus_files() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(SBM_CORPUS_DIR "/topology"))
    if (e.path().extension() == ".txt") files.push_back(e.path().string());
  for (const auto& e : fs::directory_iterator(SBM_DATA_DIR "/topologies"))
    if (e.path().extension() == ".txt" && topology_litmus_expect(read_file(e.path().string())))
      files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

class TopologyCorpus : public ::testing::TestWithParam<std::string> {};

// Judged as `sbm corpus check` judges it (traces/litmus.h).
TEST_P(TopologyCorpus, CheckGivesTheStatedResult) {
  const TopologyLitmus litmus = check_topology_litmus(GetParam());
  ASSERT_FALSE(litmus.error) << GetParam() << ":" << litmus.error->line << ": "
                             << litmus.error->message;
  EXPECT_TRUE(litmus.verdict.ok) << GetParam() << ": expected " << litmus.verdict.expected
                                 << ", observed " << litmus.verdict.observed;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, TopologyCorpus, ::testing::ValuesIn(corpus_files()), test_name);

}  // namespace
}  // namespace sbm
