// traces/trace_replay.h: simulated traces of every profile replay with no violation; a fault
// injected into the text fires the right ID at the right trace line.
#include <gtest/gtest.h>

#include <functional>
#include <sstream>

#include "model/profile.h"
#include "model/topology/build_sched_domains.h"
#include "tests/support/trace_gen_testing.h"
#include "traces/trace_reader.h"
#include "traces/trace_replay.h"

namespace sbm {
namespace {

struct Replayed {
  std::vector<Violation> violations;
  ReplaySummary summary;
};

Replayed replay(const std::string& text, ReplayOptions o = {}) {
  Replayed out;
  std::istringstream in(text);
  TraceReader reader(in);
  TraceReplay replay(std::move(o));
  while (const TraceRecord* r = reader.next()) replay.feed(*r, out.violations);
  replay.finish(out.violations);
  out.summary = replay.summary();
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

// The 0-based index of the first line from `from` that `pred` accepts.
size_t find_line(const std::vector<std::string>& lines,
                 const std::function<bool(const std::string&)>& pred, size_t from = 0) {
  for (size_t i = from; i < lines.size(); ++i)
    if (pred(lines[i])) return i;
  ADD_FAILURE() << "no such line";
  return lines.size() - 1;
}

bool has(const std::string& line, const std::string& part) {
  return line.find(part) != std::string::npos;
}

// Replaces the value of `key=` in `line`.
std::string with_field(std::string line, const std::string& key, const std::string& value) {
  const size_t at = line.find(" " + key + "=") + key.size() + 2;
  line.replace(
      at, line.find(' ', at) == std::string::npos ? std::string::npos : line.find(' ', at) - at,
      value);
  return line;
}

std::string field(const std::string& line, const std::string& key) {
  const size_t at = line.find(" " + key + "=") + key.size() + 2;
  return line.substr(at, line.find(' ', at) - at);
}

// Expects the first violation to be `id` at 1-based trace line `line`.
void expect_first(const Replayed& r, const std::string& id, size_t line) {
  ASSERT_FALSE(r.violations.empty()) << "nothing fired; expected " << id;
  EXPECT_EQ(r.violations.front().id, id) << r.violations.front().explanation;
  EXPECT_EQ(r.violations.front().line, static_cast<int>(line)) << r.violations.front().id;
}

TEST(TraceReplay, EveryProfileReplaysWithoutViolation) {
  for (const std::string& profile : profile_names()) {
    SCOPED_TRACE(profile);
    const testing::GeneratedTrace g =
        testing::generate_trace("2s-numa", profile.c_str(), "churn", 300);
    const Replayed r = replay(g.text);
    EXPECT_EQ(r.summary.not_checkable, "");
    EXPECT_TRUE(r.violations.empty())
        << r.violations.front().id << " line " << r.violations.front().line << ": "
        << r.violations.front().explanation;
    EXPECT_EQ(r.summary.balance_events, g.events.size());
    EXPECT_GT(r.summary.windows, 200u);
    for (const CheckSummary& c : r.summary.checks)
      EXPECT_EQ(c.outcome, CheckOutcome::Holds) << c.id;
  }
}

TEST(TraceReplay, HotplugRebuildsFromTheSpecAndWithoutOneStopsDomainChecks) {
  for (const char* profile : {"v2.6.20", "v2.6.32", "v4.19", "v6.17"})
    for (const char* workload : {"numa-imbalance", "pinned", "busy"}) {
      SCOPED_TRACE(std::string(profile) + " " + workload);
      const testing::GeneratedTrace g =
          testing::generate_trace("laptop", profile, workload, 200, 20, 5);
      ASSERT_GT(g.hotplugs, 3u);
      const Replayed r = replay(g.text);
      EXPECT_TRUE(r.violations.empty())
          << r.violations.front().id << " line " << r.violations.front().line << ": "
          << r.violations.front().explanation;
      EXPECT_TRUE(r.summary.notes.empty());
    }
  // The same trace whose `# topology:` is no SPEC: the dump serves until the first hotplug.
  const testing::GeneratedTrace g = testing::generate_trace("laptop", "v6.17", "busy", 200, 20, 5);
  std::vector<std::string> lines = split_lines(g.text);
  lines[find_line(lines, [](const std::string& l) { return l == "# topology: laptop"; })] =
      "# topology: my-box.dmesg";
  const Replayed r = replay(join(lines));
  EXPECT_TRUE(r.violations.empty());
  ASSERT_EQ(r.summary.notes.size(), 1u);
  EXPECT_TRUE(has(r.summary.notes[0], "a CPU hotplug stops MIG-3, INT-2 and BI-1"));
  const Replayed whole = replay(g.text);
  for (size_t i = 0; i < r.summary.checks.size(); ++i)
    if (r.summary.checks[i].id == "MIG-3" || r.summary.checks[i].id == "INT-2" ||
        r.summary.checks[i].id == "BI-1")
      EXPECT_LT(r.summary.checks[i].instances, whole.summary.checks[i].instances);
    else
      EXPECT_EQ(r.summary.checks[i].instances, whole.summary.checks[i].instances);
}

class TraceReplayFault : public ::testing::Test {
 protected:
  void SetUp() override {
    lines = split_lines(testing::generate_trace("2s-numa", "v6.17", "churn", 200).text);
  }
  Replayed run() { return replay(join(lines)); }
  std::vector<std::string> lines;
};

TEST_F(TraceReplayFault, NextBalanceValueNb1) {
  const size_t i = find_line(lines, [](const std::string& l) {
    return has(l, "sched_balance_next_balance:") && has(l, "written=1");
  });
  lines[i] = with_field(lines[i], "new", std::to_string(std::stoull(field(lines[i], "new")) + 7));
  expect_first(run(), "NB-1", i + 1);
}

TEST_F(TraceReplayFault, MissingRaiseAfterDueTickNb2) {
  const size_t tick = find_line(
      lines, [](const std::string& l) { return has(l, "sched_balance_tick:"); },
      find_line(lines, [](const std::string& l) { return has(l, "softirq_raise:"); }) - 1);
  ASSERT_TRUE(has(lines[tick + 1], "softirq_raise:"));
  lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(tick) + 1);
  expect_first(run(), "NB-2", tick + 1);
}

// A trace whose author traced no softirq_raise at all: NB-2 cannot judge a tick, so it is
// not checkable (with the reason) instead of firing at every due tick; the rest still runs.
TEST_F(TraceReplayFault, NoRaisesTracedLeavesNb2NotCheckable) {
  std::vector<std::string> kept;
  for (const std::string& l : lines)
    if (!has(l, "softirq_raise:")) kept.push_back(l);
  lines = kept;
  const Replayed r = run();
  EXPECT_TRUE(r.violations.empty())
      << r.violations.front().id << " line " << r.violations.front().line;
  for (const CheckSummary& c : r.summary.checks)
    if (c.id == "NB-2") {
      EXPECT_EQ(c.outcome, CheckOutcome::NotCheckable);
      EXPECT_TRUE(has(c.reason, "no SCHED softirq_raise")) << c.reason;
    } else if (c.id == "NB-1") {
      EXPECT_EQ(c.outcome, CheckOutcome::Holds);
    }
}

TEST_F(TraceReplayFault, SecondAcquireOnAnotherCpuSer1) {
  const size_t i = find_line(lines, [](const std::string& l) {
    return has(l, "sched_balance_serialize:") && has(l, "action=acquire");
  });
  std::string dup = lines[i];
  const std::string cpu = field(dup, "cpu"), other = cpu == "0" ? "1" : "0";
  dup.replace(dup.find("[0"), 5, "[00" + other + "]");
  lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i) + 1, with_field(dup, "cpu", other));
  expect_first(run(), "SER-1", i + 2);
}

TEST_F(TraceReplayFault, ZeroIntervalInt1) {
  const size_t i = find_line(
      lines, [](const std::string& l) { return has(l, "sched_balance_domain:"); },
      lines.size() / 2);
  lines[i] = with_field(lines[i], "interval", "0");
  expect_first(run(), "INT-1", i + 1);
}

// INT-2: a busy visit whose interval is the idle one (busy_factor left out), and a line
// without the fields it reads, which it leaves alone.
TEST_F(TraceReplayFault, BusyIntervalWithoutBusyFactorInt2) {
  const size_t i = find_line(lines, [](const std::string& l) {
    return has(l, "sched_balance_domain:") && has(l, "busy=1");
  });
  lines[i] = with_field(lines[i], "busy", "0");
  expect_first(run(), "INT-2", i + 1);
  const std::string without = lines[i].substr(0, lines[i].find(" balance_interval="));
  lines[i] = without;
  EXPECT_TRUE(run().violations.empty()) << "an older trace without balance_interval= and busy=";
}

TEST_F(TraceReplayFault, TripledBalanceIntervalBi1) {
  const size_t i = find_line(
      lines, [](const std::string& l) { return has(l, "sched_balance_result:"); },
      lines.size() / 2);
  const std::string bi = field(lines[i], "balance_interval");
  const unsigned before = static_cast<unsigned>(std::stoul(bi.substr(0, bi.find('-'))));
  lines[i] = with_field(lines[i], "balance_interval",
                        std::to_string(before) + "->" + std::to_string(3 * before));
  expect_first(run(), "BI-1", i + 1);
}

TEST_F(TraceReplayFault, MigrationOutsideTheDomainSpanMig3) {
  const size_t i = find_line(lines, [](const std::string& l) {
    return has(l, "sched_migrate_task:") && has(l, "reason=balance") && has(l, "level=0");
  });
  const Topology t =
      build_sched_domains(*parse_machine_spec("2s-numa").spec, *parse_kernel_version("v6.17"), 0);
  const CpuMask span = *t.cpus.at(std::stoi(field(lines[i], "balance_cpu"))).domains.at(0).span;
  int outside = 0;
  while (span.test(outside)) ++outside;
  lines[i] = with_field(lines[i], "dest_cpu", std::to_string(outside));
  const Replayed r = run();
  expect_first(r, "MIG-3", i + 1);
}

TEST_F(TraceReplayFault, AGapSuspendsTheChecksOfItsJiffy) {
  const size_t i = find_line(
      lines, [](const std::string& l) { return has(l, "sched_balance_domain:"); },
      lines.size() / 2);
  lines[i] = with_field(lines[i], "interval", "0");
  lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i), "CPU:3 [LOST 12 EVENTS]");
  const Replayed r = run();
  EXPECT_TRUE(r.violations.empty()) << r.violations.front().id;
  EXPECT_EQ(r.summary.dropped_windows, 1u);
}

TEST_F(TraceReplayFault, MalformedEventsAreCountedAndDropTheirWindow) {
  const size_t i = find_line(
      lines, [](const std::string& l) { return has(l, "sched_balance_domain:"); },
      lines.size() / 2);
  lines[i] = with_field(lines[i], "interval", "x");
  const Replayed r = run();
  EXPECT_EQ(r.summary.malformed, 1u);
  ASSERT_EQ(r.summary.first_malformed.size(), 1u);
  EXPECT_EQ(r.summary.first_malformed[0].first, i + 1);
  EXPECT_EQ(r.summary.first_malformed[0].second,
            "sched_balance_domain: field interval: expected an integer, found 'x'");
  // The pass lost an event: its window is not judged.
  EXPECT_TRUE(r.violations.empty()) << r.violations.front().id;
  EXPECT_EQ(r.summary.dropped_windows, 1u);
}

TEST_F(TraceReplayFault, ProfileAndTopologyComeFromTheHeaderOrTheOptions) {
  std::vector<std::string> no_profile;
  for (const std::string& l : lines)
    if (!l.starts_with("# profile:")) no_profile.push_back(l);
  const Replayed without = replay(join(no_profile));
  EXPECT_NE(without.summary.not_checkable.find("no profile"), std::string::npos);
  for (const CheckSummary& c : without.summary.checks)
    EXPECT_EQ(c.outcome, CheckOutcome::NotCheckable);
  const Replayed given =
      replay(join(no_profile), ReplayOptions{"v6.17", std::nullopt, std::nullopt});
  EXPECT_EQ(given.summary.not_checkable, "");
  EXPECT_TRUE(given.violations.empty());
  // A wrong era's profile is a divergence, not silence: v2.6.20 raises vec 6.
  EXPECT_FALSE(
      replay(join(lines), ReplayOptions{"v2.6.20", std::nullopt, std::nullopt}).violations.empty());
  std::vector<std::string> no_dump;
  for (const std::string& l : lines)
    if (!l.starts_with("# topology")) no_dump.push_back(l);
  EXPECT_NE(replay(join(no_dump)).summary.not_checkable.find("no topology"), std::string::npos);
  const MachineSpec spec = *parse_machine_spec("2s-numa").spec;
  const Replayed built = replay(join(no_dump), ReplayOptions{"", std::nullopt, spec});
  EXPECT_EQ(built.summary.not_checkable, "");
  EXPECT_TRUE(built.violations.empty());
}

}  // namespace
}  // namespace sbm
