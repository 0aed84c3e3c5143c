// traces/sched_event_fields.h: the wakeup fields in the kernel's raw layout and in trace-cmd's
// compact ones (3.x "comm:pid [prio] CPU:nnn", 2.x with " success=N" before CPU:).
#include "traces/sched_event_fields.h"

#include <gtest/gtest.h>

#include <string>

namespace sbm {
namespace {

std::optional<SchedWakeupFields> wakeup(const std::string& fields) {
  static std::string line;  // the record's views point into it
  line = "  b-200 [001] d..2. 50.000000: sched_wakeup: " + fields;
  const TraceRecord r = read_trace_line(line, 1);
  TraceFields scratch;
  return read_sched_wakeup(r, scratch);
}

TEST(SchedWakeupFields, RawLayout) {
  const auto w = wakeup("comm=kworker/1:2 pid=500 prio=120 target_cpu=003");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->comm, "kworker/1:2");
  EXPECT_EQ(w->pid, 500);
  EXPECT_EQ(w->target_cpu, 3);
}

TEST(SchedWakeupFields, TraceCmdCompactLayouts) {
  const auto v3 = wakeup("memfd:sealed-91:26709 [120] CPU:001");
  ASSERT_TRUE(v3);
  EXPECT_EQ(v3->comm, "memfd:sealed-91") << "the pid follows the last ':'";
  EXPECT_EQ(v3->pid, 26709);
  EXPECT_EQ(v3->target_cpu, 1);
  const auto v2 = wakeup("my task:15 [120] success=1 CPU:006");
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->comm, "my task");
  EXPECT_EQ(v2->pid, 15);
  EXPECT_EQ(v2->target_cpu, 6);
}

TEST(SchedWakeupFields, MissingOrNegativeValuesAreNotRead) {
  EXPECT_FALSE(wakeup("comm=a pid=5 prio=120"));
  EXPECT_FALSE(wakeup("comm=a pid=-1 prio=120 target_cpu=001"));
  EXPECT_FALSE(wakeup("a:12 [120]")) << "no CPU:";
  EXPECT_FALSE(wakeup("a [120] CPU:001")) << "no pid";
  EXPECT_FALSE(wakeup("a:x [120] CPU:001"));
  EXPECT_FALSE(wakeup("a:12 [120] CPU:-3"));
}

}  // namespace
}  // namespace sbm
