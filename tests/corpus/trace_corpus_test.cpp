// The trace corpus: every file in traces/corpus/mainline/ and traces/corpus/replay/ carries its
// expected result ("# expect: conforms" or "# expect: violated ID[,ID]", the exact set of IDs
// that fire), one line of why, and optionally the options it is checked with ("# profile:
// v2.6.20", "# idle-threshold-ms: 4"). Each file is one test case, checked as `sbm trace check
// --keep-going` does: the mainline checks and the replay of its sched_balance_* events
// (replay/: cut from `sbm trace gen` traces, some with an injected fault).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "model/profile.h"
#include "traces/trace_check_mainline.h"
#include "traces/trace_read.h"
#include "traces/trace_replay.h"

namespace sbm {
namespace {

namespace fs = std::filesystem;

struct CorpusCase {
  std::optional<bool> conforms;
  std::set<std::string> ids;
  std::string why;
  MainlineCheckOptions options;
  std::set<std::string> fired;
};

std::set<std::string> split_ids(std::string_view s) {
  std::set<std::string> ids;
  std::string cur;
  for (char ch : s) {
    if (ch == ',' || ch == ' ') {
      if (!cur.empty()) ids.insert(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) ids.insert(cur);
  return ids;
}

// Reads the header lines and runs the checker over the file.
CorpusCase run_case(const std::string& path) {
  CorpusCase c;
  {
    std::ifstream f(path);
    TraceReader reader(f);
    while (const TraceRecord* r = reader.next()) {
      if (r->kind != TraceRecordKind::Header) continue;
      if (r->key == "expect") {
        c.conforms = r->value == "conforms";
        if (r->value.starts_with("violated ")) c.ids = split_ids(r->value.substr(9));
      } else if (r->key == "why") {
        c.why = r->value;
      } else if (r->key == "profile") {
        const ProfileLookup p = find_profile(r->value);
        EXPECT_TRUE(p.profile) << path << ": " << p.error;
        if (p.profile) c.options.era = p.profile->version;
      } else if (r->key == "idle-threshold-ms") {
        c.options.idle_threshold_ns = std::stoull(std::string(r->value)) * 1'000'000;
      }
    }
  }
  std::ifstream f(path);
  TraceReader reader(f);
  MainlineTraceChecker checker(c.options);
  TraceReplay replay;
  std::vector<Violation> out;
  while (const TraceRecord* r = reader.next()) {
    checker.feed(*r, out);
    replay.feed(*r, out);
  }
  checker.finish(out);
  replay.finish(out);
  // A kernel's sched_migrate_task lacks sbm's fields; only an sbm trace must read whole.
  if (checker.summary().sbm_events > 0) {
    EXPECT_EQ(replay.summary().malformed, 0u) << path;
  }
  for (const Violation& v : out) c.fired.insert(v.id);
  return c;
}

std::vector<std::string> corpus_files(const char* dir = SBM_TRACE_CORPUS_DIR) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".trace") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

class TraceCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(TraceCorpus, CheckGivesTheStatedResult) {
  const CorpusCase c = run_case(GetParam());
  ASSERT_TRUE(c.conforms) << GetParam() << ": no '# expect:' header line";
  EXPECT_FALSE(c.why.empty()) << GetParam() << ": no '# why:' header line";
  if (*c.conforms) EXPECT_TRUE(c.fired.empty()) << GetParam() << ": fired " << *c.fired.begin();
  else EXPECT_EQ(c.fired, c.ids) << GetParam();
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = fs::path(info.param).stem().string();
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Files, TraceCorpus, ::testing::ValuesIn(corpus_files()), test_name);
INSTANTIATE_TEST_SUITE_P(Replay, TraceCorpus, ::testing::ValuesIn(corpus_files(SBM_REPLAY_CORPUS_DIR)),
                         test_name);

// The corpus has, for every ID the checker knows, a file where it fires and a conforming file
// about it (named after the ID: mig5-*, nb3-*, ...).
TEST(MainlineTraceCorpusCoverage, EveryIdHasAConformingAndAViolatingCase) {
  std::map<std::string, int> violating, conforming;
  for (const std::string& path : corpus_files()) {
    const CorpusCase c = run_case(path);
    const std::string stem = fs::path(path).stem().string();
    for (const std::string& id : c.ids) ++violating[id];
    if (c.conforms.value_or(false)) ++conforming[stem.substr(0, stem.find('-'))];
  }
  for (const InvariantInfo& i : mainline_trace_invariants()) {
    std::string prefix;
    for (char ch : i.id)
      if (ch != '-') prefix += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_GE(violating[i.id], 1) << i.id;
    EXPECT_GE(conforming[prefix], 1) << i.id;
  }
}

}  // namespace
}  // namespace sbm
