// MIG-* and LOCK-*: each check holds on the model's balances and fires on a bad input.
#include <gtest/gtest.h>

#include <algorithm>

#include "model/balance/active_balance.h"
#include "properties/lock_invariants.h"
#include "properties/mig_invariants.h"
#include "tests/support/load_balance_testing.h"

namespace sbm {
namespace {

using namespace testing;

bool has_id(const std::vector<Violation>& v, const std::string& id) {
  return std::any_of(v.begin(), v.end(), [&](const Violation& x) { return x.id == id; });
}

// A few balances that exercise redo, DST_PINNED, failures and an active balance, with the
// state before and the events of each step.
struct Step {
  MachineState before;
  MachineState after;
  std::vector<BalanceEvent> events;
};

std::vector<Step> busy_steps(const std::string& name) {
  std::vector<Step> steps;
  MachineState m = lb_machine(smt_pkg_topology(4, 2), name);
  place(m, 1, {pinned(task(1), CpuMask::single(1)), pinned(task(2), CpuMask::single(1))});
  place(m, 2, {task(3), pinned(task(4), CpuMask::range(1, 3)), task(5), task(6)});
  place(m, 3, {task(7), pinned(task(8), CpuMask::single(3))});
  LoadBalancer lb(m);
  for (int round = 0; round < 6; ++round)
    for (int cpu = 0; cpu < 4; ++cpu)
      for (int level = 0; level < 2; ++level) {
        Step s{m, m, {}};
        RecordingEventSink sink;
        bool cont = true;
        const CpuIdleType idle = idle_cpu(m.rq(cpu)) ? CpuIdleType::Idle : CpuIdleType::NotIdle;
        lb.balance(m, BalanceCall{cpu, cpu, level, idle}, cont, sink);
        run_stopper_work(m, lb.state, m.profile, sink);
        s.after = m;
        s.events = sink.events;
        steps.push_back(std::move(s));
      }
  return steps;
}

TEST(MigLockInvariants, HoldOnTheModelsBalancesInEveryProfile) {
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    int migrations = 0;
    for (const Step& s : busy_steps(name)) {
      const auto mig = check_mig_invariants(s.before, s.after, s.events);
      EXPECT_TRUE(mig.empty()) << mig.front().id << ": " << mig.front().observed;
      const RqLockLayout l = default_rq_lock_layout(s.after);
      const auto lock1 = check_lock1_order(s.after.profile.lock_order, l, s.events);
      EXPECT_TRUE(lock1.empty()) << lock1.front().observed;
      const auto lock2 = check_lock2_discipline(l, s.events);
      EXPECT_TRUE(lock2.empty()) << lock2.front().observed;
      for (const BalanceEvent& e : s.events)
        migrations += std::holds_alternative<TaskMigrateEvent>(e);
    }
    EXPECT_GT(migrations, 0) << "the scenario moves tasks, so the checks looked at some";
  }
}

TEST(Mig1, FiresOnALostOrDuplicatedTask) {
  MachineState before = lb_machine(flat_topology(2), "v6.17");
  place(before, 0, {task(1), task(2)});
  MachineState dup = before;
  dup.rq(1).tasks.push_back(dup.rq(0).tasks[1]);  // on both rqs
  EXPECT_TRUE(has_id(check_mig1_conserved(before, dup), "MIG-1"));
  EXPECT_TRUE(has_id(check_mig1_unique(dup), "MIG-1"));
  MachineState lost = before;
  lost.rq(0).tasks.pop_back();
  EXPECT_TRUE(has_id(check_mig1_conserved(before, lost), "MIG-1"));
  MachineState moved = before;
  moved.rq(1).tasks.push_back(moved.rq(0).tasks.back());
  moved.rq(0).tasks.pop_back();
  EXPECT_TRUE(check_mig1_conserved(before, moved).empty());
}

TEST(Mig2, FiresOnATaskMovedOutsideItsAffinity) {
  MachineState before = lb_machine(flat_topology(2), "v6.17");
  place(before, 0, {task(1), pinned(task(2), CpuMask::single(0))});
  MachineState after = before;
  after.rq(1).tasks.push_back(after.rq(0).tasks.back());
  after.rq(0).tasks.pop_back();
  EXPECT_TRUE(has_id(check_mig2_affinity(before, after), "MIG-2"));
  TaskMigrateEvent bad;
  bad.pid = 2;
  bad.from_cpu = 0;
  bad.to_cpu = 1;
  bad.cpus_allowed = CpuMask::single(0);
  EXPECT_TRUE(has_id(check_mig2_events({bad}), "MIG-2"));
  bad.cpus_allowed = CpuMask::range(0, 1);
  EXPECT_TRUE(check_mig2_events({bad}).empty());
  EXPECT_TRUE(check_mig2_affinity(before, before).empty());
}

TEST(Mig3, FiresOnAMigrationOutsideTheBalancedDomain) {
  MachineState m = lb_machine(smt_pkg_topology(4, 2), "v6.17");
  TaskMigrateEvent e;
  e.pid = 1;
  e.cpu = 0;
  e.level = 0;  // the SMT domain {0,1}
  e.from_cpu = 2;
  e.to_cpu = 0;
  EXPECT_TRUE(has_id(check_mig3_domain_span(m, {e}), "MIG-3"));
  e.level = 1;  // the package {0-3} spans both
  EXPECT_TRUE(check_mig3_domain_span(m, {e}).empty());
  e.level = 7;
  EXPECT_TRUE(has_id(check_mig3_domain_span(m, {e}), "MIG-3"));
}

// spec/bugs.md #8 / #17: a NUMA level whose second group {2,3} reaches CPU3 outside the domain
// span {0,1,2}. With env->cpus = every CPU (v2.6.20) or cpu_active_mask (v2.6.32) the
// balance takes CPU3's task, outside the domain; since 65a4433aebe3 (v4.13) env->cpus =
// span & active keeps the busiest rq inside.
TEST(Mig3, FiresOnABalanceOverGroupsLeavingTheSpan) {
  const SdFlags mc{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::ShareLlc};
  const SdFlags numa{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::Numa};
  Topology t = hand_topology(4, {{"MC", 2, mc}, {"NUMA", 4, numa}});
  for (int cpu = 0; cpu <= 2; ++cpu) {
    SchedDomain& sd = t.cpus[cpu].domains[1];
    sd.span = CpuMask::range(0, 2);
    SchedGroup local, far;
    local.span = cpu == 2 ? CpuMask::range(2, 3) : CpuMask::range(0, 1);
    far.span = cpu == 2 ? CpuMask::range(0, 1) : CpuMask::range(2, 3);
    sd.groups = std::vector<SchedGroup>{local, far};
  }
  for (const std::string& name : all_profiles()) {
    SCOPED_TRACE(name);
    MachineState m = lb_machine(t, name);
    place(m, 3, {task(1), task(2), task(3)});
    const MachineState before = m;
    LoadBalancer lb(m);
    const BalanceRun r = balance(m, lb, 0, 1);
    const auto v = check_mig3_domain_span(m, r.sink.events);
    const bool inside = m.profile.lb_cpus_init == LbCpusInit::SpanAndActive;
    EXPECT_EQ(v.empty(), inside);
    EXPECT_EQ(m.rq(3).nr_running() == 3, inside);
    EXPECT_TRUE(check_mig1_conserved(before, m).empty());
  }
}

TEST(Mig4, FiresWhenAPassExceedsLoopMax) {
  // The shape of b0defa7ae03e (spec/bugs.md #18): loop_max ignored while every task seen was
  // pinned, 40 tasks examined where loop_max is 32.
  const Profile p = profile("v6.17");
  DetachPassEvent pass;
  pass.balance_seq = 1;
  pass.round = 1;
  pass.src_nr_running = 40;
  pass.limit = 32;
  pass.examined = 32;
  pass.detached = 1;
  EXPECT_TRUE(check_mig4_migration_limit(p, {pass}).empty());
  DetachPassEvent over = pass;
  over.examined = 40;
  EXPECT_TRUE(has_id(check_mig4_migration_limit(p, {over}), "MIG-4"));
  DetachPassEvent wrong_limit = pass;
  wrong_limit.limit = 40;
  EXPECT_TRUE(has_id(check_mig4_migration_limit(p, {wrong_limit}), "MIG-4"));
  // Two passes of one round (LBF_NEED_BREAK) together moving more than the bound.
  DetachPassEvent a = pass, b = pass;
  a.src_nr_running = b.src_nr_running = 3;
  a.limit = b.limit = 3;
  a.examined = 2;
  b.examined = 3;
  a.detached = 2;
  b.detached = 2;
  EXPECT_TRUE(has_id(check_mig4_migration_limit(p, {a, b}), "MIG-4"));
  b.round = 2;  // a new round (DST_PINNED) has its own bound
  EXPECT_TRUE(check_mig4_migration_limit(p, {a, b}).empty());
  // v2.6.20 bounds the tasks moved (nr_running - 1), not the tasks examined.
  const Profile old = profile("v2.6.20");
  DetachPassEvent v2620 = pass;
  v2620.src_nr_running = 3;
  v2620.limit = 2;
  v2620.examined = 3;
  v2620.detached = 2;
  EXPECT_TRUE(check_mig4_migration_limit(old, {v2620}).empty());
  v2620.detached = 3;
  EXPECT_TRUE(has_id(check_mig4_migration_limit(old, {v2620}), "MIG-4"));
}

RqLockEvent lock_ev(int cpu, int rq, RqLockAction a) { return RqLockEvent{cpu, rq, a, "test"}; }

TEST(Lock1, FiresOnCpuIdOrderWhenAddressesDisagree) {
  // spec/bugs.md #22: double_rq_lock() ordered by rq address, wake_sleeping_dependent() by CPU
  // id; on ppc64 rq1's address was below rq0's.
  RqLockLayout l;
  l.address = {0x2000, 0x1000};
  l.core_cpu = {0, 1};
  using A = RqLockAction;
  const std::vector<BalanceEvent> cpu_order = {lock_ev(0, 0, A::Acquire), lock_ev(0, 1, A::Acquire),
                                               lock_ev(0, 1, A::Release),
                                               lock_ev(0, 0, A::Release)};
  EXPECT_TRUE(has_id(check_lock1_order(LockOrder::RqAddress, l, cpu_order), "LOCK-1"));
  EXPECT_TRUE(check_lock1_order(LockOrder::RqOrderLess, l, cpu_order).empty());
  // The model's double_rq_lock() under the address order.
  RqLocks locks(l);
  RecordingEventSink sink;
  double_rq_lock(LockOrder::RqAddress, locks, 0, 0, 1, sink);
  double_rq_unlock(locks, 0, 0, 1, sink);
  EXPECT_TRUE(check_lock1_order(LockOrder::RqAddress, l, sink.events).empty());
  // A trylock against the order never waits: no violation.
  const std::vector<BalanceEvent> trylock = {lock_ev(0, 0, A::Acquire),
                                             lock_ev(0, 1, A::TryAcquire)};
  EXPECT_TRUE(check_lock1_order(LockOrder::RqAddress, l, trylock).empty());
}

TEST(Lock1, FiresOnAnAbBaCycle) {
  RqLockLayout l;
  l.address = {0x1000, 0x2000};
  l.core_cpu = {0, 1};
  using A = RqLockAction;
  // CPU0 holds rq0 and waits for rq1; CPU1 holds rq1 and waits for rq0.
  const std::vector<BalanceEvent> abba = {lock_ev(0, 0, A::Acquire), lock_ev(1, 1, A::Acquire),
                                          lock_ev(0, 1, A::Acquire), lock_ev(1, 0, A::Acquire)};
  const auto v = check_lock1_order(LockOrder::RqAddress, l, abba);
  EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](const Violation& x) {
    return x.id == "LOCK-1" && x.observed.find("->") != std::string::npos;
  })) << "the cycle is reported";
}

// The cycle is reported at the event that closed it, not at a later unrelated wait.
TEST(Lock1, CycleIsReportedWhereItCloses) {
  RqLockLayout l;
  l.address = {0x1000, 0x2000, 0x3000, 0x4000};
  l.core_cpu = {0, 1, 2, 3};
  using A = RqLockAction;
  const std::vector<BalanceEvent> events = {lock_ev(0, 1, A::Acquire), lock_ev(1, 0, A::Acquire),
                                            lock_ev(1, 1, A::Acquire), lock_ev(0, 0, A::Acquire),
                                            lock_ev(2, 2, A::Acquire), lock_ev(2, 3, A::Acquire)};
  const auto v = check_lock1_order(LockOrder::RqAddress, l, events);
  const auto cycle =
      std::find_if(v.begin(), v.end(), [](const Violation& x) { return x.cpu == -1; });
  ASSERT_NE(cycle, v.end());
  EXPECT_EQ(cycle->observed, "rq0 -> rq1 -> rq0");
  EXPECT_EQ(cycle->line, 4) << "CPU0 waiting for rq0 while holding rq1 closes it";
}

TEST(Lock2, FiresOnLockMisuse) {
  RqLockLayout l;
  l.address = {0x1000, 0x2000};
  l.core_cpu = {0, 1};
  using A = RqLockAction;
  EXPECT_TRUE(has_id(
      check_lock2_discipline(
          l, {lock_ev(0, 0, A::Acquire), lock_ev(0, 0, A::Acquire), lock_ev(0, 0, A::Release)}),
      "LOCK-2"));
  EXPECT_TRUE(has_id(check_lock2_discipline(l, {lock_ev(0, 1, A::Release)}), "LOCK-2"));
  EXPECT_TRUE(has_id(check_lock2_discipline(l, {lock_ev(0, 1, A::Acquire)}), "LOCK-2"));
  EXPECT_TRUE(has_id(check_lock2_discipline(l, {lock_ev(0, 5, A::Acquire)}), "LOCK-2"));
  EXPECT_TRUE(
      check_lock2_discipline(l, {lock_ev(0, 1, A::Acquire), lock_ev(0, 1, A::Release)}).empty());
}

// LOCK-2: a balance releases every lock it took. CPU1's balance of rq1 (PassStartEvent and
// BalanceResultEvent) ends holding rq0, released by its next balance.
TEST(Lock2, FiresAtTheEndOfTheBalanceThatHeldTheLock) {
  RqLockLayout l;
  l.address = {0x1000, 0x2000};
  l.core_cpu = {0, 1};
  using A = RqLockAction;
  const BalanceEvent pass = PassStartEvent{1, 1};
  const BalanceEvent end = BalanceResultEvent{1, 0};
  const std::vector<BalanceEvent> across = {pass, lock_ev(1, 0, A::Acquire), end,
                                            lock_ev(1, 0, A::Release), end};
  const auto v = check_lock2_discipline(l, across);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].id, "LOCK-2");
  EXPECT_EQ(v[0].line, 3) << "reported at the result of the balance that held it";
  EXPECT_EQ(v[0].cpu, 1);
  // Released inside its balance: none.
  EXPECT_TRUE(check_lock2_discipline(
                  l, {pass, lock_ev(1, 0, A::Acquire), lock_ev(1, 0, A::Release), end, end})
                  .empty());
  // A stopper run ends the same way (the busiest CPU runs it).
  EXPECT_TRUE(has_id(
      check_lock2_discipline(
          l, {lock_ev(1, 1, A::Acquire), ActiveBalanceEvent{1, 0, ActiveBalanceAction::Run, 0},
              lock_ev(1, 1, A::Release)}),
      "LOCK-2"));
  // The idle load balancer CPU0 executes CPU1's pass: the lock it holds is its own, and a
  // balance of CPU1 ends CPU0's balance.
  const BalanceEvent ilb_pass = PassStartEvent{1, 0};
  EXPECT_TRUE(has_id(check_lock2_discipline(
                         l, {ilb_pass, lock_ev(0, 0, A::Acquire), end, lock_ev(0, 0, A::Release)}),
                     "LOCK-2"));
  EXPECT_TRUE(check_lock2_discipline(
                  l, {ilb_pass, lock_ev(1, 1, A::Acquire), end, lock_ev(1, 1, A::Release)})
                  .empty())
      << "CPU1 did not execute the balance that ended";
}

// Fed in pieces (trace replay's windows), the state is carried: a section cut by a piece's end
// is judged whole; a lock released before any acquire or release of it was seen is not judged
// when the state starts unknown, nor after forget().
TEST(Lock2, CarriesTheLocksAcrossPieces) {
  RqLockLayout l;
  l.address = {0x1000, 0x2000};
  l.core_cpu = {0, 1};
  using A = RqLockAction;
  std::vector<Violation> out;
  Lock2Discipline d(l, true);
  d.feed({PassStartEvent{1, 1}, lock_ev(1, 0, A::Acquire)}, out);
  d.feed({lock_ev(1, 0, A::Release), BalanceResultEvent{1, 0}}, out);
  EXPECT_TRUE(out.empty());
  d.feed({lock_ev(0, 1, A::Release)}, out);
  EXPECT_TRUE(out.empty()) << "rq1's state was never seen";
  d.feed({lock_ev(0, 1, A::Release)}, out);
  EXPECT_TRUE(has_id(out, "LOCK-2")) << "a second release: rq1 is known free";
  out.clear();
  d.feed({lock_ev(0, 1, A::Acquire)}, out);
  d.forget();
  d.feed({lock_ev(1, 1, A::Release)}, out);
  EXPECT_TRUE(out.empty()) << "after a gap the holder is unknown";
  d.feed({lock_ev(1, 1, A::Acquire)}, out);
  d.feed({lock_ev(0, 1, A::Acquire)}, out);
  EXPECT_TRUE(has_id(out, "LOCK-2")) << "two holders across pieces";
}

}  // namespace
}  // namespace sbm
