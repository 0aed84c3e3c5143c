// `sbm mutants` and `sbm trace gen --mutant` end to end: exit statuses and the JSON shape.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/cli/sbm_run.h"

namespace sbm {
namespace {

using testing::sbm;

// The simulator columns only: the z3 column's unmutated baseline alone takes 20 s (100 s under
// the sanitizers), and the full matrix is .ci/run's own step.
TEST(MutantsCli, JsonNamesTheKillerAndExitsZeroWhenEveryMutantDies) {
  const auto r =
      sbm("mutants --mutant affinity-ignored --mutant migration-loses-task --column property "
          "--column replay --json");
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

// Two fast mutants on the two simulator columns: the cells run in parallel give the same report.
constexpr const char* kFastSubset =
    "mutants --mutant affinity-ignored --mutant migration-loses-task --column property "
    "--column replay";

TEST(MutantsCli, ParallelJobsPrintWhatOneJobPrints) {
  const auto one = sbm(std::string(kFastSubset) + " -j 1");
  const auto two = sbm(std::string(kFastSubset) + " -j 2");
  ASSERT_EQ(one.status, 0) << one.out << one.err;
  EXPECT_EQ(two.status, 0);
  EXPECT_EQ(one.out, two.out);
  EXPECT_NE(one.out.find("affinity-ignored: replay MIG-2"), std::string::npos) << one.out;
  EXPECT_NE(one.err.find("with 1 job"), std::string::npos) << one.err;  // timing on stderr
  EXPECT_NE(two.err.find("with 2 jobs"), std::string::npos) << two.err;
  // --quiet: nothing on stderr, the same stdout.
  const auto quiet = sbm(std::string(kFastSubset) + " -j 2 --quiet");
  EXPECT_EQ(quiet.out, one.out);
  EXPECT_EQ(quiet.err, "");
}

TEST(MutantsCli, NoJobsIsAUsageError) {
  for (const char* j : {"0", "-1"}) {
    const auto r = sbm(std::string("mutants --mutant plain-lt -j ") + j);
    EXPECT_EQ(r.status, 2) << j;
    EXPECT_NE(r.err.find("-j: expected 1 or more jobs"), std::string::npos) << r.err;
  }
  EXPECT_EQ(sbm("mutants --column nope").status, 2);
}

TEST(MutantsCli, ReportLinesFitOneHundredColumns) {
  const auto r = sbm(std::string(kFastSubset) + " -q");
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) EXPECT_LE(line.size(), 100u) << line;
}

// A kill's printed rerun command, run as printed, reports the same kill.
TEST(MutantsCli, TheRerunCommandOfAKillShowsItAgain) {
  const auto r = sbm("mutants --mutant affinity-ignored --column property --column replay -q");
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const std::string head = "affinity-ignored: replay ";
  const size_t at = r.out.find(head);
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string kill = r.out.substr(at, r.out.find('\n', at) - at);
  const size_t cmd_at = r.out.find("    rerun: sbm ", at);
  ASSERT_NE(cmd_at, std::string::npos) << r.out;
  const size_t args_at = cmd_at + std::string("    rerun: sbm ").size();
  const std::string args = r.out.substr(args_at, r.out.find('\n', args_at) - args_at);
  EXPECT_EQ(args, "mutants --mutant affinity-ignored --column replay");
  const auto again = sbm(args + " -q");
  EXPECT_EQ(again.status, 0) << again.out;
  EXPECT_NE(again.out.find(kill + "\n"), std::string::npos) << kill << "\n" << again.out;
  EXPECT_EQ(again.out.find("affinity-ignored: property"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("| skip "), std::string::npos) << again.out;  // the other columns
}

TEST(MutantsCli, MutantNoneRunsTheUnmutatedModelAlone) {
  const auto r = sbm("mutants --mutant none --column property --json -q");
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["mutants"].empty());
  EXPECT_EQ(j["baseline"]["passed"], true);
  EXPECT_EQ(j["baseline"]["columns"]["z3"]["skipped"], true);
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
