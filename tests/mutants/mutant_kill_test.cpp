// Each mutant of the registry (model/mutants.h) is killed by the check spec/mutants.md
// names, in the column named there, and the unmutated model passes every column: the kill
// matrix of `sbm mutants` (tools/sbm/mutant_matrix.h), column by column.
#include <gtest/gtest.h>

#include <string>

#include "model/mutants.h"
#include "model/nohz/nohz.h"
#include "model/profile.h"
#include "model/sim/simulator.h"
#include "properties/nohz_kick_invariants.h"
#include "tools/sbm/mutant_matrix.h"

namespace sbm {
namespace {

struct Expected {
  const char* mutant;
  KillColumn column;
  const char* id;
};

std::string name_of(const ::testing::TestParamInfo<Expected>& info) {
  std::string s = std::string(info.param.mutant) + "_" + kill_column_name(info.param.column);
  for (char& ch : s)
    if (ch == '-') ch = '_';
  return s;
}

ColumnResult run(KillColumn column, Mutant m) {
  return run_kill_column(column, m, SBM_TRACE_CORPUS_ROOT, Deadline{});
}

class MutantKilled : public ::testing::TestWithParam<Expected> {};

TEST_P(MutantKilled, ByTheExpectedId) {
  const MutantInfo* m = find_mutant(GetParam().mutant);
  ASSERT_NE(m, nullptr) << GetParam().mutant;
  const ColumnResult r = run(GetParam().column, m->id);
  EXPECT_TRUE(r.killed) << m->name << " survived " << kill_column_name(GetParam().column);
  EXPECT_EQ(r.id, GetParam().id) << r.observed;
  EXPECT_FALSE(r.where.empty());
  EXPECT_FALSE(r.reproduce.empty());
  EXPECT_GE(r.cases, 1u);
  EXPECT_LE(r.cases, r.total_cases);
}

// The mutants whose code sites this suite's author wrote, the era switches and the builder
// switches, with the column and ID measured for them (spec/mutants.md, the matrix).
INSTANTIATE_TEST_SUITE_P(
    Registry, MutantKilled,
    ::testing::Values(Expected{"next-balance-all-domains", KillColumn::Property, "NB-1"},
                      Expected{"next-balance-all-domains", KillColumn::Replay, "NB-1"},
                      Expected{"numa-diameter-groups", KillColumn::Property, "TOPO-GROUPS-SPAN"},
                      Expected{"overlap-groups-cpu0-view", KillColumn::Property,
                               "TOPO-GROUP-CHILD"},
                      Expected{"degenerate-stale-flags", KillColumn::Property, "TOPO-GROUP-FLAGS"},
                      Expected{"nohz-next-balance-overwrite", KillColumn::Property, "NOHZ-2"},
                      Expected{"nohz-next-balance-overwrite", KillColumn::Replay, "NOHZ-2"},
                      Expected{"nohz-ilb-own-not-folded", KillColumn::Property, "NOHZ-2"},
                      Expected{"nohz-ilb-own-not-folded", KillColumn::Replay, "NOHZ-2"},
                      Expected{"nohz-kick-never-cleared", KillColumn::Property, "NOHZ-3"},
                      Expected{"migration-loses-task", KillColumn::Property, "MIG-1"},
                      Expected{"affinity-ignored", KillColumn::Property, "MIG-2"},
                      Expected{"affinity-ignored", KillColumn::Replay, "MIG-2"},
                      Expected{"migration-outside-span", KillColumn::Property, "MIG-3"},
                      Expected{"migration-outside-span", KillColumn::Replay, "MIG-3"},
                      Expected{"detach-limit-ignored", KillColumn::Property, "MIG-4"},
                      Expected{"detach-limit-ignored", KillColumn::Replay, "MIG-4"},
                      Expected{"group-imbalance", KillColumn::Property, "WC-1"},
                      Expected{"busy-factor-ignored", KillColumn::Property, "INT-2"},
                      Expected{"busy-factor-ignored", KillColumn::Replay, "INT-2"},
                      Expected{"nohz-ilb-own-not-folded", KillColumn::Z3, "NOHZ-2"},
                      Expected{"newidle-unserialized", KillColumn::Z3, "SER-1"}),
    name_of);

// The baseline: the unmutated model passes every case of every column.
class UnmutatedModel : public ::testing::TestWithParam<KillColumn> {};

TEST_P(UnmutatedModel, PassesEveryCase) {
  const ColumnResult r = run(GetParam(), Mutant::None);
  EXPECT_FALSE(r.killed) << r.where << ": " << r.observed;
  EXPECT_EQ(r.cases, r.total_cases);
}

INSTANTIATE_TEST_SUITE_P(Columns, UnmutatedModel,
                         ::testing::Values(KillColumn::Property, KillColumn::Replay,
                                           KillColumn::Corpus),
                         [](const ::testing::TestParamInfo<KillColumn>& i) {
                           return std::string(kill_column_name(i.param));
                         });

// The corpus column judges with the mutated oracle: it has golden traces to judge.
TEST(CorpusColumn, ReadsEveryGoldenTrace) {
  const ColumnResult r = corpus_column(Mutant::None, SBM_TRACE_CORPUS_ROOT, Deadline{});
  EXPECT_GE(r.total_cases, 30u);
  EXPECT_TRUE(corpus_column(Mutant::None, "", Deadline{}).note.size() > 0);
}

// A budget that has run out stops a column before its first case, and says so.
TEST(KillMatrix, AnExpiredBudgetCutsTheColumn) {
  const Deadline expired(-1);
  const ColumnResult r = property_column(Mutant::AffinityIgnored, expired);
  EXPECT_FALSE(r.killed);
  EXPECT_TRUE(r.budget_cut);
  EXPECT_EQ(r.cases, 0u);
}

// NOHZ-3 on a machine state: kick bits left at a jiffy boundary fire it, none hold.
TEST(Nohz3, FiresOnKickBitsLeftSetAndHoldsWithout) {
  SimConfig c;
  c.machine = parse_machine_spec("laptop").spec.value();
  c.profile = find_profile("v6.17").profile.value();
  Simulator sim = std::move(Simulator::create(c).sim.value());
  MachineState m = sim.machine();
  EXPECT_TRUE(check_nohz3_kick_served(m).empty());
  m.rq(2).nohz_flags = kNohzBalanceKick | kNohzStatsKick;
  const auto found = check_nohz3_kick_served(m);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, "NOHZ-3");
  EXPECT_EQ(found[0].cpu, 2);
  m.rq(2).nohz_flags = 0;
  m.rq(3).nohz_idle_balance = kNohzBalanceKick;  // handed to a softirq that never ran
  EXPECT_EQ(check_nohz3_kick_served(m).size(), 1u);
}

}  // namespace
}  // namespace sbm
