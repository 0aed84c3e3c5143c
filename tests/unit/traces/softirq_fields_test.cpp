// traces/softirq_fields.h: the softirq events' vec and action, read in the kernel's layout in
// one pass and any other way by key, answer what the whole split text answers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "traces/softirq_fields.h"

namespace sbm {
namespace {

// What the split text says: vec (else softirq) as an int, and the first action.
SoftirqFields from_the_split_text(const std::string& text) {
  std::vector<TraceField> split;
  parse_trace_fields(text, split);
  std::optional<int> vec = field_int(find_trace_field(split, "vec"));
  if (!vec) vec = field_int(find_trace_field(split, "softirq"));
  return {vec, find_trace_field(split, "action")};
}

TEST(SoftirqFields, KernelLayoutAndEveryOtherAgreeWithTheSplitText) {
  const std::vector<std::string> lines = {"vec=7 [action=SCHED]",
                                          "vec=7 [action=SCHED] source=nohz_kick",
                                          "vec=3 [action=NET_RX]",
                                          "vec=7",
                                          "softirq=7 action=SCHED",
                                          "[action=SCHED] vec=7",
                                          "vec=7 action=SCHED",
                                          "vec=x [action=SCHED]",
                                          "vec=7  [action=SCHED]",
                                          "vec=7\t[action=SCHED]",
                                          "vec=7 [action=SCHED",
                                          "vec=7 [action=]",
                                          "vec=-1 [action=SCHED]",
                                          "vec=12345678901 [action=SCHED]",
                                          "vec=2147483647 [action=SCHED]",
                                          "vec=7 [action=SCHED]x",
                                          "vec=7 [actions=SCHED]",
                                          "vec=7 [action=SCHED] action=TIMER",
                                          "",
                                          "vec= [action=SCHED]"};
  TraceFields scratch;
  for (const std::string& line : lines) {
    const SoftirqFields got = read_softirq_fields(line, scratch);
    const SoftirqFields want = from_the_split_text(line);
    EXPECT_EQ(got.vec, want.vec) << line;
    EXPECT_EQ(got.action, want.action) << line;
  }
}

TEST(SoftirqFields, ReadsTheKernelsLayout) {
  TraceFields scratch;
  const SoftirqFields s = read_softirq_fields("vec=7 [action=SCHED]", scratch);
  EXPECT_EQ(s.vec, 7);
  EXPECT_EQ(s.action, "SCHED");
  const SoftirqFields old = read_softirq_fields("softirq=6 action=SCHED", scratch);
  EXPECT_EQ(old.vec, 6);
  EXPECT_EQ(old.action, "SCHED");
  EXPECT_EQ(read_softirq_fields("vec=7", scratch).action, std::nullopt);
  EXPECT_EQ(read_softirq_fields("action=SCHED", scratch).vec, std::nullopt);
}

}  // namespace
}  // namespace sbm
