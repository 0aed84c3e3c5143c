// The `# key: value` header of an sbm trace read back (traces/trace_header.h).
#include "traces/trace_header.h"

#include <gtest/gtest.h>

#include <string_view>

namespace sbm {
namespace {

TraceRecord line(std::string_view text) { return read_trace_line(text, 7); }

TEST(TraceHeaderText, CollectsSbmKeysAndRejectsBadValues) {
  TraceHeaderText h;
  for (const char* l :
       {"# tracer: nop", "# sbm-trace: 1", "# profile: v6.17", "# hz: 250", "# jiffies-bits: 64",
        "# topology: 2s-numa", "# topology-dump: CPU0 attaching sched-domain(s):", "# source: x"})
    EXPECT_FALSE(add_trace_header(h, line(l))) << l;
  EXPECT_EQ(h.version, 1);
  EXPECT_EQ(h.profile, "v6.17");
  EXPECT_EQ(h.hz, 250u);
  EXPECT_EQ(h.jiffies_bits, 64u);
  EXPECT_EQ(h.topology, "2s-numa");
  ASSERT_EQ(h.topology_dump.size(), 1u);
  EXPECT_EQ(h.topology_dump[0], "CPU0 attaching sched-domain(s):");

  EXPECT_TRUE(add_trace_header(h, line("# hz: 100")));  // twice
  EXPECT_TRUE(add_trace_header(h, line("# profile: v4.19")));
  TraceHeaderText fresh;
  for (const char* bad : {"# sbm-trace: 2", "# sbm-trace: one", "# hz: 0", "# hz: -5",
                          "# jiffies-bits: 48", "# profile:"})
    EXPECT_TRUE(add_trace_header(fresh, line(bad))) << bad;
  EXPECT_FALSE(add_trace_header(fresh, line("not a header")));
}

}  // namespace
}  // namespace sbm
