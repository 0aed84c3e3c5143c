// Field-for-field equality of the model's events, which have no operator==: what the trace
// reader tests compare a read event with (the event written, or the same line read another way).
#pragma once

#include <tuple>
#include <type_traits>
#include <variant>

#include "model/balance_event.h"
#include "model/workload.h"

namespace sbm::testing {

// Every field of each event.
inline auto fields(const TickEvent& e) {
  return std::tie(e.cpu, e.jiffies, e.idle, e.next_balance, e.attached, e.active, e.nohz_defers);
}
inline auto fields(const SoftirqRaiseEvent& e) { return std::tie(e.cpu, e.vec, e.source); }
inline auto fields(const SoftirqEntryEvent& e) { return std::tie(e.cpu, e.vec); }
inline auto fields(const SoftirqExitEvent& e) { return std::tie(e.cpu, e.vec); }
inline auto fields(const PassStartEvent& e) {
  return std::tie(e.cpu, e.executing_cpu, e.jiffies, e.idle, e.busy, e.next_balance_start, e.rq_next_balance);
}
inline auto fields(const DomainVisitEvent& e) {
  return std::tie(e.cpu, e.level, e.name, e.jiffies, e.interval, e.last_balance, e.due, e.balance_interval, e.busy);
}
inline auto fields(const DomainSkipEvent& e) { return std::tie(e.cpu, e.level, e.reason); }
inline auto fields(const SerializeEvent& e) { return std::tie(e.cpu, e.for_cpu, e.level, e.action, e.holder); }
inline auto fields(const BalanceResultEvent& e) {
  return std::tie(e.cpu, e.level, e.idle, e.moved, e.serialize_busy, e.continue_balancing, e.last_balance, e.interval,
                  e.balance_interval_before, e.balance_interval_after);
}
inline auto fields(const NextBalanceCandidateEvent& e) {
  return std::tie(e.cpu, e.level, e.candidate, e.taken, e.next_balance);
}
inline auto fields(const NextBalanceWriteEvent& e) { return std::tie(e.cpu, e.old_value, e.new_value, e.written); }
inline auto fields(const RqLockEvent& e) { return std::tie(e.cpu, e.rq, e.action, e.site); }
inline auto fields(const TaskMigrateEvent& e) {
  return std::tie(e.pid, e.from_cpu, e.to_cpu, e.cpu, e.level, e.executing_cpu, e.cpus_allowed, e.balance_seq, e.active,
                  e.reason);
}
inline auto fields(const DetachPassEvent& e) {
  return std::tie(e.cpu, e.level, e.src_cpu, e.dst_cpu, e.balance_seq, e.round, e.src_nr_running, e.limit, e.examined,
                  e.detached);
}
inline auto fields(const ActiveBalanceEvent& e) { return std::tie(e.busiest_cpu, e.push_cpu, e.action, e.pid); }
inline auto fields(const NohzIdleEvent& e) {
  return std::tie(e.cpu, e.enter, e.jiffies, e.rq_next_balance, e.nohz_next_balance, e.needs_update, e.load_balancer);
}
inline auto fields(const NohzKickEvent& e) {
  return std::tie(e.cpu, e.target, e.flags, e.jiffies, e.next_balance_before, e.next_balance_after, e.needs_update,
                  e.ipi);
}
inline auto fields(const IlbBalanceEvent& e) { return std::tie(e.ilb_cpu, e.cpu, e.ilb_idle, e.jiffies); }
inline auto fields(const IlbPassEndEvent& e) {
  return std::tie(e.ilb_cpu, e.flags, e.complete, e.jiffies, e.candidates, e.skipped_busy, e.folded, e.before, e.after);
}
inline auto fields(const HotplugEvent& e) { return std::tie(e.cpu, e.online); }

inline bool same(const BalanceEvent& a, const BalanceEvent& b) {
  return a.index() == b.index() &&
         std::visit([&](const auto& x) { return fields(x) == fields(std::get<std::decay_t<decltype(x)>>(b)); }, a);
}

inline bool same(const TaskEvent& a, const TaskEvent& b) {
  // The trace carries the affinity and weights of a fork and the affinity of SetAffinity only.
  const bool fork = a.kind == TaskEventKind::Fork;
  return a.kind == b.kind && a.pid == b.pid && a.cpu == b.cpu &&
         (!(fork || a.kind == TaskEventKind::SetAffinity) || a.cpus_allowed == b.cpus_allowed) &&
         (!fork || (a.load_weight == b.load_weight && a.util == b.util));
}

}  // namespace sbm::testing
