// MIG-5, MIG-6, NB-3, WC-2 on mainline trace events (traces/trace_check_mainline.h): each
// fires on a small snippet at the exact line, holds on its good twin, and the real samples
// and a simulator trace conform.
#include "traces/trace_check_mainline.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/profile.h"
#include "model/sim/simulator.h"
#include "model/topology/build_sched_domains.h"
#include "tests/support/sim_testing.h"
#include "traces/trace_reader.h"
#include "traces/trace_write.h"

namespace sbm {
namespace {

struct Checked {
  std::vector<Violation> violations;
  MainlineCheckSummary summary;
};

Checked check_text(std::istream& in, MainlineCheckOptions o = {}) {
  TraceReader reader(in);
  MainlineTraceChecker checker(o);
  Checked c;
  while (const TraceRecord* r = reader.next()) checker.feed(*r, c.violations);
  checker.finish(c.violations);
  c.summary = checker.summary();
  return c;
}

Checked check(const std::string& text, MainlineCheckOptions o = {}) {
  std::istringstream in(text);
  return check_text(in, o);
}

const CheckSummary& outcome(const Checked& c, const std::string& id) {
  for (const CheckSummary& s : c.summary.checks)
    if (s.id == id) return s;
  static const CheckSummary kMissing{"missing", CheckOutcome::NotCheckable, 0, "missing"};
  return kMissing;
}

// One ftrace line in the raw layout of /sys/kernel/tracing/trace (5-character flags).
std::string line(const std::string& comm, int pid, int cpu, const std::string& ts,
                 const std::string& event, const std::string& fields) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "[%03d]", cpu);
  return "  " + comm + "-" + std::to_string(pid) + " " + buf + " d..2. " + ts + ": " + event +
         ": " + fields + "\n";
}

std::string sched_switch(int cpu, const std::string& ts, int prev, const std::string& state,
                         int next) {
  const std::string pc = prev == 0 ? "swapper/" + std::to_string(cpu) : "t" + std::to_string(prev);
  const std::string nc = next == 0 ? "swapper/" + std::to_string(cpu) : "t" + std::to_string(next);
  return line(prev == 0 ? "<idle>" : pc, prev, cpu, ts, "sched_switch",
              "prev_comm=" + pc + " prev_pid=" + std::to_string(prev) +
                  " prev_prio=120 prev_state=" + state + " ==> next_comm=" + nc +
                  " next_pid=" + std::to_string(next) + " next_prio=120");
}

std::string softirq(const std::string& kind, int cpu, const std::string& ts, int vec = 7) {
  return line("t1", 1, cpu, ts, "softirq_" + kind,
              "vec=" + std::to_string(vec) + " [action=SCHED]");
}

std::string wakeup(const std::string& event, int cpu, const std::string& ts, int pid, int target,
                   const std::string& comm = "w") {
  return line("t9", 9, cpu, ts, event,
              "comm=" + comm + " pid=" + std::to_string(pid) +
                  " prio=120 target_cpu=" + std::to_string(target));
}

std::string migrate(int cpu, const std::string& ts, int pid, int orig, int dest) {
  return line("t9", 9, cpu, ts, "sched_migrate_task",
              "comm=w pid=" + std::to_string(pid) + " prio=120 orig_cpu=" + std::to_string(orig) +
                  " dest_cpu=" + std::to_string(dest));
}

void expect_one(const Checked& c, const std::string& id, int line_no, int cpu) {
  ASSERT_EQ(c.violations.size(), 1u);
  EXPECT_EQ(c.violations[0].id, id);
  EXPECT_EQ(c.violations[0].line, line_no);
  EXPECT_EQ(c.violations[0].cpu, cpu);
  EXPECT_EQ(outcome(c, id).outcome, CheckOutcome::Violated);
}

// --- MIG-5 --------------------------------------------------------------------------------------

TEST(TraceCheckMig5, FiresWhenASecondCpuSwitchesInARunningTask) {
  const Checked c =
      check(sched_switch(0, "1.000000", 0, "R", 100) + sched_switch(1, "1.000100", 0, "R", 100));
  expect_one(c, "MIG-5", 2, 1);
}

TEST(TraceCheckMig5, HoldsWhenTheTaskLeftItsCpuFirst) {
  const Checked c =
      check(sched_switch(0, "1.000000", 0, "R", 100) + sched_switch(0, "1.000050", 100, "S", 0) +
            sched_switch(1, "1.000100", 0, "R", 100));
  EXPECT_TRUE(c.violations.empty());
  EXPECT_EQ(outcome(c, "MIG-5").outcome, CheckOutcome::Holds);
}

TEST(TraceCheckMig5, FiresOnTheCommColumnOfARunningTask) {
  // pid 100 is switched in on CPU0, then an event on CPU1 names it in its comm-pid column.
  const Checked c = check(
      sched_switch(0, "1.000000", 0, "R", 100) +
      line("t100", 100, 1, "1.000100", "sched_stat_runtime", "comm=t100 pid=100 runtime=1 [ns]"));
  expect_one(c, "MIG-5", 2, 1);
}

TEST(TraceCheckMig5, NotCheckableWithoutSchedSwitch) {
  const Checked c = check(
      line("t100", 100, 0, "1.000000", "sched_stat_runtime", "comm=t100 pid=100 runtime=1 [ns]") +
      line("t100", 100, 1, "1.000100", "sched_stat_runtime", "comm=t100 pid=100 runtime=1 [ns]"));
  EXPECT_TRUE(c.violations.empty());
  EXPECT_EQ(outcome(c, "MIG-5").outcome, CheckOutcome::NotCheckable);
}

TEST(TraceCheckMig5, AMigrationBetweenMovesTheTask) {
  const Checked c =
      check(sched_switch(0, "1.000000", 0, "R", 100) + migrate(0, "1.000050", 100, 0, 1) +
            sched_switch(1, "1.000100", 0, "R", 100));
  EXPECT_TRUE(c.violations.empty());
}

// --- MIG-6 --------------------------------------------------------------------------------------

TEST(TraceCheckMig6, FiresWhenOrigCpuIsNotWhereTheTaskWas) {
  const Checked c =
      check(wakeup("sched_wakeup", 1, "2.000000", 500, 3) + migrate(1, "2.000010", 500, 4, 1));
  expect_one(c, "MIG-6", 2, 1);
  EXPECT_EQ(c.violations[0].expected, "orig_cpu=3");
  EXPECT_EQ(c.violations[0].observed, "orig_cpu=4");
}

TEST(TraceCheckMig6, HoldsAlongAWakeMigrateChain) {
  const Checked c =
      check(wakeup("sched_waking", 1, "2.000000", 500, 3) + migrate(1, "2.000010", 500, 3, 5) +
            wakeup("sched_wakeup", 5, "2.000020", 500, 5) + migrate(2, "2.000030", 500, 5, 2));
  EXPECT_TRUE(c.violations.empty());
  EXPECT_EQ(outcome(c, "MIG-6").outcome, CheckOutcome::Holds);
  EXPECT_EQ(outcome(c, "MIG-6").instances, 2);
}

TEST(TraceCheckMig6, UnknownUntilFirstSeen) {
  const Checked c = check(migrate(1, "2.000000", 500, 6, 1));
  EXPECT_TRUE(c.violations.empty());
  EXPECT_EQ(outcome(c, "MIG-6").outcome, CheckOutcome::NotCheckable);
}

// --- NB-3 ---------------------------------------------------------------------------------------

TEST(TraceCheckNb3, FiresOnExitWithoutEntry) {
  const Checked c = check(softirq("raise", 0, "3.000000") + softirq("entry", 0, "3.000001") +
                          softirq("exit", 0, "3.000002") + softirq("exit", 0, "3.000003"));
  expect_one(c, "NB-3", 4, 0);
}

TEST(TraceCheckNb3, FiresOnNestedEntry) {
  const Checked c = check(softirq("raise", 2, "3.000000") + softirq("entry", 2, "3.000001") +
                          softirq("raise", 2, "3.000002") + softirq("entry", 2, "3.000003"));
  expect_one(c, "NB-3", 4, 2);
}

TEST(TraceCheckNb3, FiresOnEntryWithoutRaise) {
  const Checked c = check(softirq("raise", 0, "3.000000") + softirq("entry", 0, "3.000001") +
                          softirq("exit", 0, "3.000002") + softirq("entry", 0, "3.000003"));
  expect_one(c, "NB-3", 4, 0);
}

// Seen on a 6.18 kernel: the tick raises SCHED, a NOHZ kick's IPI raises it again after
// handle_softirqs() took and cleared the pending bits (irq-info 'H': a hardirq inside softirq
// processing), so the SCHED handler runs twice, the second time in the restart round.
TEST(TraceCheckNb3, ARaiseInsideSoftirqProcessingCountsForTheNextRound) {
  auto nested = [](std::string l) { return l.replace(l.find("d..2."), 5, "d.H1."); };
  const std::string tick_raise = softirq("raise", 0, "3.000000");
  const std::string run_twice = softirq("entry", 0, "3.000002") + softirq("exit", 0, "3.000003") +
                                softirq("entry", 0, "3.000004") + softirq("exit", 0, "3.000005");
  EXPECT_TRUE(
      check(tick_raise + nested(softirq("raise", 0, "3.000001")) + run_twice).violations.empty());
  // A plain raise there sets the bit before this round's entry: one entry only.
  expect_one(check(tick_raise + softirq("raise", 0, "3.000001") + run_twice), "NB-3", 5, 0);
  // The nested raise alone explains one entry, not two.
  expect_one(
      check(softirq("exit", 0, "2.999999") + nested(softirq("raise", 0, "3.000001")) + run_twice),
      "NB-3", 5, 0);
}

TEST(TraceCheckNb3, HoldsOnPairsAndOnFirstSight) {
  // CPU1's first entry and CPU0's first exit may pair with events before the excerpt.
  const Checked c = check(softirq("exit", 0, "3.000000") + softirq("raise", 0, "3.000001") +
                          softirq("entry", 1, "3.000002") + softirq("entry", 0, "3.000003") +
                          softirq("raise", 0, "3.000004") + softirq("exit", 0, "3.000005") +
                          softirq("entry", 0, "3.000006") + softirq("exit", 0, "3.000007") +
                          softirq("exit", 1, "3.000008"));
  EXPECT_TRUE(c.violations.empty());
  EXPECT_EQ(outcome(c, "NB-3").outcome, CheckOutcome::Holds);
}

TEST(TraceCheckNb3, WithoutRaiseEventsEntriesNeedNone) {
  const Checked c = check(softirq("entry", 0, "3.000000") + softirq("exit", 0, "3.000001") +
                          softirq("entry", 0, "3.000002") + softirq("exit", 0, "3.000003"));
  EXPECT_TRUE(c.violations.empty());
  ASSERT_EQ(c.summary.notes.size(), 1u);
}

TEST(TraceCheckNb3, ProfileSetsTheVecAndReportsAMismatch) {
  MainlineCheckOptions old;
  old.era = KernelVersion{2, 6, 20};
  EXPECT_TRUE(check(softirq("raise", 0, "3.000000", 6) + softirq("entry", 0, "3.000001", 6), old)
                  .violations.empty());
  expect_one(check(softirq("raise", 0, "3.000000", 7), old), "NB-3", 1, 0);
  MainlineCheckOptions now;
  now.era = KernelVersion{6, 17, 0};
  expect_one(check(softirq("raise", 0, "3.000000", 6), now), "NB-3", 1, 0);
  // Without a profile, action=SCHED is SCHED whatever the number.
  EXPECT_TRUE(check(softirq("raise", 0, "3.000000", 6) + softirq("entry", 0, "3.000001", 6))
                  .violations.empty());
  EXPECT_EQ(sched_softirq_vec(KernelVersion{2, 6, 31}), 6);
  EXPECT_EQ(sched_softirq_vec(KernelVersion{2, 6, 32}), 7);
}

TEST(TraceCheckNb3, OtherVectorsAreNotPaired) {
  const std::string net = line("t1", 1, 0, "3.000000", "softirq_exit", "vec=3 [action=NET_RX]");
  const Checked c = check(softirq("raise", 0, "2.900000") + softirq("entry", 0, "2.950000") +
                          softirq("exit", 0, "2.960000") + net);
  EXPECT_TRUE(c.violations.empty());
  EXPECT_EQ(c.summary.unparsed, 0u);
  EXPECT_EQ(outcome(c, "NB-3").instances, 2);
}

// --- WC-2 ---------------------------------------------------------------------------------------

// CPU0 runs 200 with 100 preempted behind it; CPU1 goes idle at line 3.
std::string overloaded_and_idle() {
  return sched_switch(0, "20.000000", 0, "R", 100) + sched_switch(0, "20.001000", 100, "R+", 200) +
         sched_switch(1, "20.001500", 300, "S", 0);
}

std::string later_event(const std::string& ts) {
  return line("t200", 200, 0, ts, "sched_stat_runtime", "comm=t200 pid=200 runtime=1 [ns]");
}

TEST(TraceCheckWc2, FiresWhenIdleOverlapsAWaiterBeyondTheThreshold) {
  const Checked c = check(overloaded_and_idle() + later_event("20.151500"));
  expect_one(c, "WC-2", 4, 1);
}

TEST(TraceCheckWc2, FiresAtTheEndOfTheTraceToo) {
  MainlineCheckOptions o;
  o.idle_threshold_ns = 2'000'000;
  // The sweep at 20.0034 sees 1.9 ms of overlap; the last line (20.0036, 2.1 ms) is judged by
  // finish().
  const Checked c =
      check(overloaded_and_idle() + later_event("20.003400") + later_event("20.003600"), o);
  expect_one(c, "WC-2", 5, 1);
}

// The limit and the overlap print to the microsecond, to the nanosecond only when that is what
// tells them apart.
TEST(TraceCheckWc2, PrintsTheDigitsThatTellLimitAndOverlapApart) {
  MainlineCheckOptions o;
  o.idle_threshold_ns = 2'000'000;
  const Checked us = check(overloaded_and_idle() + later_event("20.003600"), o);
  ASSERT_EQ(us.violations.size(), 1u);
  EXPECT_EQ(us.violations[0].expected, "idle at most 2.000 ms while a task waits");
  EXPECT_EQ(us.violations[0].observed.substr(0, 35), "idle since line 3, 2.100 ms overlap");
  // 2.000400 ms of overlap against a 2.000000 ms limit: both would print as 2.000 ms.
  const Checked ns = check(overloaded_and_idle() + later_event("20.003500400"), o);
  ASSERT_EQ(ns.violations.size(), 1u);
  EXPECT_EQ(ns.violations[0].expected, "idle at most 2.000000 ms while a task waits");
  EXPECT_EQ(ns.violations[0].observed.substr(0, 38), "idle since line 3, 2.000400 ms overlap");
}

TEST(TraceCheckWc2, HoldsWhenTheIdleCpuTakesTheTask) {
  const Checked c = check(overloaded_and_idle() + sched_switch(1, "20.003500", 0, "R", 100) +
                          later_event("20.151500"));
  EXPECT_TRUE(c.violations.empty());
  EXPECT_EQ(outcome(c, "WC-2").outcome, CheckOutcome::Holds);
}

TEST(TraceCheckWc2, ThresholdOptionDecides) {
  MainlineCheckOptions o;
  o.idle_threshold_ns = 200'000'000;
  EXPECT_TRUE(check(overloaded_and_idle() + later_event("20.151500"), o).violations.empty());
}

TEST(TraceCheckWc2, PerCpuKthreadsDoNotCount) {
  const Checked c = check(sched_switch(0, "20.000000", 0, "R", 200) +
                          wakeup("sched_wakeup", 0, "20.000100", 50, 0, "kworker/0:1") +
                          sched_switch(1, "20.001500", 300, "S", 0) + later_event("20.151500"));
  EXPECT_TRUE(c.violations.empty());
  const Checked d = check(sched_switch(0, "20.000000", 0, "R", 200) +
                          wakeup("sched_wakeup", 0, "20.000100", 50, 0, "kworker/u16:1") +
                          sched_switch(1, "20.001500", 300, "S", 0) + later_event("20.151500"));
  EXPECT_EQ(d.violations.size(), 1u);
}

// --- gaps, bad lines, summary -------------------------------------------------------------------

TEST(TraceCheckGaps, LostEventsSuspendEveryCheck) {
  const std::string lost = "CPU:1 [LOST 12 EVENTS]\n";
  const Checked c = check(
      sched_switch(0, "1.000000", 0, "R", 100) + lost + sched_switch(1, "1.000100", 0, "R", 100) +
      wakeup("sched_wakeup", 1, "2.000000", 500, 3) + lost + migrate(1, "2.000010", 500, 4, 1) +
      softirq("raise", 0, "3.000000") + softirq("entry", 0, "3.000001") + lost +
      softirq("entry", 0, "3.000003") + overloaded_and_idle() + lost + later_event("20.151500"));
  EXPECT_TRUE(c.violations.empty());
  EXPECT_EQ(c.summary.gaps, 4u);
}

TEST(TraceCheckGaps, ABufferStartAnnotationIsAGap) {
  const Checked c =
      check(sched_switch(0, "1.000000", 0, "R", 100) + "##### CPU 1 buffer started ####\n" +
            sched_switch(1, "1.000100", 0, "R", 100));
  EXPECT_TRUE(c.violations.empty());
  EXPECT_EQ(c.summary.gaps, 1u);
}

TEST(TraceCheckSummary, BadLinesAndUnknownEventsAreCounted) {
  const Checked c =
      check("this is not a trace line\n" + line("t1", 1, 0, "1.000000", "sched_switch", "garbage") +
            line("t1", 1, 0, "1.000001", "my_probe", "x=1") +
            line("t1", 1, 0, "1.000002", "my_probe", "x=2") +
            line("t1", 1, 0, "1.000003", "sched_balance_tick", "cpu=0"));
  EXPECT_EQ(c.summary.unparsed, 2u);
  ASSERT_EQ(c.summary.first_unparsed.size(), 2u);
  EXPECT_EQ(c.summary.first_unparsed[0].first, 1u);
  EXPECT_EQ(c.summary.first_unparsed[1].first, 2u);
  EXPECT_EQ(c.summary.unknown_events.at("my_probe"), 2u);
  EXPECT_EQ(c.summary.sbm_events, 1u);
  EXPECT_EQ(c.summary.events_by_name.at("sched_switch"), 1u);
  EXPECT_TRUE(c.violations.empty());
}

// --- real samples and the simulator -------------------------------------------------------------

TEST(TraceCheckSamples, RealTracesConform) {
  for (const char* name :
       {"001-kprateek-zen3-stream-wakeup-migrate.txt", "004-kprateek-epyc-softirq-sched-vec7.txt",
        "014-trappy-arm6cpu-trace-cmd-report-not-raw.txt"}) {
    std::ifstream f(std::string(SBM_DATA_DIR) + "/traces/" + name);
    ASSERT_TRUE(f) << name;
    const Checked c = check_text(f);
    EXPECT_TRUE(c.violations.empty())
        << name << ": " << (c.violations.empty() ? "" : c.violations[0].id);
    EXPECT_EQ(c.summary.unparsed, 0u) << name;
    EXPECT_GT(c.summary.events, 0u) << name;
  }
}

TEST(TraceCheckSamples, WhatEachSampleAllows) {
  std::ifstream mig(std::string(SBM_DATA_DIR) +
                    "/traces/001-kprateek-zen3-stream-wakeup-migrate.txt");
  EXPECT_EQ(outcome(check_text(mig), "MIG-6").instances, 3);
  std::ifstream sw(std::string(SBM_DATA_DIR) +
                   "/traces/014-trappy-arm6cpu-trace-cmd-report-not-raw.txt");
  const Checked c = check_text(sw);
  EXPECT_EQ(outcome(c, "MIG-5").outcome, CheckOutcome::Holds);
  EXPECT_EQ(outcome(c, "WC-2").outcome, CheckOutcome::Holds);
}

std::string simulator_trace(const char* spec, const char* profile, const char* workload,
                            uint64_t ticks) {
  const SimConfig c = testing::sim_config(spec, profile, workload);
  Simulator sim = testing::make_sim(c);
  std::ostringstream out;
  TraceWriter writer = start_trace(out, sim, "test", spec);
  TraceObserver observer(writer);
  sim.run_ticks(ticks, observer);
  return out.str();
}

TEST(TraceCheckSimulator, GeneratedTracesConform) {
  for (const char* profile : {"v2.6.20", "v2.6.32", "v6.17"}) {
    MainlineCheckOptions o;
    o.era = find_profile(profile).profile->version;
    const Checked c = check(simulator_trace("laptop", profile, "churn", 1500), o);
    EXPECT_TRUE(c.violations.empty())
        << profile << ": " << (c.violations.empty() ? "" : c.violations[0].id) << " line "
        << (c.violations.empty() ? 0 : c.violations[0].line);
    EXPECT_EQ(c.summary.unparsed, 0u) << profile;
    EXPECT_EQ(outcome(c, "NB-3").outcome, CheckOutcome::Holds) << profile;
  }
  const Checked c = check(simulator_trace("laptop", "v6.17", "churn", 2000));
  EXPECT_EQ(outcome(c, "MIG-6").outcome, CheckOutcome::Holds);
  EXPECT_GT(outcome(c, "MIG-6").instances, 0);
}

}  // namespace
}  // namespace sbm
