// LOCK-*: rq lock acquisitions as the balance emits them (RqLockEvent, model/balance/rq_lock.h);
// spec/invariants.md, section 5 states them.
//
//   LOCK-1  a CPU that holds an rq lock and waits for another (a blocking acquire; a
//           trylock never waits) takes it in the profile's order: rq address until 5.13,
//           rq_order_less() from 5.14. Across CPUs, the "held -> waited for" edges must not
//           form a cycle: such a cycle is an AB-BA deadlock (spec/bugs.md #21, #22).
//   LOCK-2  lock discipline: a CPU never takes a lock it holds (self-deadlock), never
//           releases a lock it does not hold, no lock has two holders, and a balance (one
//           sched_balance_rq() call, ended by its BalanceResultEvent) or a stopper run (ended by
//           ActiveBalanceEvent Run) releases every lock it took.
#pragma once

#include <map>
#include <set>
#include <vector>

#include "model/balance/rq_lock.h"
#include "model/balance_event.h"
#include "model/profile.h"
#include "properties/violation.h"

namespace sbm {

std::vector<Violation> check_lock1_order(LockOrder order, const RqLockLayout& layout,
                                         const std::vector<BalanceEvent>& events);

// LOCK-2 over a stream of events fed in pieces (trace replay's jiffy windows): who holds which
// lock, and which CPU executes the pass of each rq, are carried from one piece to the next, so
// a lock section cut by a window boundary is judged whole, and a lock still held when its
// balance ends is reported there, at the balance's end event, whichever window the release
// falls in. With `start_unknown` every lock starts unknown (an excerpt may begin inside a lock
// section): a release of a lock whose acquire or release was not seen is not judged; forget()
// makes every lock unknown again (a gap lost the events).
class Lock2Discipline {
 public:
  Lock2Discipline(RqLockLayout layout, bool start_unknown);

  // Judges `events` in order; a finding's line is the 1-based index of its event in `events`.
  void feed(const std::vector<BalanceEvent>& events, std::vector<Violation>& out);
  // The end of a sequence that holds whole balances (a simulated jiffy): every lock still held
  // and not reported at a balance's end is reported at the event that took it (an index of
  // the last `events` fed).
  void finish(std::vector<Violation>& out);
  void forget();

 private:
  struct Held {
    int cpu = -1;
    std::size_t taken = 0;  // the event that took it, in the piece it was fed in
    bool reported = false;  // reported at the end of the balance that took it
  };
  void balance_end(int cpu, std::size_t i, std::vector<Violation>& out);

  RqLockLayout layout_;
  bool start_unknown_;
  std::map<int, Held> holder_;   // lock id -> its holder
  std::set<int> known_;          // lock ids whose state was seen (start_unknown_ only)
  std::map<int, int> executor_;  // rq -> the CPU executing its pass (PassStartEvent)
};

// Lock2Discipline over one whole sequence: every lock starts free and must be free at its end.
std::vector<Violation> check_lock2_discipline(const RqLockLayout& layout,
                                              const std::vector<BalanceEvent>& events);

}  // namespace sbm
