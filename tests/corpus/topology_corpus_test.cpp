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

#include "properties/topo_invariants.h"
#include "traces/topology_dump/read.h"

namespace sbm {
namespace {

namespace fs = std::filesystem;

struct Expectation {
  bool sound = true;
  std::optional<std::set<std::string>> ids;  // exact set; nullopt: any violation (real samples)
};

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::optional<Expectation> expectation_of(const std::string& text);

// Every corpus file, and the real samples (those whose header states a verdict; the
// crafted reader samples next to them test the readers only).
std::vector<std::string> corpus_files() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(SBM_CORPUS_DIR "/topology"))
    if (e.path().extension() == ".txt") files.push_back(e.path().string());
  for (const auto& e : fs::directory_iterator(SBM_DATA_DIR "/topologies"))
    if (e.path().extension() == ".txt" && expectation_of(read_file(e.path().string())))
      files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::optional<Expectation> expectation_of(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line) && line.rfind('#', 0) == 0;) {
    if (auto p = line.find("# expect: "); p == 0) {
      std::istringstream words(line.substr(10));
      std::string verdict;
      words >> verdict;
      Expectation e{verdict == "sound", std::set<std::string>{}};
      for (std::string id; words >> id;) e.ids->insert(id);
      return e;
    }
    if (line.find("verdict: ok") != std::string::npos)
      return Expectation{true, std::set<std::string>{}};
    if (line.find("verdict: broken") != std::string::npos) return Expectation{false, std::nullopt};
  }
  return std::nullopt;
}

std::optional<KernelVersion> era_of(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line) && line.rfind('#', 0) == 0;)
    if (line.rfind("# era: ", 0) == 0) return parse_kernel_version(line.substr(7));
  return std::nullopt;
}

class TopologyCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(TopologyCorpus, CheckGivesTheStatedResult) {
  const std::string text = read_file(GetParam());
  const auto expected = expectation_of(text);
  ASSERT_TRUE(expected) << GetParam() << ": no '# expect:' or 'verdict:' header line";
  const DumpReadResult read = read_topology_dump(text, GetParam(), DumpReadOptions{era_of(text)});
  ASSERT_TRUE(read.errors.empty())
      << GetParam() << ":" << read.errors.front().line << ": " << read.errors.front().message;
  ASSERT_TRUE(read.topology);
  const TopoCheckReport report = check_topology(*read.topology);
  std::set<std::string> fired;
  for (const Violation& v : report.violations) fired.insert(v.id);
  EXPECT_EQ(fired.empty(), expected->sound) << GetParam();
  if (expected->ids) {
    EXPECT_EQ(fired, *expected->ids) << GetParam();
  }
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
