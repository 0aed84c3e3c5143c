// The trace corpus: every file in traces/corpus/mainline/ and traces/corpus/replay/ carries its
// expected result ("# expect: conforms" or "# expect: violated ID[,ID]", the exact set of IDs
// that fire), one line of why, and optionally the options it is checked with ("# profile:
// v2.6.20", "# idle-threshold-ms: 4"). Each file is one test case, checked as `sbm corpus check`
// and `sbm trace check --keep-going` do (traces/litmus.h): the mainline checks and the replay of
// its sched_balance_* events (replay/: cut from `sbm trace gen` traces, some with an injected
// fault).
//
// The coverage tests ask the corpus as a whole for: every ID the trace checker knows violated
// by some file and holding in a conforming file named after it that carries the events the ID
// reads; a conforming replay file per profile; 32-bit jiffies across the wrap, HZ=100 and
// HZ=1000 (spec/trace-format.md, "Replay", "Corpus").
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "model/profile.h"
#include "properties/check_all.h"
#include "traces/litmus.h"
#include "traces/trace_check.h"
#include "traces/trace_fields.h"
#include "traces/trace_names.h"

namespace sbm {
namespace {

namespace fs = std::filesystem;

struct CorpusCase {
  std::string stem;     // file name without .trace
  bool replay = false;  // in traces/corpus/replay/
  std::optional<bool> conforms;
  std::set<std::string> ids;  // the IDs `# expect: violated` names
  std::string why;
  std::string profile, hz, jiffies_bits;  // header values as written ("" when absent)
  bool crosses_jiffies_wrap = false;      // a sched_balance_tick's jiffies went down
  std::string error;                      // why the file could not be judged
  bool ok = false;                        // the verdict is the one "# expect:" states
  std::string expected, observed;
  std::set<std::string> fired;
  std::map<std::string, CheckOutcome> outcomes;  // per ID, mainline checks and replay
  std::map<std::string, uint64_t, std::less<>> events_by_name;
};

// Checks the file as `sbm corpus check` does (traces/litmus.h) and keeps what the coverage
// tests ask about.
CorpusCase run_case(const std::string& path) {
  CorpusCase c;
  c.stem = fs::path(path).stem().string();
  c.replay = fs::path(path).parent_path() == fs::path(SBM_REPLAY_CORPUS_DIR);
  std::vector<TraceField> fields;
  std::optional<uint64_t> last_tick;
  const TraceLitmus litmus = check_trace_litmus(path, Mutant::None, [&](const TraceRecord& r) {
    if (r.kind != TraceRecordKind::Event || r.event != trace_event::kTick) return;
    parse_trace_fields(r.fields, fields);
    if (const auto j = find_trace_field(fields, "jiffies")) {
      const uint64_t now = std::stoull(std::string(*j));
      if (last_tick && now < *last_tick) c.crosses_jiffies_wrap = true;
      last_tick = now;
    }
  });
  c.error = litmus.error ? litmus.error->message : "";
  c.ok = litmus.verdict.ok;
  c.expected = litmus.verdict.expected;
  c.observed = litmus.verdict.observed;
  if (litmus.expect) {
    c.conforms = litmus.expect->good;
    if (litmus.expect->ids) c.ids = *litmus.expect->ids;
  }
  c.why = litmus.why;
  c.profile = litmus.profile;
  c.hz = litmus.hz;
  c.jiffies_bits = litmus.jiffies_bits;
  const TraceCheckResult& result = litmus.result;
  // A kernel's sched_migrate_task lacks sbm's fields; only an sbm trace must read whole.
  if (result.replayed()) {
    EXPECT_EQ(result.replay.malformed, 0u) << path;
  }
  c.fired = litmus.verdict.fired;
  for (const CheckSummary& s : result.summary.checks) c.outcomes[s.id] = s.outcome;
  for (const CheckSummary& s : result.replay.checks) c.outcomes[s.id] = s.outcome;
  c.events_by_name = result.summary.events_by_name;
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
  ASSERT_EQ(c.error, "") << GetParam();
  EXPECT_FALSE(c.why.empty()) << GetParam() << ": no '# why:' header line";
  EXPECT_TRUE(c.ok) << GetParam() << ": expected " << c.expected << ", observed " << c.observed;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = fs::path(info.param).stem().string();
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Files, TraceCorpus, ::testing::ValuesIn(corpus_files()), test_name);
INSTANTIATE_TEST_SUITE_P(Replay, TraceCorpus,
                         ::testing::ValuesIn(corpus_files(SBM_REPLAY_CORPUS_DIR)), test_name);

// ---- Coverage of the corpus as a whole ----

// Every file of both folders, checked once for all coverage tests.
const std::vector<CorpusCase>& corpus() {
  static const std::vector<CorpusCase> all = [] {
    std::vector<CorpusCase> cases;
    for (const char* dir : {SBM_TRACE_CORPUS_DIR, SBM_REPLAY_CORPUS_DIR})
      for (const std::string& path : corpus_files(dir)) cases.push_back(run_case(path));
    return cases;
  }();
  return all;
}

// The IDs `sbm trace check` reports: the mainline checks, then the replayed ones.
std::vector<std::string> trace_check_ids() {
  std::vector<std::string> ids;
  for (const InvariantInfo& i : mainline_trace_invariants()) ids.push_back(i.id);
  for (const char* id : balance_event_check_ids()) ids.emplace_back(id);
  return ids;
}

// The events each check reads (spec/invariants.md sections 4-6 and 8): a conforming file
// exercises an ID only when it carries one of them. A new ID needs an entry here.
const std::map<std::string, std::vector<std::string_view>>& events_read_by() {
  namespace ev = trace_event;
  static const std::map<std::string, std::vector<std::string_view>> table = {
      {"MIG-5", {"sched_switch"}},
      {"MIG-6", {ev::kMigrate}},
      {"NB-3", {ev::kSoftirqEntry}},
      {"WC-2", {"sched_switch"}},
      {"NB-1", {ev::kNextBalance}},
      {"NB-2", {ev::kTick}},
      {"SER-1", {ev::kSerialize}},
      {"SER-2", {ev::kSerialize}},
      {"INT-1", {ev::kDomain, ev::kResult}},
      {"INT-2", {ev::kDomain}},
      {"BI-1", {ev::kResult}},
      {"MIG-2", {ev::kMigrate}},
      {"MIG-3", {ev::kMigrate}},
      {"MIG-4", {ev::kDetach}},
      {"LOCK-1", {ev::kRqLock}},
      {"LOCK-2", {ev::kRqLock}},
      {"NOHZ-1", {ev::kIlb}},
      {"NOHZ-2", {ev::kIlbEnd, ev::kNohzKick, ev::kNohzIdle}},
  };
  return table;
}

// "LOCK-2" -> "lock2": the prefix of the files about it.
std::string file_prefix(std::string_view id) {
  std::string prefix;
  for (char ch : id)
    if (ch != '-') prefix += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return prefix;
}

bool any_case(const std::vector<CorpusCase>& cases,
              const std::function<bool(const CorpusCase&)>& pred) {
  return std::any_of(cases.begin(), cases.end(), pred);
}

bool is_conforming(const CorpusCase& c) { return c.conforms.value_or(false); }

// A conforming file named after `id` in which it held over events it reads.
bool exercises(const CorpusCase& c, const std::string& id,
               const std::vector<std::string_view>& events) {
  if (!is_conforming(c) || !c.stem.starts_with(file_prefix(id) + "-")) return false;
  const auto o = c.outcomes.find(id);
  if (o == c.outcomes.end() || o->second != CheckOutcome::Holds) return false;
  return std::any_of(events.begin(), events.end(), [&](std::string_view e) {
    const auto n = c.events_by_name.find(e);
    return n != c.events_by_name.end() && n->second > 0;
  });
}

// What the corpus lacks, one line per missing requirement.
std::vector<std::string> coverage_gaps(const std::vector<CorpusCase>& cases) {
  std::vector<std::string> gaps;
  for (const std::string& id : trace_check_ids()) {
    if (!any_case(cases, [&](const CorpusCase& c) {
          return c.conforms == false && c.ids.count(id) && c.fired.count(id);
        }))
      gaps.push_back(id + ": no violating case");
    const auto events = events_read_by().find(id);
    if (events == events_read_by().end()) {
      gaps.push_back(id + ": no list of the events it reads");
      continue;
    }
    if (!any_case(cases, [&](const CorpusCase& c) { return exercises(c, id, events->second); }))
      gaps.push_back(id + ": no conforming case " + file_prefix(id) +
                     "-* in which it holds over the events it reads");
  }
  const auto conforming_replay = [&](const std::function<bool(const CorpusCase&)>& pred) {
    return any_case(cases,
                    [&](const CorpusCase& c) { return c.replay && is_conforming(c) && pred(c); });
  };
  for (const std::string& p : profile_names())
    if (!conforming_replay([&](const CorpusCase& c) { return c.profile == p; }))
      gaps.push_back("profile " + p + ": no conforming replay case");
  if (!conforming_replay(
          [](const CorpusCase& c) { return c.jiffies_bits == "32" && c.crosses_jiffies_wrap; }))
    gaps.push_back("jiffies-bits 32: no conforming replay case across the wrap");
  for (const char* hz : {"100", "1000"})
    if (!conforming_replay([&](const CorpusCase& c) { return c.hz == hz; }))
      gaps.push_back(std::string("hz ") + hz + ": no conforming replay case");
  return gaps;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += "\n  " + l;
  return s;
}

std::vector<CorpusCase> without(const std::function<bool(const CorpusCase&)>& drop) {
  std::vector<CorpusCase> kept;
  for (const CorpusCase& c : corpus())
    if (!drop(c)) kept.push_back(c);
  return kept;
}

bool has_gap(const std::vector<std::string>& gaps, const std::string& gap) {
  return std::find(gaps.begin(), gaps.end(), gap) != gaps.end();
}

TEST(TraceCorpusCoverage, EveryIdProfileAndClockIsCovered) {
  ASSERT_GE(corpus().size(), 60u);
  const std::vector<std::string> gaps = coverage_gaps(corpus());
  EXPECT_TRUE(gaps.empty()) << "the trace corpus lacks:" << joined(gaps);
}

// The requirements above hold only through the files that meet them: without those files (or
// with what they show taken away) the coverage test names the gap.
TEST(TraceCorpusCoverage, EachRequirementFailsWithoutItsCases) {
  for (const std::string& id : trace_check_ids()) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(
        has_gap(coverage_gaps(without([&](const CorpusCase& c) { return c.ids.count(id) > 0; })),
                id + ": no violating case"));
    const std::string conforming_gap = id + ": no conforming case " + file_prefix(id) +
                                       "-* in which it holds over the events it reads";
    const auto about_id = [&](const CorpusCase& c) {
      return is_conforming(c) && c.stem.starts_with(file_prefix(id) + "-");
    };
    EXPECT_TRUE(has_gap(coverage_gaps(without(about_id)), conforming_gap));
    // Kept, but not checkable there, or without the events the ID reads.
    std::vector<CorpusCase> unchecked = corpus(), eventless = corpus();
    for (CorpusCase& c : unchecked)
      if (about_id(c)) c.outcomes[id] = CheckOutcome::NotCheckable;
    for (CorpusCase& c : eventless)
      if (about_id(c)) c.events_by_name.clear();
    EXPECT_TRUE(has_gap(coverage_gaps(unchecked), conforming_gap));
    EXPECT_TRUE(has_gap(coverage_gaps(eventless), conforming_gap));
  }
  for (const std::string& p : profile_names())
    EXPECT_TRUE(has_gap(coverage_gaps(without([&](const CorpusCase& c) { return c.profile == p; })),
                        "profile " + p + ": no conforming replay case"));
  EXPECT_TRUE(
      has_gap(coverage_gaps(without([](const CorpusCase& c) { return c.crosses_jiffies_wrap; })),
              "jiffies-bits 32: no conforming replay case across the wrap"));
  for (const char* hz : {"100", "1000"})
    EXPECT_TRUE(has_gap(coverage_gaps(without([&](const CorpusCase& c) { return c.hz == hz; })),
                        std::string("hz ") + hz + ": no conforming replay case"));
}

}  // namespace
}  // namespace sbm
