// The mutant registry: buggy variants of the model, each standing for a real historical bug
// (spec/bugs.md) or a classic mistake, selected by name with `--mutant NAME`
// (`sbm prove`, `sbm mutants`, `sbm trace gen`). This is the one list of them; a mutant is a
// run-time switch carried by the Profile (and, for the topology builder, by BuildOptions),
// read by exactly one site in the model, which cites the registry entry it implements.
//
// Two kinds of switch:
//  - an era switch undone: the kernel fixed the bug with a change the model already has as
//    a Profile or BuildOptions field, and the mutant sets that field back to the buggy value
//    (apply_mutant() below does it, in one place);
//  - a code site: no era ever had the bug (or none the model has a profile of), so the model
//    function that would have it asks is_mutant(p, Mutant::X) at that one site.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace sbm {

enum class Mutant {
  None,
  // The rebalance loop and next_balance (NB, INT, BI).
  PlainLt,                // a plain "<" instead of time_after in the next_balance minimum
  NextBalanceAllDomains,  // next_balance taken over every domain, not only those visited
  NextBalanceWriteUnfed,  // rq->next_balance written when no domain fed it
  UnclampedInterval,      // get_sd_balance_interval() without its clamp
  BusyFactorIgnored,      // the busy interval not multiplied by busy_factor
  UnboundedBackoff,       // balance_interval doubled past its ceiling
  // SD_SERIALIZE (SER).
  CheckThenSet,         // the serialization token tested, then set, not atomically
  TrylockFailBalances,  // a failed trylock of the token still balances the domain
  NewidleUnserialized,  // v6.19 newly idle balancing not serialized (522fb20fbdbe undone)
  // Topology (TOPO).
  NumaDiameterGroups,     // overlap groups before 585b6d2723dc (NUMA diameter > 2)
  OverlapGroupsCpu0View,  // overlap groups built from the span's first CPU (bug 2)
  DegenerateStaleFlags,   // degenerate removal that leaves the group flags stale (bug 9)
  // NOHZ.
  NohzNextBalanceOverwrite,  // nohz.next_balance overwritten and bumped per kick (bug 11)
  NohzIlbOwnNotFolded,       // the ILB CPU's own next_balance not folded in (bug 10)
  NohzKickNeverCleared,      // the ILB kick flag never cleared (bug 13)
  // Migration and locking (MIG, LOCK).
  MigrationLosesTask,     // a detached task is never attached
  AffinityIgnored,        // can_migrate_task() ignores cpus_allowed
  MigrationOutsideSpan,   // the busiest rq searched outside the balancing domain's span
  DetachLimitIgnored,     // detach_tasks() ignores its per-pass limit
  InconsistentLockOrder,  // two rq locks taken in different orders (2.6.16, bug 22)
  // Balance decisions (WC).
  GroupImbalance,  // groups compared by average load, leaving a CPU idle (bug 1)
};

struct MutantInfo {
  Mutant id;
  std::string_view name;        // "plain-lt": what --mutant takes
  std::string_view stands_for;  // one line: the bug in the kernel's words
  std::string_view source;      // "spec/bugs.md #11, 3ea2f097b17e" or "classic mistake"
  std::string_view site;        // the kernel function (and model file) the switch sits in
  std::string_view caught_by;   // the property IDs that should catch it, e.g. "NB-1"
};

// Every mutant, in the order of the enum (None excluded).
const std::vector<MutantInfo>& mutant_registry();
const MutantInfo* find_mutant(std::string_view name);
const MutantInfo& mutant_info(Mutant m);
// "plain-lt, next-balance-all-domains, ...": for usage errors.
std::string_view mutant_names();

struct Profile;
struct BuildOptions;
// Selects mutant `m` for a run: records it in p.mutant (read by the code-site switches
// through is_mutant()) and sets back the era switch an "era switch undone" mutant stands
// for, in `p` or in `build` (null when no topology is built). The one place where a mutant
// becomes data.
void apply_mutant(Mutant m, Profile& p, BuildOptions* build);

}  // namespace sbm
