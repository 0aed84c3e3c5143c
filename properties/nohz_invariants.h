// NOHZ-1 and NOHZ-2: the NOHZ idle load balancer is idle whenever it balances, and
// nohz.next_balance (the owner's rq->next_balance in 2.6.21-3.2) follows the minimum of
// the idle CPUs' rq->next_balance (spec/invariants.md, section 6).
//
// Checked over the event stream the model emits (model/balance_event.h, model/nohz/nohz.h),
// which is also what a trace from another implementation is read into; events are
// numbered from 1 and that number is the Violation's `line`.
#pragma once

#include <vector>

#include "model/balance_event.h"
#include "model/profile.h"
#include "properties/topo_invariants.h"
#include "properties/violation.h"

namespace sbm {

// NOHZ-1, NOHZ-2.
const std::vector<InvariantInfo>& nohz_invariants();

// What the end of an ILB walk must leave in the value it folds into.
enum class NohzWalkRule {
  None,             // no guarantee (no NOHZ; v4.19, spec/bugs.md #10/#11)
  OwnerFold,        // 2.6.21-3.2: the owner's rq->next_balance is the time_after-minimum of
                    // its own value and every CPU it balanced, complete walk or not
  CompleteMinimum,  // 3ea2f097b17e+: a complete walk writes the time_after-minimum of the
                    // rq->next_balance of every idle CPU of nohz.idle_cpus_mask (itself
                    // included) when one is earlier than now+60*HZ; an aborted walk writes
                    // nothing
};

// The parts of NOHZ-2 a kernel guarantees.
struct NohzRules {
  NohzWalkRule walk = NohzWalkRule::None;  // NOHZ-2(a)
  bool kick_not_later = false;    // NOHZ-2(b): a kick never moves nohz.next_balance later than
                                  // both its old value and jiffies+1 (3ea2f097b17e;
                                  // spec/bugs.md #11)
  bool enter_idle_folds = false;  // NOHZ-2(c): a CPU entering NOHZ idle with an earlier
                                  // rq->next_balance sets nohz.needs_update, and every kick
                                  // while it is set carries NOHZ_NEXT_KICK (efd984c481ab;
                                  // spec/bugs.md #12)
};

// The rules of a profile: v2.6.20 none; v2.6.32 (a) OwnerFold; v4.19 none (it has bugs
// #11 and #12); v6.17, v6.19 (a) CompleteMinimum, (b), (c).
NohzRules nohz_rules(const Profile& p);

// NOHZ-1: every IlbBalanceEvent for another CPU has the ILB idle.
std::vector<Violation> check_nohz1(const std::vector<BalanceEvent>& events);

// NOHZ-2 under the given rules (nohz_rules(p) for the profile's own guarantees; a
// stricter set shows what an older kernel breaks). `p` gives HZ and the jiffies width.
std::vector<Violation> check_nohz2(const Profile& p, const NohzRules& rules,
                                   const std::vector<BalanceEvent>& events);
std::vector<Violation> check_nohz2(const Profile& p, const std::vector<BalanceEvent>& events);

}  // namespace sbm
