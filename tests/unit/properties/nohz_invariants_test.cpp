// NOHZ-1 and NOHZ-2 (properties/nohz_invariants.h) on hand-made event streams: each
// part fires on a bad stream and holds on a good one; which parts each profile has.
#include <gtest/gtest.h>

#include "model/nohz/nohz.h"
#include "properties/nohz_invariants.h"
#include "tests/support/sched_balance_testing.h"

namespace sbm::testing {
namespace {

constexpr uint64_t J = 1000;  // jiffies of the hand-made events

NohzRules all_rules() { return nohz_rules(profile("v6.17")); }

IlbPassEndEvent walk(bool complete, std::vector<std::pair<int, uint64_t>> folded, uint64_t before,
                     uint64_t after) {
  IlbPassEndEvent e{
      2, kNohzBalanceKick | kNohzStatsKick, complete, J, {}, {}, std::move(folded), before, after};
  for (const auto& [cpu, nb] : e.folded) e.candidates.set(cpu);
  return e;
}

TEST(NohzInvariants, RulesPerProfile) {
  EXPECT_EQ(nohz_rules(profile("v2.6.20")).walk, NohzWalkRule::None);
  const NohzRules owner = nohz_rules(profile("v2.6.32"));
  EXPECT_EQ(owner.walk, NohzWalkRule::OwnerFold);
  EXPECT_FALSE(owner.kick_not_later);
  const NohzRules v419 = nohz_rules(profile("v4.19"));
  EXPECT_EQ(v419.walk, NohzWalkRule::None);
  EXPECT_FALSE(v419.kick_not_later);
  EXPECT_FALSE(v419.enter_idle_folds);
  for (const char* name : {"v6.17", "v6.19"}) {
    const NohzRules r = nohz_rules(profile(name));
    EXPECT_EQ(r.walk, NohzWalkRule::CompleteMinimum) << name;
    EXPECT_TRUE(r.kick_not_later) << name;
    EXPECT_TRUE(r.enter_idle_folds) << name;
  }
  EXPECT_EQ(nohz_invariants().size(), 2u);
}

TEST(NohzInvariants, Nohz1FiresWhenTheIlbIsBusy) {
  const std::vector<BalanceEvent> ok = {IlbBalanceEvent{2, 3, true, J},
                                        IlbBalanceEvent{2, 2, false, J}};  // itself: v4.19
  EXPECT_TRUE(check_nohz1(ok).empty());
  const std::vector<BalanceEvent> bad = {SoftirqEntryEvent{2, 7}, IlbBalanceEvent{2, 3, false, J}};
  const auto v = check_nohz1(bad);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].id, "NOHZ-1");
  EXPECT_EQ(v[0].cpu, 2);
  EXPECT_EQ(v[0].line, 2);
}

TEST(NohzInvariants, CompleteWalkMustWriteTheMinimum) {
  const Profile p = profile("v6.17");
  const std::vector<BalanceEvent> ok = {
      walk(true, {{3, J + 7}, {0, J + 4}, {2, J + 9}}, J + 1, J + 4)};
  EXPECT_TRUE(check_nohz2(p, ok).empty());
  const std::vector<BalanceEvent> bad = {
      walk(true, {{3, J + 7}, {0, J + 4}, {2, J + 9}}, J + 1, J + 7)};
  const auto v = check_nohz2(p, bad);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].id, "NOHZ-2");
  EXPECT_EQ(v[0].expected, std::to_string(J + 4));
  // Nothing folded: the value stays.
  EXPECT_TRUE(check_nohz2(p, {walk(true, {}, J + 1, J + 1)}).empty());
  EXPECT_EQ(check_nohz2(p, {walk(true, {}, J + 1, J + 9)}).size(), 1u);
}

TEST(NohzInvariants, CompleteWalkMustFoldEveryIdleCpu) {
  IlbPassEndEvent e = walk(true, {{3, J + 7}, {2, J + 9}}, J + 1, J + 7);
  EXPECT_TRUE(check_nohz2(profile("v6.17"), {e}).empty());
  e.candidates.set(0);  // CPU0 was in the mask but the walk neither folded nor skipped it
  EXPECT_EQ(check_nohz2(profile("v6.17"), {e}).size(), 1u);
  e.skipped_busy.set(0);  // it was busy when reached: fine
  EXPECT_TRUE(check_nohz2(profile("v6.17"), {e}).empty());
}

TEST(NohzInvariants, AbortedWalkMustLeaveNextBalance) {
  const Profile p = profile("v6.17");
  EXPECT_TRUE(check_nohz2(p, {walk(false, {{3, J + 7}}, J + 1, J + 1)}).empty());
  EXPECT_EQ(check_nohz2(p, {walk(false, {{3, J + 7}}, J + 1, J + 7)}).size(), 1u);
}

// The minimum is by time_after, not by '<': across the 32-bit wrap 0xfffffff0 is before 0x10.
TEST(NohzInvariants, MinimumIsWrapSafe) {
  const Profile p = profile("v6.17", ProfileOptions{std::nullopt, 32, std::nullopt});
  IlbPassEndEvent e = walk(true, {{1, 0x10}, {3, 0xfffffff0u}}, 0xffffffe1u, 0xfffffff0u);
  e.jiffies = 0xffffffe0u;
  EXPECT_TRUE(check_nohz2(p, {e}).empty());
  e.after = 0x10;
  EXPECT_EQ(check_nohz2(p, {e}).size(), 1u);
}

TEST(NohzInvariants, OwnerFoldPullsTheOwnersNextBalance) {
  const Profile p = profile("v2.6.32");
  IlbPassEndEvent e = walk(false, {{2, J + 3}, {3, J + 8}}, J + 5, J + 3);
  EXPECT_TRUE(check_nohz2(p, {e}).empty());
  e.after = J + 5;
  EXPECT_EQ(check_nohz2(p, {e}).size(), 1u);
}

TEST(NohzInvariants, KickMustNotPushNextBalancePastTheNextTick) {
  const Profile p = profile("v6.17");
  // BALANCE kick when due: jiffies + 1.
  EXPECT_TRUE(check_nohz2(p, {NohzKickEvent{0, 1, kNohzBalanceKick, J, J - 3, J + 1, false, true}})
                  .empty());
  // STATS kick before it is due leaves it.
  EXPECT_TRUE(
      check_nohz2(p, {NohzKickEvent{0, 1, kNohzStatsKick, J, J + 5, J + 5, false, true}}).empty());
  // v4.19's nohz.next_balance++ on a stats-only kick.
  const auto v =
      check_nohz2(p, {NohzKickEvent{0, 1, kNohzStatsKick, J, J + 5, J + 6, false, true}});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].expected, "at most " + std::to_string(J + 5));
  // Not part of v4.19's own rules.
  EXPECT_TRUE(check_nohz2(profile("v4.19"),
                          {NohzKickEvent{0, 1, kNohzStatsKick, J, J + 5, J + 6, false, true}})
                  .empty());
}

TEST(NohzInvariants, EnteringIdleEarlierMustSetNeedsUpdate) {
  const Profile p = profile("v6.17");
  EXPECT_TRUE(check_nohz2(p, {NohzIdleEvent{3, true, J, J + 2, J + 50, true, -1}}).empty());
  // Later than nohz.next_balance: nothing to fold.
  EXPECT_TRUE(check_nohz2(p, {NohzIdleEvent{3, true, J, J + 90, J + 50, false, -1}}).empty());
  const auto v = check_nohz2(p, {NohzIdleEvent{3, true, J, J + 2, J + 50, false, -1}});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 3);
}

TEST(NohzInvariants, KickWhileNeedsUpdateMustCarryNext) {
  const Profile p = profile("v6.17");
  EXPECT_TRUE(
      check_nohz2(p, {NohzKickEvent{0, 1, kNohzNextKick, J, J + 5, J + 5, true, true}}).empty());
  EXPECT_EQ(
      check_nohz2(p, {NohzKickEvent{0, 1, kNohzStatsKick, J, J + 5, J + 5, true, true}}).size(),
      1u);
  EXPECT_TRUE(check_nohz2(p, all_rules(),
                          {NohzKickEvent{0, 1, kNohzStatsKick, J, J + 5, J + 5, false, true}})
                  .empty());
}

}  // namespace
}  // namespace sbm::testing
