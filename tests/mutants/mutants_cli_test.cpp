// `sbm mutants` and `sbm trace gen --mutant` end to end: exit statuses and the JSON shape.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/sbm_run.h"

namespace sbm {
namespace {

using testing::sbm;

TEST(MutantsCli, JsonNamesTheKillerAndExitsZeroWhenEveryMutantDies) {
  const auto r = sbm("mutants --mutant affinity-ignored --mutant migration-loses-task --json");
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["mutants"].size(), 2u);
  EXPECT_EQ(j["mutants"][0]["name"], "affinity-ignored");
  EXPECT_EQ(j["mutants"][0]["killed"], true);
  EXPECT_EQ(j["mutants"][0]["killed_by"][0], "property:MIG-2");
  EXPECT_EQ(j["mutants"][1]["killed_by"][0], "property:MIG-1");
  EXPECT_EQ(j["baseline"]["passed"], true);
  EXPECT_TRUE(j["survivors"].empty());
}

TEST(MutantsCli, UnknownMutantIsAUsageError) {
  const auto r = sbm("mutants --mutant no-such-bug");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("plain-lt"), std::string::npos) << r.err;  // lists the known ones
}

TEST(MutantsCli, ABudgetTooSmallToDecideExitsUnknown) {
  const auto r = sbm("mutants --mutant group-imbalance --budget 0.001");
  EXPECT_EQ(r.status, 3) << r.out;
}

TEST(TraceGenMutant, TheUnmutatedReplayRejectsTheMutantsTrace) {
  const std::string gen =
      "trace gen --topology laptop --profile v6.17 --ticks 300 --workload churn";
  const auto bad = sbm("trace check -", std::string(SBM_BINARY) + " " + gen +
                                            " --mutant migration-outside-span 2>/dev/null | ");
  EXPECT_EQ(bad.status, 1) << bad.out;
  EXPECT_NE(bad.out.find("MIG-3"), std::string::npos) << bad.out;
  const auto good = sbm("trace check -", std::string(SBM_BINARY) + " " + gen + " 2>/dev/null | ");
  EXPECT_EQ(good.status, 0) << good.out;
  EXPECT_EQ(sbm(gen + " --mutant nope").status, 2);
}

}  // namespace
}  // namespace sbm
