// The mutant registry (model/mutants.h): one entry per enum value, names a CLI can take, and
// apply_mutant() turning era-switch mutants into the buggy era's data.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "model/mutants.h"
#include "model/profile.h"
#include "model/topology/build_options.h"

namespace sbm {
namespace {

Profile v617() { return *find_profile("v6.17").profile; }

TEST(MutantRegistry, EveryEntryIsNamedOnceAndFoundByName) {
  std::set<std::string_view> names;
  for (const MutantInfo& m : mutant_registry()) {
    EXPECT_NE(m.id, Mutant::None);
    EXPECT_TRUE(names.insert(m.name).second) << "duplicate name " << m.name;
    for (char c : m.name)
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') << m.name;
    EXPECT_FALSE(m.stands_for.empty()) << m.name;
    EXPECT_FALSE(m.caught_by.empty()) << m.name;
    ASSERT_NE(find_mutant(m.name), nullptr);
    EXPECT_EQ(find_mutant(m.name)->id, m.id);
    EXPECT_EQ(mutant_info(m.id).name, m.name);
  }
  // One entry per enumerator after None (the enum is dense).
  EXPECT_EQ(mutant_registry().size(), static_cast<size_t>(Mutant::GroupImbalance));
  EXPECT_GE(mutant_registry().size(), 20u);
  EXPECT_EQ(find_mutant("no-such-mutant"), nullptr);
  EXPECT_EQ(mutant_info(Mutant::None).name, "none");
  EXPECT_NE(mutant_names().find("plain-lt, "), std::string_view::npos);
}

TEST(MutantRegistry, ApplyRecordsTheMutantAndUndoesEraFixes) {
  Profile p = v617();
  BuildOptions b = build_options_for(p.version);
  ASSERT_EQ(p.nohz_kick_next_balance, NohzKickNextBalance::JiffiesPlusOneOnBalance);
  apply_mutant(Mutant::NohzNextBalanceOverwrite, p, &b);
  EXPECT_EQ(p.mutant, Mutant::NohzNextBalanceOverwrite);
  EXPECT_TRUE(is_mutant(p, Mutant::NohzNextBalanceOverwrite));
  EXPECT_EQ(p.nohz_kick_next_balance, NohzKickNextBalance::Increment);
  EXPECT_EQ(b, build_options_for(p.version)) << "a profile mutant leaves the builder alone";

  Profile q = v617();
  BuildOptions c = build_options_for(q.version);
  ASSERT_TRUE(c.find_descended_sibling);
  apply_mutant(Mutant::NumaDiameterGroups, q, &c);
  EXPECT_FALSE(c.find_descended_sibling);
  apply_mutant(Mutant::NumaDiameterGroups, q, nullptr);  // no builder: no crash, profile marked
  EXPECT_TRUE(is_mutant(q, Mutant::NumaDiameterGroups));

  Profile r = v617();
  EXPECT_FALSE(is_mutant(r, Mutant::PlainLt));
  apply_mutant(Mutant::NextBalanceWriteUnfed, r, nullptr);
  EXPECT_EQ(r.next_balance_write, NextBalanceWrite::Always);
}

}  // namespace
}  // namespace sbm
