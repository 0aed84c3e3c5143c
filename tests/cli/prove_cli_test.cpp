// `sbm prove` end to end: exit statuses (0 proved within bound, 1 counterexample, 2 bad
// input, 3 unknown), JSON, and counterexample files that the checkers reject with the same ID.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli/sbm_run.h"

namespace {

using sbm::testing::sbm;
using sbm::testing::SbmRun;
using sbm::testing::temp_dir;

TEST(CliProve, ProvedWithinBoundStatesItsBounds) {
  const SbmRun r = sbm("prove serialize interval-bounds");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("serialize (SER-1): proved within bound [cpus=4 steps=8]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("interval-bounds (INT-1): proved within bound"), std::string::npos) << r.out;
}

// Progress goes to stderr, and a run shorter than its first periodic line (10 s; stderr is a file
// here) prints none; -q/--quiet is accepted and keeps stderr empty.
TEST(CliProve, AShortRunOrAQuietOneLeavesStderrEmpty) {
  for (const char* quiet : {"", " -q", " --quiet"}) {
    const SbmRun r = sbm(std::string("prove interval-bounds") + quiet);
    EXPECT_EQ(r.status, 0) << quiet;
    EXPECT_NE(r.out.find("interval-bounds (INT-1): proved within bound"), std::string::npos);
    EXPECT_EQ(r.err, "") << quiet;
  }
}

TEST(CliProve, CounterexampleTraceIsRejectedBySbmTraceCheckWithTheSameId) {
  const std::string cex = (temp_dir() / "ser.trace").string();
  const SbmRun r = sbm("prove serialize --mutant check-then-set --cex " + cex);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("serialize (SER-1): COUNTEREXAMPLE"), std::string::npos) << r.out;
  const SbmRun check = sbm("trace check -q " + cex);
  EXPECT_EQ(check.status, 1) << check.out;
  EXPECT_NE(check.out.find("VIOLATED: 1 violation of SER-1"), std::string::npos) << check.out;
}

TEST(CliProve, CounterexampleDumpIsRejectedBySbmTopologyCheck) {
  const std::string cex = (temp_dir() / "groups.txt").string();
  const SbmRun r = sbm("prove topo-builder --mutant numa-diameter-groups --cex " + cex);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  const SbmRun check = sbm("topology check " + cex);
  EXPECT_EQ(check.status, 1) << check.out;
  EXPECT_NE(check.out.find("TOPO-GROUPS-SPAN"), std::string::npos) << check.out;
}

TEST(CliProve, JsonCarriesVerdictBoundsAndTheSameCounterexampleEveryRun) {
  const std::string cmd = "prove next-balance --mutant plain-lt --bound jiffies-bits=32 --json";
  const SbmRun a = sbm(cmd), b = sbm(cmd);
  EXPECT_EQ(a.status, 1) << a.out << a.err;
  const nlohmann::json j = nlohmann::json::parse(a.out);
  EXPECT_EQ(j["mutant"], "plain-lt");
  ASSERT_EQ(j["results"].size(), 1u);
  const nlohmann::json& res = j["results"][0];
  EXPECT_EQ(res["verdict"], "counterexample");
  EXPECT_EQ(res["property_id"], "NB-1");
  EXPECT_EQ(res["bounds"]["jiffies-bits"], 32);
  EXPECT_EQ(res["counterexample"]["kind"], "trace");
  EXPECT_EQ(res["counterexample"]["text"],
            nlohmann::json::parse(b.out)["results"][0]["counterexample"]["text"])
      << "deterministic: the same query gives the same counterexample";
}

TEST(CliProve, ATimeoutIsUnknownExitThreeNeverProved) {
  const SbmRun r = sbm("prove next-balance --timeout 0.001 --bound domains=8 --mutant plain-lt");
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("unknown (timeout), not a proof"), std::string::npos) << r.out;
}

TEST(CliProve, BadInputIsExitTwo) {
  EXPECT_EQ(sbm("prove no-such-query").status, 2);
  EXPECT_EQ(sbm("prove next-balance --bound domains=x").status, 2);
  EXPECT_EQ(sbm("prove next-balance --bound nosuch=3").status, 2);
  const SbmRun m = sbm("prove serialize --mutant no-such-mutant");
  EXPECT_EQ(m.status, 2);
  EXPECT_NE(m.err.find("known: plain-lt"), std::string::npos) << m.err;
  EXPECT_EQ(sbm("prove serialize --profile v9.99").status, 2);
}

}  // namespace
