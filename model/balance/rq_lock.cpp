#include "model/balance/rq_lock.h"

#include <algorithm>

#include "model/balance/lb_groups.h"

namespace sbm {

RqLockLayout default_rq_lock_layout(const MachineState& m) {
  RqLockLayout l;
  for (int cpu = 0; cpu < m.nr_cpu_ids(); ++cpu) {
    l.address.push_back(0x10000ull * static_cast<uint64_t>(cpu + 1));
    l.core_cpu.push_back(cpu_smt_mask(m, cpu).first());
  }
  return l;
}

int rq_lock_id(const RqLockLayout& l, int rq) {
  return l.core_sched_enabled ? l.core_cpu.at(static_cast<size_t>(rq)) : rq;
}

bool rq_lock_before(LockOrder order, const RqLockLayout& l, int rq1, int rq2) {
  const auto i = static_cast<size_t>(rq1), j = static_cast<size_t>(rq2);
  switch (order) {
    case LockOrder::RqAddress:
      return l.address.at(i) < l.address.at(j);
    case LockOrder::RqOrderLess:
      if (l.core_cpu.at(i) != l.core_cpu.at(j)) return l.core_cpu.at(i) < l.core_cpu.at(j);
      return rq1 < rq2;
  }
  return false;
}

bool rq_lock_path_before(const Profile& p, const RqLockLayout& l, RqLockPath path, int rq1,
                         int rq2) {
  // Registry "inconsistent-lock-order": one path by CPU id, whatever the profile says.
  if (path == RqLockPath::DoubleLockBalance && is_mutant(p, Mutant::InconsistentLockOrder))
    return rq1 < rq2;
  return rq_lock_before(p.lock_order, l, rq1, rq2);
}

RqLocks::RqLocks(RqLockLayout layout)
    : layout_(std::move(layout)),
      holder_(static_cast<size_t>(layout_.nr_cpus()), -1),
      stamp_(static_cast<size_t>(layout_.nr_cpus()), 0) {}

int RqLocks::holder(int rq) const {
  return holder_.at(static_cast<size_t>(rq_lock_id(layout_, rq)));
}

std::vector<int> RqLocks::held_by(int cpu) const {
  std::vector<int> held;
  for (int id = 0; id < layout_.nr_cpus(); ++id)
    if (holder_[static_cast<size_t>(id)] == cpu) held.push_back(id);
  std::sort(held.begin(), held.end(), [this](int a, int b) {
    return stamp_[static_cast<size_t>(a)] < stamp_[static_cast<size_t>(b)];
  });
  return held;
}

void RqLocks::set_holder(int rq, int cpu) {
  const auto id = static_cast<size_t>(rq_lock_id(layout_, rq));
  holder_.at(id) = cpu;
  stamp_.at(id) = ++clock_;
}

void RqLocks::lock(int cpu, int rq, const std::string& site, BalanceEventSink& sink) {
  set_holder(rq, cpu);
  sink.emit(RqLockEvent{cpu, rq, RqLockAction::Acquire, site});
}

bool RqLocks::trylock(int cpu, int rq, const std::string& site, BalanceEventSink& sink) {
  if (holder(rq) >= 0) {
    sink.emit(RqLockEvent{cpu, rq, RqLockAction::TryFail, site});
    return false;
  }
  set_holder(rq, cpu);
  sink.emit(RqLockEvent{cpu, rq, RqLockAction::TryAcquire, site});
  return true;
}

void RqLocks::unlock(int cpu, int rq, const std::string& site, BalanceEventSink& sink) {
  holder_.at(static_cast<size_t>(rq_lock_id(layout_, rq))) = -1;
  sink.emit(RqLockEvent{cpu, rq, RqLockAction::Release, site});
}

void double_rq_lock(LockOrder order, RqLocks& locks, int cpu, int rq1, int rq2,
                    BalanceEventSink& sink) {
  if (rq_lock_before(order, locks.layout(), rq2, rq1)) std::swap(rq1, rq2);
  locks.lock(cpu, rq1, "double_rq_lock", sink);
  if (rq_lock_id(locks.layout(), rq1) != rq_lock_id(locks.layout(), rq2))
    locks.lock(cpu, rq2, "double_rq_lock", sink);
}

void double_rq_unlock(RqLocks& locks, int cpu, int rq1, int rq2, BalanceEventSink& sink) {
  if (rq_lock_id(locks.layout(), rq1) != rq_lock_id(locks.layout(), rq2))
    locks.unlock(cpu, rq2, "double_rq_unlock", sink);
  locks.unlock(cpu, rq1, "double_rq_unlock", sink);
}

bool double_lock_balance(LockOrder order, bool config_preempt, RqLocks& locks, int cpu, int this_rq,
                         int busiest, BalanceEventSink& sink) {
  const std::string site = "double_lock_balance";
  if (!config_preempt) {
    if (rq_lock_id(locks.layout(), this_rq) == rq_lock_id(locks.layout(), busiest)) return false;
    if (locks.trylock(cpu, busiest, site, sink)) return false;
    if (rq_lock_before(order, locks.layout(), this_rq, busiest)) {
      locks.lock(cpu, busiest, site, sink);
      return false;
    }
  }
  locks.unlock(cpu, this_rq, site, sink);
  double_rq_lock(order, locks, cpu, this_rq, busiest, sink);
  return true;
}

void double_unlock_balance(RqLocks& locks, int cpu, int this_rq, int busiest,
                           BalanceEventSink& sink) {
  if (rq_lock_id(locks.layout(), this_rq) != rq_lock_id(locks.layout(), busiest))
    locks.unlock(cpu, busiest, "double_unlock_balance", sink);
}

}  // namespace sbm
