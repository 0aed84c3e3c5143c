// An event's field text (traces/trace_fields.h): split into items, and read by key forward.
#include "traces/trace_fields.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace sbm {
namespace {

TEST(TraceFields, KeyValuesBracketsCommsAndValueLessTokens) {
  std::vector<TraceField> f;
  parse_trace_fields("vec=7 [action=SCHED]", f);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].key, "action");
  EXPECT_EQ(f[1].value, "SCHED");
  EXPECT_TRUE(f[1].has_value);

  parse_trace_fields("comm=run_stream.sh pid=4392 prio=120 target_cpu=206 *LLC: 9", f);
  ASSERT_EQ(f.size(), 6u);
  EXPECT_EQ(f[0].value, "run_stream.sh");
  EXPECT_EQ(find_trace_field(f, "target_cpu"), "206");
  EXPECT_EQ(f[4].key, "*LLC:");
  EXPECT_FALSE(f[4].has_value);
  EXPECT_EQ(f[5].key, "9");

  parse_trace_fields("prev_comm=Web Content prev_pid=5512 allowed=0-3,8 balance_interval=8->16", f);
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0].value, "Web Content");
  EXPECT_EQ(find_trace_field(f, "allowed"), "0-3,8");
  EXPECT_EQ(find_trace_field(f, "balance_interval"), "8->16");
  EXPECT_FALSE(find_trace_field(f, "missing"));

  parse_trace_fields("trace-cmd:4734 [120] R ==> x=", f);
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(f[1].key, "[120]");
  EXPECT_FALSE(f[1].has_value);
  EXPECT_EQ(f[3].key, "==>");
  EXPECT_TRUE(f[4].has_value);
  EXPECT_EQ(f[4].value, "");

  parse_trace_fields("   ", f);
  EXPECT_TRUE(f.empty());
}

TEST(TraceFields, ReadsForwardAndFallsBackForEarlierKeys) {
  TraceFields f;
  f.reset("comm=Web Content pid=5512 prio=120 target_cpu=003");
  EXPECT_EQ(f.find("pid"), "5512");  // forward, over comm
  EXPECT_EQ(f.find("pid"), "5512");  // the last one again (has() then a read)
  EXPECT_EQ(f.find("target_cpu"), "003");
  EXPECT_EQ(f.find("comm"), "Web Content");  // behind: from the split text
  EXPECT_EQ(f.find("missing"), std::nullopt);
  f.reset("vec=7 [action=SCHED]");
  EXPECT_EQ(f.find("action"), "SCHED");
  EXPECT_EQ(f.find("vec"), "7");
}

}  // namespace
}  // namespace sbm
