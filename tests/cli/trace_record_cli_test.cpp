// `sbm trace record` without tracing: --help and the usage errors found before tracefs is
// touched (so these run anywhere, as any user). The recordings themselves are the `live`
// tests (tests/cli/trace_record_live_test.cpp).
#include <gtest/gtest.h>

#include <string>

#include "tests/cli/sbm_run.h"

namespace {

using sbm::testing::sbm;
using sbm::testing::SbmRun;

TEST(CliTraceRecord, HelpTeachesWithExamples) {
  const SbmRun r = sbm("trace record --help");
  EXPECT_EQ(r.status, 0) << r.err;
  for (const char* part :
       {"private ftrace instance", "trace_pipe", "Needs root", "--seconds", "--buffer-kb",
        "-e,--event", "sched: sched_switch sched_waking", "[LOST M EVENTS]",
        "Examples:", "sbm trace record -o - -- make -j2 | sbm trace check -"})
    EXPECT_NE(r.out.find(part), std::string::npos) << part << "\n" << r.out;
  EXPECT_NE(sbm("trace --help").out.find("record"), std::string::npos);
}

TEST(CliTraceRecord, SaysWhatIsNeededWithoutSecondsOrCommand) {
  const SbmRun r = sbm("trace record -o /dev/null");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("sbm: error: trace record: say how long: --seconds S, or -- COMMAND"),
            std::string::npos)
      << r.err;
}

TEST(CliTraceRecord, BadEventNamesAndValuesAreUsageErrors) {
  const SbmRun r = sbm("trace record --seconds 1 -e sched:../../x");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("sbm: error: -e: 'sched:../../x' is not an event name"), std::string::npos)
      << r.err;
  EXPECT_EQ(sbm("trace record --seconds 0").status, 2);
  EXPECT_EQ(sbm("trace record --seconds -1").status, 2);
  EXPECT_EQ(sbm("trace record --seconds 1 --buffer-kb 0").status, 2);
}

}  // namespace
