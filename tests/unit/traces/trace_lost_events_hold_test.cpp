// LostEventsHold: a finding made after some CPU's last event waits for that CPU's next event
// (released) or its lost-events marker (withdrawn).
#include "traces/trace_lost_events_hold.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace sbm {
namespace {

TraceRecord event(uint64_t line, int cpu) {
  TraceRecord r;
  r.line = line;
  r.kind = TraceRecordKind::Event;
  r.cpu = cpu;
  return r;
}

TraceRecord lost(uint64_t line, int cpu) {
  TraceRecord r;
  r.line = line;
  r.kind = TraceRecordKind::LostEvents;
  r.cpu = cpu;
  return r;
}

TraceRecord comment(uint64_t line, std::string_view text) {
  TraceRecord r;
  r.line = line;
  r.kind = TraceRecordKind::Comment;
  r.text = text;
  return r;
}

Violation finding(int cpu, uint64_t line) {
  return make_violation("WC-2", cpu, -1, line, "expected", "observed", "why");
}

// Reads `r` with `made` appended by the checkers while reading it; returns what is reported.
std::vector<Violation> read(LostEventsHold& hold, const TraceRecord& r,
                            std::vector<Violation> made = {}) {
  std::vector<Violation> out;
  hold.before(r, out);
  const std::size_t from = out.size();
  out.insert(out.end(), made.begin(), made.end());
  hold.after(r, out, from);
  return out;
}

// The end of input: what is still held.
std::vector<Violation> finish(LostEventsHold& hold) {
  std::vector<Violation> out;
  hold.finish(out);
  return out;
}

TEST(LostEventsHold, ReleasesWhenEveryCpuLoggedPastIt) {
  LostEventsHold hold;
  EXPECT_TRUE(read(hold, event(1, 1)).empty());
  EXPECT_TRUE(read(hold, event(2, 0), {finding(1, 2)}).empty()) << "held: made after CPU1's event";
  EXPECT_TRUE(read(hold, event(3, 0), {finding(0, 3)}).empty()) << "CPU1 still says nothing";
  const std::vector<Violation> out = read(hold, event(4, 1));
  ASSERT_EQ(out.size(), 2u) << "in the order made";
  EXPECT_EQ(out[0].line, 2);
  EXPECT_EQ(out[1].line, 3);
}

// CPU1 lost what it logged after line 1: the findings made at lines 2 and 3 go, on whichever CPU
// (a task's move logged by CPU1 may be what a finding about CPU0 missed).
TEST(LostEventsHold, WithdrawsWhatCameAfterTheLastEventOfTheCpuThatLost) {
  LostEventsHold hold;
  read(hold, event(1, 1));
  read(hold, event(2, 0), {finding(1, 2), finding(0, 2)});
  read(hold, event(3, 0), {finding(-1, 3)});
  EXPECT_TRUE(read(hold, lost(4, 1)).empty());
  EXPECT_TRUE(read(hold, event(5, 1)).empty()) << "withdrawn, not released";
  EXPECT_TRUE(finish(hold).empty());
}

// A finding made before the lost CPU's last event stands.
TEST(LostEventsHold, KeepsWhatCameBeforeTheLastEvent) {
  LostEventsHold hold;
  read(hold, event(1, 1));
  EXPECT_EQ(read(hold, event(2, 1), {finding(1, 2), finding(-1, 2)}).size(), 2u)
      << "every CPU seen logged up to line 2: reported at once";
  read(hold, event(3, 0));
  EXPECT_TRUE(read(hold, event(4, 0), {finding(0, 4)}).empty());
  EXPECT_TRUE(read(hold, event(5, 1)).size() == 1u) << "CPU1 logged past line 4";
  read(hold, event(6, 0), {finding(0, 6)});
  EXPECT_TRUE(read(hold, lost(7, 0)).empty()) << "made at CPU0's last event: not withdrawn";
  EXPECT_EQ(read(hold, event(8, 1)).size(), 1u);
}

TEST(LostEventsHold, BufferStartedIsAGapOfItsCpu) {
  LostEventsHold hold;
  read(hold, event(1, 1));
  read(hold, event(2, 2));
  read(hold, event(3, 0), {finding(0, 3)});
  read(hold, comment(4, "##### CPU 2 buffer started ####"));
  EXPECT_TRUE(read(hold, event(5, 1)).empty());
  EXPECT_TRUE(read(hold, event(6, 2)).empty()) << "withdrawn at CPU2's buffer start";
  read(hold, event(7, 0), {finding(0, 7)});
  read(hold, comment(8, "##### buffer started ####"));  // names no CPU: the earliest CPU's
  EXPECT_TRUE(finish(hold).empty());
}

TEST(LostEventsHold, FinishReleasesWhatIsHeld) {
  LostEventsHold hold;
  read(hold, event(1, 1));
  read(hold, event(2, 0), {finding(1, 2)});
  EXPECT_TRUE(read(hold, event(3, 9000)).empty()) << "a CPU past CONFIG_NR_CPUS is no CPU";
  EXPECT_EQ(finish(hold).size(), 1u);
}

}  // namespace
}  // namespace sbm
