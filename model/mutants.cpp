#include "model/mutants.h"

#include <string>

#include "model/profile.h"
#include "model/topology/build_options.h"

namespace sbm {

const std::vector<MutantInfo>& mutant_registry() {
  static const std::vector<MutantInfo> all = {
      {Mutant::PlainLt, "plain-lt",
       "the next_balance minimum compares deadlines with a plain '<' instead of time_after(), "
       "so it picks the wrong one across a jiffies wrap",
       "classic mistake (include/linux/jiffies.h)",
       "rebalance_domains() out: (model/balance/balance_interval.h)", "NB-1"},
      {Mutant::NextBalanceAllDomains, "next-balance-all-domains",
       "rq->next_balance is the minimum over every domain of the CPU, also those the walk never "
       "reached after should_we_balance() stopped it",
       "classic mistake", "rebalance_domains() (model/balance/sched_balance_domains.cpp)", "NB-1"},
      {Mutant::NextBalanceWriteUnfed, "next-balance-write-unfed",
       "rq->next_balance is written at the end of the pass even when no domain lowered the local "
       "minimum (the 2.6.20-2.6.23 behaviour, in an era that had fixed it)",
       "the 2.6.24 update_next_balance change undone",
       "rebalance_domains() out: (Profile::next_balance_write)", "NB-1"},
      {Mutant::UnclampedInterval, "unclamped-interval",
       "get_sd_balance_interval() returns the scaled interval without clamping it to "
       "[1, max_load_balance_interval]",
       "classic mistake", "get_sd_balance_interval() (model/balance/balance_interval.h)", "INT-1"},
      {Mutant::BusyFactorIgnored, "busy-factor-ignored",
       "a busy CPU uses the idle interval: balance_interval is not multiplied by busy_factor",
       "classic mistake", "get_sd_balance_interval() (model/balance/balance_interval.h)", "INT-2"},
      {Mutant::UnboundedBackoff, "unbounded-backoff",
       "sched_balance_rq() doubles balance_interval on every all-pinned failure without the "
       "max_interval / MAX_PINNED_INTERVAL ceiling",
       "classic mistake (spec/bugs.md #16 is its cousin)",
       "sched_balance_rq() out_one_pinned: (model/balance/balance_interval.h)", "BI-1"},
      {Mutant::CheckThenSet, "check-then-set",
       "the SD_SERIALIZE token is read, then set in a second step, so two CPUs can both see it "
       "free",
       "classic mistake (214c1b7f1395 made the token an atomic cmpxchg)",
       "sched_balance_domains() / sched_balance_rq() (model/balance/sched_balance_serialize.cpp)",
       "SER-1"},
      {Mutant::TrylockFailBalances, "trylock-fail-balances",
       "a CPU whose trylock of the SD_SERIALIZE token failed balances the domain anyway",
       "classic mistake", "rebalance_domains() (model/balance/sched_balance_serialize.cpp)",
       "SER-1"},
      {Mutant::NewidleUnserialized, "newidle-unserialized",
       "under v6.19, newly idle balancing of an SD_SERIALIZE domain skips the token",
       "spec/bugs.md #15, 522fb20fbdbe undone", "sched_balance_rq() (Profile::serialize_newidle)",
       "SER-1"},
      {Mutant::NumaDiameterGroups, "numa-diameter-groups",
       "overlap groups built from a sibling's child domain reach nodes outside the parent span "
       "when the NUMA diameter is above 2",
       "spec/bugs.md #8, 585b6d2723dc undone",
       "build_overlap_sched_groups() (BuildOptions::find_descended_sibling)", "TOPO-GROUPS-SPAN"},
      {Mutant::OverlapGroupsCpu0View, "overlap-groups-cpu0-view",
       "overlap groups are built walking the span from its first CPU, not from the CPU that owns "
       "the domain",
       "spec/bugs.md #2, 0372dd2736e0 undone",
       "build_overlap_sched_groups() (BuildOptions::groups_walk_from_own_cpu)", "TOPO-GROUP-CHILD"},
      {Mutant::DegenerateStaleFlags, "degenerate-stale-flags",
       "removing a degenerate domain leaves the grandparent's first group with the flags of the "
       "removed level",
       "spec/bugs.md #9, bf2dc42d6beb and 4efcc8bc7e08 undone",
       "cpu_attach_domain() (BuildOptions::group_flags)", "TOPO-GROUP-FLAGS"},
      {Mutant::NohzNextBalanceOverwrite, "nohz-next-balance-overwrite",
       "kick_ilb() bumps nohz.next_balance on every kick and the ILB's local pass overwrites the "
       "minimum the idle CPUs fed",
       "spec/bugs.md #11, 3ea2f097b17e undone",
       "kick_ilb(), _nohz_idle_balance() (Profile::nohz_kick_next_balance)", "NOHZ-2"},
      {Mutant::NohzIlbOwnNotFolded, "nohz-ilb-own-not-folded",
       "the ILB CPU balances itself last and its own rq->next_balance is not folded into "
       "nohz.next_balance",
       "spec/bugs.md #10, c5afb6a87f23 undone", "_nohz_idle_balance() (model/nohz/nohz_kick.cpp)",
       "NOHZ-2"},
      {Mutant::NohzKickNeverCleared, "nohz-kick-never-cleared",
       "the NOHZ_BALANCE_KICK flag of an ILB CPU that woke with a task is never cleared, so later "
       "kicks send no IPI",
       "spec/bugs.md #13, 873b4c65b519 undone",
       "nohz_csd_func() / scheduler_ipi() (model/nohz/nohz_kick.cpp)", "NOHZ-3"},
      {Mutant::MigrationLosesTask, "migration-loses-task",
       "a task detached from the busiest rq is never attached to the destination",
       "classic mistake", "attach_tasks() (model/balance/detach_tasks.cpp)", "MIG-1"},
      {Mutant::AffinityIgnored, "affinity-ignored",
       "can_migrate_task() does not test the task's cpus_allowed", "classic mistake",
       "can_migrate_task() (model/balance/detach_tasks.cpp)", "MIG-2"},
      {Mutant::MigrationOutsideSpan, "migration-outside-span",
       "find_busiest_queue() searches every active CPU but dst, not only the busiest group "
       "inside the domain (the first search of a balance; the redo searches the group)",
       "classic mistake (spec/bugs.md #17 is its cousin)",
       "find_busiest_queue() (model/balance/find_src_rq.cpp)", "MIG-3"},
      {Mutant::DetachLimitIgnored, "detach-limit-ignored",
       "while every task seen so far was pinned, detach_tasks() scans past loop_max up to the "
       "breather, and load_balance() goes on while env->loop < busiest->nr_running",
       "spec/bugs.md #18, b0defa7ae03e (reverted by 2feab2492deb)",
       "detach_tasks() (model/balance/detach_tasks.cpp)", "MIG-4"},
      {Mutant::InconsistentLockOrder, "inconsistent-lock-order",
       "one path takes two rq locks in the profile's order, another by plain CPU id (as 2.6.16's "
       "double_rq_lock() by address and wake_sleeping_dependent() by CPU id), so two CPUs can each "
       "hold the lock the other waits for where the two orders differ",
       "spec/bugs.md #22 (2.6.16)", "double_rq_lock() (model/balance/rq_lock.cpp)", "LOCK-1"},
      {Mutant::GroupImbalance, "group-imbalance",
       "find_busiest_group() compares groups by average load only, so an idle CPU in a group "
       "holding one heavy task never pulls from a group full of light ones",
       "spec/bugs.md #1 (Wasted Cores, Group Imbalance)",
       "sched_balance_find_src_group(), v5.5+ rule (model/balance/find_src_group.cpp)", "WC-1"},
  };
  return all;
}

const MutantInfo* find_mutant(std::string_view name) {
  for (const MutantInfo& m : mutant_registry())
    if (m.name == name) return &m;
  return nullptr;
}

const MutantInfo& mutant_info(Mutant m) {
  for (const MutantInfo& i : mutant_registry())
    if (i.id == m) return i;
  static const MutantInfo none{Mutant::None, "none", "the unmutated model", "", "", ""};
  return none;
}

std::string_view mutant_names() {
  static const std::string names = [] {
    std::string s;
    for (const MutantInfo& m : mutant_registry())
      s += (s.empty() ? "" : ", ") + std::string(m.name);
    return s;
  }();
  return names;
}

void apply_mutant(Mutant m, Profile& p, BuildOptions* build) {
  p.mutant = m;
  switch (m) {
    case Mutant::NextBalanceWriteUnfed:
      p.next_balance_write = NextBalanceWrite::Always;
      break;
    case Mutant::NewidleUnserialized:
      p.serialize_newidle = false;
      break;
    case Mutant::NohzNextBalanceOverwrite:
      p.nohz_kick_next_balance = NohzKickNextBalance::Increment;
      break;
    case Mutant::NumaDiameterGroups:
      if (build) build->find_descended_sibling = false;
      break;
    case Mutant::OverlapGroupsCpu0View:
      if (build) build->groups_walk_from_own_cpu = false;
      break;
    case Mutant::DegenerateStaleFlags:
      if (build) build->group_flags = GroupFlags::FromChild;
      break;
    default:  // a code-site mutant: is_mutant() at its site
      break;
  }
}

}  // namespace sbm
